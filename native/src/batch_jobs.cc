// decodeBatchAsync and encodeBatchAsync: many small chunks of local files in ONE pool job.
//
// For tiny chunks (W5: 10,000 chunks of 800 bytes) the per-chunk cost of a job of its own — a
// promise, a libuv work item, parsing a job object, waking the JS thread — is larger than reading,
// decoding and copying the chunk. A batch carries the chunks' files and their regions as flat data
// and runs each chunk exactly as a single-chunk job would (ScatterJob / GatherJob, chunk_run.h), so
// the rules stay the same: regular files only, bounded decoding, regions checked against both
// buffers, atomic temp + rename writes.
//
// The batch object (built by src/codecs/pipeline-batch.ts):
//   { codec: string | null, opts: object,
//     array: Uint8Array,                 // the caller's array: decode destination, encode source
//     elemBytes, swapWidth, chunkBytes,  // as in a job's `copy`
//     chunkStrides: number[], arrayStrides: number[],  // byte strides, the same for every chunk
//     partial: boolean,                  // decode: a region under a quarter of the chunk may be
//                                        // decoded from part of the container (Blosc)
//     paths: string,                     // the chunk files, '\0'-separated, one per chunk
//     temps: string | null,              // encode: the temporary files, '\0'-separated
//     regions: Float64Array,             // per chunk: chunkOffset, arrayOffset, shape[nd]
//     status: Uint8Array }               // written per chunk: 1 = the file does not exist (decode)
//                                        // or a directory stands where it goes (encode, not written)
// The promise resolves (undefined) when every chunk is done. The first failing chunk stops the
// batch: the rejection's `index` is that chunk's position (so the caller names its key) and its
// `code` the errno name for file I/O failures. Chunks before it are done (written chunks are new),
// chunks after it untouched (old).
#include <cerrno>
#include <string>
#include <vector>

#include "chunk_run.h"
#include "exports.h"
#include "napi_util.h"
#include "options.h"

namespace zf {
namespace addon {

namespace {

struct BatchJob {
  bool decode = true;
  JobSpec tmpl;  // codec, array and the copy's constant parts; offsets and shape set per chunk
  bool partial = false;
  std::string paths, temps;
  std::vector<size_t> pathStart, tempStart;  // offsets of each name (count + 1 entries)
  std::vector<double> regions;
  uint8_t* status = nullptr;
  size_t count = 0;
  napi_ref statusRef = nullptr;
  std::string error, errorCode;
  int64_t errorIndex = -1;
  napi_deferred deferred = nullptr;
  napi_async_work work = nullptr;

  // Sets the chunk's part of `spec` from its region row; false when the row is malformed.
  bool SetRegion(size_t i, Scatter& spec) const {
    const size_t row = static_cast<size_t>(spec.nd) + 2;
    const double* r = regions.data() + i * row;
    for (size_t k = 0; k < row; k++) {
      if (!(r[k] > -9.0e15 && r[k] < 9.0e15) || r[k] != double(int64_t(r[k]))) return false;
    }
    const int64_t chunkOff = static_cast<int64_t>(r[0]), arrayOff = static_cast<int64_t>(r[1]);
    if (decode) spec.srcOff = chunkOff, spec.dstOff = arrayOff;
    else spec.srcOff = arrayOff, spec.dstOff = chunkOff;
    for (int d = 0; d < spec.nd; d++) {
      spec.shape[d] = static_cast<int64_t>(r[2 + d]);
      if (spec.shape[d] < 0) return false;
    }
    return true;
  }

  void Fail(size_t i, const std::string& e, const std::string& code) {
    error = e;
    errorCode = code;
    errorIndex = static_cast<int64_t>(i);
  }

  /** A single-chunk job's input, set up from the batch's template (each chunk then sets its region and path). */
  template <class In>
  void FromTemplate(In& in) const {
    in.params = tmpl.params;
    in.hasCodec = tmpl.hasCodec;
    in.array = tmpl.array;
    in.arrayLen = tmpl.arrayLen;
    in.spec = tmpl.spec;
  }

  void RunDecode() {
    ScatterJob one;
    FromTemplate(one.in);
    for (size_t i = 0; i < count; i++) {
      Scatter& spec = one.in.spec;
      if (!SetRegion(i, spec)) return Fail(i, "bad region in the batch", "");
      one.in.path.assign(paths, pathStart[i], pathStart[i + 1] - pathStart[i] - 1);
      one.in.partialStart = one.in.partialCount = 0;
      if (partial && tmpl.hasCodec) {
        bool empty = false;
        for (int d = 0; d < spec.nd; d++) empty = empty || spec.shape[d] == 0;
        int64_t lo, hi;
        Extent(spec, spec.sst, spec.srcOff, &lo, &hi);
        if (!empty && (hi - lo) * 4 < spec.chunkBytes) one.in.partialStart = lo, one.in.partialCount = hi - lo;
      }
      one.src = nullptr;
      one.srcLen = 0;
      one.missing = false;
      one.Run();
      if (!one.error.empty()) return Fail(i, one.error, one.errorCode);
      status[i] = one.missing ? 1 : 0;
    }
  }

  void RunEncode() {
    GatherJob one;
    FromTemplate(one.in);
    for (size_t i = 0; i < count; i++) {
      if (!SetRegion(i, one.in.spec)) return Fail(i, "bad region in the batch", "");
      one.in.file.assign(paths, pathStart[i], pathStart[i + 1] - pathStart[i] - 1);
      one.in.temp.assign(temps, tempStart[i], tempStart[i + 1] - tempStart[i] - 1);
      one.out.set_size(0);
      one.Run();
      status[i] = 0;
      if (one.error.empty()) continue;
      // A directory where the chunk file goes: the store's own write replaces it (the caller's job).
      if (one.errorCode == "EISDIR" || one.errorCode == "ENOTEMPTY" || one.errorCode == "EEXIST") {
        status[i] = 1;
        one.error.clear();
        one.errorCode.clear();
        continue;
      }
      return Fail(i, one.error, one.errorCode);
    }
  }
};

void ExecuteBatch(napi_env, void* data) {
  auto* job = static_cast<BatchJob*>(data);
  try {
    if (job->decode) job->RunDecode();
    else job->RunEncode();
  } catch (...) {
    job->error = "out of memory";
    job->errorCode.clear();
  }
}

void CompleteBatch(napi_env env, napi_status status, void* data) {
  auto* job = static_cast<BatchJob*>(data);
  if (status == napi_cancelled) job->Fail(0, "cancelled", "");
  if (job->error.empty()) {
    napi_value undef;
    napi_get_undefined(env, &undef);
    napi_resolve_deferred(env, job->deferred, undef);
  } else {
    napi_value msg, err, code = nullptr, index;
    napi_create_string_utf8(env, job->error.c_str(), job->error.size(), &msg);
    if (!job->errorCode.empty()) napi_create_string_utf8(env, job->errorCode.c_str(), job->errorCode.size(), &code);
    napi_create_error(env, code, msg, &err);
    napi_create_int64(env, job->errorIndex, &index);
    napi_set_named_property(env, err, "index", index);
    napi_reject_deferred(env, job->deferred, err);
  }
  job->tmpl.Unref(env);
  if (job->statusRef) napi_delete_reference(env, job->statusRef);
  napi_delete_async_work(env, job->work);
  delete job;
}

napi_value Prop(napi_env env, napi_value obj, const char* key) {
  napi_value v = nullptr;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok) napi_get_undefined(env, &v);
  return v;
}

bool Int(napi_env env, napi_value obj, const char* key, int64_t* out) {
  double d = 0;
  napi_valuetype t;
  napi_value v = Prop(env, obj, key);
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number || napi_get_value_double(env, v, &d) != napi_ok || !(d > -9.0e15 && d < 9.0e15) ||
      d != double(int64_t(d))) {
    ThrowError(env, std::string("batch.") + key + " must be an integer");
    return false;
  }
  *out = static_cast<int64_t>(d);
  return true;
}

bool IntList(napi_env env, napi_value obj, const char* key, std::vector<int64_t>* out) {
  napi_value v = Prop(env, obj, key);
  bool isArray = false;
  uint32_t len = 0;
  napi_is_array(env, v, &isArray);
  if (!isArray || napi_get_array_length(env, v, &len) != napi_ok || len > 64) {
    ThrowError(env, std::string("batch.") + key + " must be an array of at most 64 integers");
    return false;
  }
  out->assign(len, 0);
  for (uint32_t i = 0; i < len; i++) {
    napi_value e;
    double d = 0;
    if (napi_get_element(env, v, i, &e) != napi_ok || napi_get_value_double(env, e, &d) != napi_ok || d != double(int64_t(d))) {
      ThrowError(env, std::string("batch.") + key + " must hold integers");
      return false;
    }
    (*out)[i] = static_cast<int64_t>(d);
  }
  return true;
}

// A '\0'-separated list of names: `starts` gets each name's offset plus the end (one past the last '\0').
bool Names(napi_env env, napi_value v, const char* key, std::string* s, std::vector<size_t>* starts) {
  if (!GetString(env, v, s)) {
    ThrowError(env, std::string("batch.") + key + " must be a string");
    return false;
  }
  starts->clear();
  if (s->empty()) return true;
  if (s->back() != '\0') s->push_back('\0');
  starts->push_back(0);
  for (size_t i = 0; i < s->size(); i++) {
    if ((*s)[i] == '\0') starts->push_back(i + 1);
  }
  return true;
}

bool ParseBatch(napi_env env, napi_value b, bool decode, BatchJob* j) {
  napi_valuetype t;
  napi_typeof(env, b, &t);
  if (t != napi_object) {
    ThrowError(env, "expected a batch object");
    return false;
  }
  j->decode = decode;
  JobSpec& in = j->tmpl;
  if (!ParseOptionalCodec(env, Prop(env, b, "codec"), Prop(env, b, "opts"), &in.params, &in.hasCodec)) return false;
  napi_value ab, array = Prop(env, b, "array"), status = Prop(env, b, "status"), regions = Prop(env, b, "regions");
  size_t off, statusLen = 0;
  if (!GetBytes(env, array, &in.array, &in.arrayLen, &ab, &off)) {
    ThrowError(env, "batch.array must be a Uint8Array");
    return false;
  }
  if (!GetBytes(env, status, &j->status, &statusLen, &ab, &off)) {
    ThrowError(env, "batch.status must be a Uint8Array");
    return false;
  }
  Scatter& s = in.spec;
  std::vector<int64_t> cst, ast;
  if (!Int(env, b, "elemBytes", &s.elem) || !Int(env, b, "swapWidth", &s.swap) || !Int(env, b, "chunkBytes", &s.chunkBytes) ||
      !IntList(env, b, "chunkStrides", &cst) || !IntList(env, b, "arrayStrides", &ast)) {
    return false;
  }
  if (cst.size() != ast.size() || s.elem <= 0 || s.chunkBytes < 0 || (s.swap > 1 && s.elem % s.swap != 0)) {
    ThrowError(env, "bad element size or strides in the batch");
    return false;
  }
  s.nd = static_cast<int>(cst.size());
  s.shape.assign(cst.size(), 0);
  if (decode) s.sst = cst, s.dst = ast;
  else s.sst = ast, s.dst = cst;
  bool partial = false;
  napi_get_value_bool(env, Prop(env, b, "partial"), &partial);
  j->partial = decode && partial;
  if (!Names(env, Prop(env, b, "paths"), "paths", &j->paths, &j->pathStart)) return false;
  j->count = j->pathStart.empty() ? 0 : j->pathStart.size() - 1;
  if (!decode) {
    if (!Names(env, Prop(env, b, "temps"), "temps", &j->temps, &j->tempStart)) return false;
    if (j->tempStart.size() != j->pathStart.size()) {
      ThrowError(env, "batch.temps must name one file per chunk");
      return false;
    }
  }
  bool isTyped = false;
  napi_is_typedarray(env, regions, &isTyped);
  napi_typedarray_type type;
  size_t len = 0;
  void* data = nullptr;
  if (!isTyped || napi_get_typedarray_info(env, regions, &type, &len, &data, nullptr, nullptr) != napi_ok || type != napi_float64_array ||
      len != j->count * (cst.size() + 2) || statusLen != j->count) {
    ThrowError(env, "batch.regions must be a Float64Array of (2 + ndim) numbers per chunk, and batch.status one byte per chunk");
    return false;
  }
  j->regions.assign(static_cast<const double*>(data), static_cast<const double*>(data) + len);  // copied: JS may reuse it
  if (napi_create_reference(env, array, 1, &in.arrayRef) != napi_ok || napi_create_reference(env, status, 1, &j->statusRef) != napi_ok) {
    in.Unref(env);
    ThrowError(env, "could not reference the buffers");
    return false;
  }
  return true;
}

napi_value QueueBatch(napi_env env, napi_callback_info info, bool decode) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK_NAPI(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  auto* job = new BatchJob();
  if (argc < 1 || !ParseBatch(env, argv[0], decode, job)) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) ThrowError(env, "expected a batch object");
    if (job->statusRef) napi_delete_reference(env, job->statusRef);
    delete job;
    return nullptr;
  }
  napi_value promise = Queue(env, decode ? "zarrflow:decodeBatch" : "zarrflow:encodeBatch", ExecuteBatch, CompleteBatch, job, &job->deferred, &job->work);
  if (!promise) {
    job->tmpl.Unref(env);
    if (job->statusRef) napi_delete_reference(env, job->statusRef);
    delete job;
  }
  return promise;
}

}  // namespace

napi_value DecodeBatchAsync(napi_env env, napi_callback_info info) { return QueueBatch(env, info, true); }
napi_value EncodeBatchAsync(napi_env env, napi_callback_info info) { return QueueBatch(env, info, false); }

}  // namespace addon
}  // namespace zf
