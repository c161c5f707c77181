// N-API glue for the codecs in codecs.cc.
//
// Exports (all take a codec id string, a Uint8Array and an options object):
//   compress(codec, data, opts)                 -> Buffer
//   compressAsync(codec, data, opts)            -> Promise<Buffer>
//   decompress(codec, data, opts, out?)         -> Uint8Array (a view of `out` when given)
//   decompressAsync(codec, data, opts, out?)    -> Promise<Uint8Array>
//   bloscListCompressors()                      -> string (comma separated)
//   versions()                                  -> {blosc, zstd, lz4, zlib, bz2, lzma}
//   decodeIntoAsync(job)                       -> Promise<boolean> (see "the job description")
//   encodeFromAsync(job)                       -> Promise<Buffer | number>
//   populateAsync(bytes)                       -> Promise<void>
// The async variants run on the libuv thread pool, so many chunks are (de)compressed in parallel
// and the JS thread stays free. Options are parsed on the JS thread before work is queued.
#include <node_api.h>

#include <cstring>
#include <string>
#include <vector>
#ifdef __linux__
#include <sys/mman.h>
#endif
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codecs.h"

namespace {

using zf::CodecKind;
using zf::OutBuf;
using zf::Params;

void ThrowError(napi_env env, const std::string& msg) { napi_throw_error(env, nullptr, msg.c_str()); }

#define CHECK_NAPI(env, call)                              \
  do {                                                     \
    if ((call) != napi_ok) {                               \
      bool pending = false;                                \
      napi_is_exception_pending((env), &pending);          \
      if (!pending) ThrowError((env), "N-API call failed: " #call); \
      return nullptr;                                      \
    }                                                      \
  } while (0)

bool IsNullish(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return true;
  return t == napi_undefined || t == napi_null;
}

// Reads an optional numeric property. Missing, null and undefined leave *out untouched.
bool GetNumber(napi_env env, napi_value obj, const char* key, double* out, std::string* err) {
  bool has = false;
  if (napi_has_named_property(env, obj, key, &has) != napi_ok || !has) return true;
  napi_value v;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok) return false;
  if (IsNullish(env, v)) return true;
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t != napi_number) {
    *err = std::string("option '") + key + "' must be a number";
    return false;
  }
  return napi_get_value_double(env, v, out) == napi_ok;
}

bool GetInt(napi_env env, napi_value obj, const char* key, int* out, std::string* err) {
  double d = *out;
  if (!GetNumber(env, obj, key, &d, err)) return false;
  if (!(d >= -2147483648.0 && d <= 2147483647.0) || d != double(int64_t(d))) {
    *err = std::string("option '") + key + "' must be a 32-bit integer";
    return false;
  }
  *out = int(d);
  return true;
}

bool GetString(napi_env env, napi_value obj, const char* key, std::string* out, std::string* err) {
  bool has = false;
  if (napi_has_named_property(env, obj, key, &has) != napi_ok || !has) return true;
  napi_value v;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok) return false;
  if (IsNullish(env, v)) return true;
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) {
    *err = std::string("option '") + key + "' must be a string";
    return false;
  }
  std::string s(len, '\0');
  napi_get_value_string_utf8(env, v, &s[0], len + 1, &len);
  *out = s;
  return true;
}

bool ParseFilters(napi_env env, napi_value arr, Params* p, std::string* err) {
  bool isArray = false;
  napi_is_array(env, arr, &isArray);
  if (!isArray) {
    *err = "option 'filters' must be an array or null";
    return false;
  }
  uint32_t len = 0;
  napi_get_array_length(env, arr, &len);
  p->hasFilters = true;
  for (uint32_t i = 0; i < len; i++) {
    napi_value f, keys;
    napi_valuetype t;
    if (napi_get_element(env, arr, i, &f) != napi_ok || napi_typeof(env, f, &t) != napi_ok || t != napi_object) {
      *err = "each lzma filter must be an object";
      return false;
    }
    if (napi_get_property_names(env, f, &keys) != napi_ok) return false;
    uint32_t nkeys = 0;
    napi_get_array_length(env, keys, &nkeys);
    zf::LzmaFilterSpec spec;
    bool hasId = false;
    for (uint32_t k = 0; k < nkeys; k++) {
      napi_value key, val;
      napi_get_element(env, keys, k, &key);
      size_t klen = 0;
      if (napi_get_value_string_utf8(env, key, nullptr, 0, &klen) != napi_ok) continue;
      std::string name(klen, '\0');
      napi_get_value_string_utf8(env, key, &name[0], klen + 1, &klen);
      napi_get_property(env, f, key, &val);
      double d = 0;
      if (napi_typeof(env, val, &t) != napi_ok || t != napi_number || napi_get_value_double(env, val, &d) != napi_ok) {
        *err = "lzma filter option '" + name + "' must be a number";
        return false;
      }
      if (name == "id") {
        spec.id = d;
        hasId = true;
      } else {
        spec.options.emplace_back(name, d);
      }
    }
    if (!hasId) {
      *err = "each lzma filter needs an 'id'";
      return false;
    }
    p->filters.push_back(std::move(spec));
  }
  return true;
}

bool ParseParams(napi_env env, napi_value codec, napi_value opts, Params* p, std::string* err) {
  std::string id;
  size_t len = 0;
  if (napi_get_value_string_utf8(env, codec, nullptr, 0, &len) != napi_ok) {
    *err = "codec id must be a string";
    return false;
  }
  id.resize(len);
  napi_get_value_string_utf8(env, codec, &id[0], len + 1, &len);
  if (id == "blosc") p->kind = CodecKind::Blosc;
  else if (id == "zstd") p->kind = CodecKind::Zstd;
  else if (id == "lz4") p->kind = CodecKind::Lz4;
  else if (id == "zlib") p->kind = CodecKind::Zlib;
  else if (id == "gzip") p->kind = CodecKind::Gzip;
  else if (id == "bz2") p->kind = CodecKind::Bz2;
  else if (id == "lzma") p->kind = CodecKind::Lzma;
  else {
    *err = "unknown native codec '" + id + "'";
    return false;
  }
  if (IsNullish(env, opts)) return true;
  double d;
  switch (p->kind) {
    case CodecKind::Blosc:
      if (!GetString(env, opts, "cname", &p->cname, err) || !GetInt(env, opts, "clevel", &p->clevel, err) ||
          !GetInt(env, opts, "shuffle", &p->shuffle, err) || !GetInt(env, opts, "nthreads", &p->nthreads, err)) {
        return false;
      }
      d = double(p->blocksize);
      if (!GetNumber(env, opts, "blocksize", &d, err)) return false;
      p->blocksize = int64_t(d);
      d = double(p->typesize);
      if (!GetNumber(env, opts, "typesize", &d, err)) return false;
      p->typesize = int64_t(d);
      return true;
    case CodecKind::Lz4:
      return GetInt(env, opts, "acceleration", &p->acceleration, err);
    case CodecKind::Gzip:
      d = p->mtime;
      if (!GetNumber(env, opts, "mtime", &d, err)) return false;
      p->mtime = uint32_t(d);
      return GetInt(env, opts, "level", &p->level, err);
    case CodecKind::Zstd:
    case CodecKind::Zlib:
    case CodecKind::Bz2:
      return GetInt(env, opts, "level", &p->level, err);
    case CodecKind::Lzma: {
      if (!GetInt(env, opts, "format", &p->format, err) || !GetInt(env, opts, "check", &p->check, err)) return false;
      d = -1;
      if (!GetNumber(env, opts, "preset", &d, err)) return false;
      p->preset = int64_t(d);
      bool has = false;
      napi_value filters;
      if (napi_has_named_property(env, opts, "filters", &has) == napi_ok && has &&
          napi_get_named_property(env, opts, "filters", &filters) == napi_ok && !IsNullish(env, filters)) {
        return ParseFilters(env, filters, p, err);
      }
      return true;
    }
  }
  return true;
}

// Raw bytes of any typed array (or DataView), after its byte offset.
bool GetBytes(napi_env env, napi_value v, uint8_t** data, size_t* len, napi_value* arraybuffer, size_t* byteOffset) {
  bool is = false;
  if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
    napi_typedarray_type type;
    size_t length;
    void* ptr;
    if (napi_get_typedarray_info(env, v, &type, &length, &ptr, arraybuffer, byteOffset) != napi_ok) return false;
    size_t elem = 1;
    switch (type) {
      case napi_int16_array: case napi_uint16_array: elem = 2; break;
      case napi_int32_array: case napi_uint32_array: case napi_float32_array: elem = 4; break;
      case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: elem = 8; break;
      default: elem = 1;
    }
    *data = static_cast<uint8_t*>(ptr);
    *len = length * elem;
    return true;
  }
  if (napi_is_dataview(env, v, &is) == napi_ok && is) {
    void* ptr;
    if (napi_get_dataview_info(env, v, len, &ptr, arraybuffer, byteOffset) != napi_ok) return false;
    *data = static_cast<uint8_t*>(ptr);
    return true;
  }
  return false;
}

void FreeData(napi_env, void* data, void*) { std::free(data); }

// Wraps an owned result as a Buffer without copying.
napi_value OwnedToBuffer(napi_env env, OutBuf& out) {
  const size_t size = out.size();
  uint8_t* data = out.Release();
  napi_value result;
  if (napi_create_external_buffer(env, size, data, FreeData, nullptr, &result) == napi_ok) return result;
  // Runtimes that forbid external buffers (V8 sandbox) get a copy instead.
  void* copy;
  napi_status s = napi_create_buffer_copy(env, size, data, &copy, &result);
  std::free(data);
  return s == napi_ok ? result : nullptr;
}

// One (de)compression request; shared by the sync and async paths.
struct Job {
  Params params;
  bool decode = false;
  const uint8_t* src = nullptr;
  size_t srcLen = 0;
  OutBuf out;
  bool fixedOut = false;
  napi_value outArrayBuffer = nullptr;  // valid only on the sync path
  size_t outByteOffset = 0;
  std::string error;
  // async only
  napi_ref srcRef = nullptr;
  napi_ref outRef = nullptr;
  napi_deferred deferred = nullptr;
  napi_async_work work = nullptr;

  void Run() {
    error = decode ? zf::Decompress(params, src, srcLen, out) : zf::Compress(params, src, srcLen, out);
  }
};

// Parses (codec, data, opts[, out]) into a job. Returns false with a pending exception on bad arguments.
bool PrepareJob(napi_env env, napi_callback_info info, bool decode, Job* job) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return false;
  if (argc < 2) {
    ThrowError(env, "expected (codec, data, options[, out])");
    return false;
  }
  std::string err;
  if (!ParseParams(env, argv[0], argc > 2 ? argv[2] : nullptr, &job->params, &err)) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) ThrowError(env, err.empty() ? "invalid options" : err);
    return false;
  }
  uint8_t* data;
  napi_value ab;
  size_t off;
  if (!GetBytes(env, argv[1], &data, &job->srcLen, &ab, &off)) {
    ThrowError(env, "data must be a Uint8Array");
    return false;
  }
  job->src = data;
  job->decode = decode;
  if (decode && argc > 3 && !IsNullish(env, argv[3])) {
    uint8_t* outData;
    size_t outLen;
    if (!GetBytes(env, argv[3], &outData, &outLen, &job->outArrayBuffer, &job->outByteOffset)) {
      ThrowError(env, "out must be a Uint8Array");
      return false;
    }
    job->out.SetFixed(outData, outLen);
    job->fixedOut = true;
  }
  return true;
}

// Builds the JS result of a finished job (a Buffer, or a view of the caller's `out`).
napi_value JobResult(napi_env env, Job* job, napi_value outArrayBuffer) {
  napi_value result = nullptr;
  if (job->fixedOut) {
    napi_create_typedarray(env, napi_uint8_array, job->out.size(), outArrayBuffer, job->outByteOffset, &result);
  } else {
    result = OwnedToBuffer(env, job->out);
  }
  return result;
}

napi_value RunSync(napi_env env, napi_callback_info info, bool decode) {
  Job job;
  if (!PrepareJob(env, info, decode, &job)) return nullptr;
  job.Run();
  if (!job.error.empty()) {
    ThrowError(env, job.error);
    return nullptr;
  }
  napi_value r = JobResult(env, &job, job.outArrayBuffer);
  if (!r) ThrowError(env, "could not create the result buffer");
  return r;
}

napi_value Compress(napi_env env, napi_callback_info info) { return RunSync(env, info, false); }
napi_value Decompress(napi_env env, napi_callback_info info) { return RunSync(env, info, true); }

void ExecuteJob(napi_env, void* data) { static_cast<Job*>(data)->Run(); }

void CompleteJob(napi_env env, napi_status status, void* data) {
  Job* job = static_cast<Job*>(data);
  napi_value outArrayBuffer = nullptr;
  if (job->outRef) {
    napi_value outView;
    if (napi_get_reference_value(env, job->outRef, &outView) == napi_ok) {
      napi_typedarray_type t;
      size_t len;
      void* p;
      bool isTa = false;
      napi_is_typedarray(env, outView, &isTa);
      if (isTa) {
        napi_get_typedarray_info(env, outView, &t, &len, &p, &outArrayBuffer, &job->outByteOffset);
      } else {
        napi_get_dataview_info(env, outView, &len, &p, &outArrayBuffer, &job->outByteOffset);
      }
    }
  }
  napi_value result = nullptr;
  std::string error = job->error;
  if (status == napi_cancelled) error = "cancelled";
  if (error.empty()) {
    result = JobResult(env, job, outArrayBuffer);
    if (!result) error = "could not create the result buffer";
  }
  if (error.empty()) {
    napi_resolve_deferred(env, job->deferred, result);
  } else {
    napi_value msg, err;
    napi_create_string_utf8(env, error.c_str(), error.size(), &msg);
    napi_create_error(env, nullptr, msg, &err);
    napi_reject_deferred(env, job->deferred, err);
  }
  if (job->srcRef) napi_delete_reference(env, job->srcRef);
  if (job->outRef) napi_delete_reference(env, job->outRef);
  napi_delete_async_work(env, job->work);
  delete job;
}

napi_value RunAsync(napi_env env, napi_callback_info info, bool decode) {
  Job* job = new Job();
  if (!PrepareJob(env, info, decode, job)) {
    delete job;
    return nullptr;
  }
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  // Keep the input (and output) arrays alive, and their memory in place, until the work is done.
  if (napi_create_reference(env, argv[1], 1, &job->srcRef) != napi_ok ||
      (job->fixedOut && napi_create_reference(env, argv[3], 1, &job->outRef) != napi_ok)) {
    if (job->srcRef) napi_delete_reference(env, job->srcRef);
    delete job;
    ThrowError(env, "could not reference the buffers");
    return nullptr;
  }
  job->outArrayBuffer = nullptr;
  napi_value promise, name;
  napi_create_string_utf8(env, "zarrflow:codec", NAPI_AUTO_LENGTH, &name);
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_async_work(env, nullptr, name, ExecuteJob, CompleteJob, job, &job->work) != napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    ThrowError(env, "could not queue codec work");
    return nullptr;  // the job leaks here, which only happens if N-API itself is broken
  }
  return promise;
}

napi_value CompressAsync(napi_env env, napi_callback_info info) { return RunAsync(env, info, false); }
napi_value DecompressAsync(napi_env env, napi_callback_info info) { return RunAsync(env, info, true); }

napi_value BloscListCompressors(napi_env env, napi_callback_info) {
  std::string s = zf::BloscCompressors();
  napi_value r;
  CHECK_NAPI(env, napi_create_string_utf8(env, s.c_str(), s.size(), &r));
  return r;
}

napi_value Versions(napi_env env, napi_callback_info) {
  napi_value obj;
  CHECK_NAPI(env, napi_create_object(env, &obj));
  for (auto& kv : zf::Versions()) {
    napi_value v;
    CHECK_NAPI(env, napi_create_string_utf8(env, kv.second.c_str(), kv.second.size(), &v));
    CHECK_NAPI(env, napi_set_named_property(env, obj, kv.first.c_str(), v));
  }
  return obj;
}


// ---------------------------------------------------------------- decode + scatter
//
// decodeIntoAsync(job) -> Promise<boolean>
// Decodes one chunk on a pool thread into thread-local scratch (or uses the stored bytes as they are
// when job.codec is null) and copies the selected part straight into job.array there too. The read path then does no
// per-chunk allocation, no copy on the JS thread, and the output's pages are first touched by the
// pool threads in parallel. The job is described once, in "the job description" above.

struct Scatter {
  int nd = 0;
  int64_t elem = 0, swap = 0, chunkBytes = 0, srcOff = 0, dstOff = 0;
  std::vector<int64_t> shape, sst, dst;
};

// Lowest and one-past-highest byte touched by a strided region.
void Extent(const Scatter& s, const std::vector<int64_t>& st, int64_t off, int64_t* lo, int64_t* hi) {
  *lo = off;
  *hi = off + s.elem;
  for (int d = 0; d < s.nd; d++) {
    if (s.shape[d] == 0) { *hi = *lo; return; }
    int64_t span = st[d] * (s.shape[d] - 1);
    if (span < 0) *lo += span; else *hi += span;
  }
}

void CopyStrided(const Scatter& s, const uint8_t* src, uint8_t* dst) {
  // Merge dimensions contiguous in both, so whole rows become one memcpy.
  std::vector<int64_t> n, a, b;
  for (int d = 0; d < s.nd; d++) {
    if (s.shape[d] == 1) continue;
    if (!n.empty() && a.back() == s.sst[d] * s.shape[d] && b.back() == s.dst[d] * s.shape[d]) {
      n.back() *= s.shape[d];
      a.back() = s.sst[d];
      b.back() = s.dst[d];
    } else {
      n.push_back(s.shape[d]);
      a.push_back(s.sst[d]);
      b.push_back(s.dst[d]);
    }
  }
  if (n.empty()) { n.push_back(1); a.push_back(s.elem); b.push_back(s.elem); }
  const size_t nd = n.size();
  const int64_t inner = n[nd - 1], ai = a[nd - 1], bi = b[nd - 1];
  const bool run = ai == s.elem && bi == s.elem && s.swap == 0;
  std::vector<int64_t> idx(nd, 0);
  const uint8_t* p = src + s.srcOff;
  uint8_t* q = dst + s.dstOff;
  for (;;) {
    if (run) {
      std::memcpy(q, p, static_cast<size_t>(inner * s.elem));
    } else if (s.swap > 1) {
      for (int64_t k = 0; k < inner; k++) {
        const uint8_t* e = p + k * ai;
        uint8_t* f = q + k * bi;
        for (int64_t w = 0; w < s.elem; w += s.swap)
          for (int64_t j = 0; j < s.swap; j++) f[w + j] = e[w + s.swap - 1 - j];
      }
    } else {
      for (int64_t k = 0; k < inner; k++) std::memcpy(q + k * bi, p + k * ai, static_cast<size_t>(s.elem));
    }
    int d = static_cast<int>(nd) - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      p += a[d];
      q += b[d];
      if (idx[d] < n[d]) break;
      p -= a[d] * n[d];
      q -= b[d] * n[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

// Parses an optional codec (null = raw bytes); false with a pending exception on bad options.
bool ParseOptionalCodec(napi_env env, napi_value codec, napi_value opts, Params* params, bool* hasCodec) {
  *hasCodec = !IsNullish(env, codec);
  if (!*hasCodec) return true;
  std::string err;
  if (ParseParams(env, codec, opts, params, &err)) return true;
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) ThrowError(env, err.empty() ? "invalid options" : err);
  return false;
}

// Reads a JS string argument.
bool GetString(napi_env env, napi_value v, std::string* out) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) return false;
  out->resize(len);
  return napi_get_value_string_utf8(env, v, &(*out)[0], len + 1, &len) == napi_ok;
}

// Resolves (with `value`) or rejects (with `error`) a job's promise.
void Settle(napi_env env, napi_deferred deferred, const std::string& error, napi_value value) {
  if (error.empty()) {
    napi_resolve_deferred(env, deferred, value);
    return;
  }
  napi_value msg, err;
  napi_create_string_utf8(env, error.c_str(), error.size(), &msg);
  napi_create_error(env, nullptr, msg, &err);
  napi_reject_deferred(env, deferred, err);
}

// Queues async work for a job and returns its promise (nullptr with a pending exception on failure).
napi_value Queue(napi_env env, const char* name, napi_async_execute_callback exec, napi_async_complete_callback done, void* job,
                 napi_deferred* deferred, napi_async_work* work) {
  napi_value promise, n;
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &n);
  if (napi_create_promise(env, deferred, &promise) != napi_ok || napi_create_async_work(env, nullptr, n, exec, done, job, work) != napi_ok ||
      napi_queue_async_work(env, *work) != napi_ok) {
    ThrowError(env, std::string("could not queue ") + name + " work");
    return nullptr;
  }
  return promise;
}

// ---------------------------------------------------------------- the job description
//
// Every chunk job takes ONE object, built by `buildNativeJob` in src/codecs/native-job.ts and read
// here by ParseJob only:
//   { codec: string | null, opts: object,
//     array: Uint8Array,          // the caller's array: decode destination, encode source
//     stored: Uint8Array | null,  // decode: the stored chunk
//     path: string | null,        // decode: read the stored chunk from this file instead
//     file: string | null, temp: string | null,  // encode: write to temp, rename over file
//     partial: { start, count } | null,           // decode: only these chunk bytes are needed
//     copy: { elemBytes, swapWidth, chunkBytes, chunkOffset, chunkStrides[], arrayOffset,
//             arrayStrides[], shape[] } }        // offsets and strides in bytes
// `copy` is the strided region moved between the chunk and the caller's array.

struct JobSpec {
  Params params;
  bool hasCodec = false;
  uint8_t* array = nullptr;
  size_t arrayLen = 0;
  const uint8_t* stored = nullptr;
  size_t storedLen = 0;
  std::string path, file, temp;
  int64_t partialStart = 0, partialCount = 0;
  Scatter spec;  // oriented for the job: decode copies chunk -> array, encode array -> chunk
  napi_ref arrayRef = nullptr, storedRef = nullptr;

  void Unref(napi_env env) {
    if (arrayRef) napi_delete_reference(env, arrayRef);
    if (storedRef) napi_delete_reference(env, storedRef);
    arrayRef = storedRef = nullptr;
  }
};

// A named property (undefined when absent).
napi_value Prop(napi_env env, napi_value obj, const char* key) {
  napi_value v = nullptr;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok) napi_get_undefined(env, &v);
  return v;
}

// A required finite number property; false with a pending exception otherwise.
bool PropNumber(napi_env env, napi_value obj, const char* key, int64_t* out) {
  napi_value v = Prop(env, obj, key);
  double d = 0;
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t != napi_number || napi_get_value_double(env, v, &d) != napi_ok || !(d > -9.0e15 && d < 9.0e15) || d != double(int64_t(d))) {
    ThrowError(env, std::string("job.copy.") + key + " must be an integer");
    return false;
  }
  *out = static_cast<int64_t>(d);
  return true;
}

// A required array of `n` integers.
bool PropIntList(napi_env env, napi_value obj, const char* key, size_t n, std::vector<int64_t>* out) {
  napi_value v = Prop(env, obj, key);
  bool isArray = false;
  uint32_t len = 0;
  napi_is_array(env, v, &isArray);
  if (!isArray || napi_get_array_length(env, v, &len) != napi_ok || len != n) {
    ThrowError(env, std::string("job.copy.") + key + " must be an array of " + std::to_string(n) + " integers");
    return false;
  }
  out->assign(n, 0);
  for (uint32_t i = 0; i < len; i++) {
    napi_value e;
    double d = 0;
    if (napi_get_element(env, v, i, &e) != napi_ok || napi_get_value_double(env, e, &d) != napi_ok || d != double(int64_t(d))) {
      ThrowError(env, std::string("job.copy.") + key + " must hold integers");
      return false;
    }
    (*out)[i] = static_cast<int64_t>(d);
  }
  return true;
}

// Reads a job object (see above); false with a pending exception when malformed.
bool ParseJob(napi_env env, napi_value job, bool decode, JobSpec* j) {
  napi_valuetype t;
  napi_typeof(env, job, &t);
  if (t != napi_object) {
    ThrowError(env, "expected a job object");
    return false;
  }
  if (!ParseOptionalCodec(env, Prop(env, job, "codec"), Prop(env, job, "opts"), &j->params, &j->hasCodec)) return false;
  napi_value ab;
  size_t off;
  napi_value array = Prop(env, job, "array");
  if (!GetBytes(env, array, &j->array, &j->arrayLen, &ab, &off)) {
    ThrowError(env, "job.array must be a Uint8Array");
    return false;
  }
  napi_value stored = Prop(env, job, "stored"), path = Prop(env, job, "path");
  if (decode) {
    if (!IsNullish(env, path)) {
      if (!GetString(env, path, &j->path)) {
        ThrowError(env, "job.path must be a string");
        return false;
      }
    } else {
      uint8_t* p = nullptr;
      if (!GetBytes(env, stored, &p, &j->storedLen, &ab, &off)) {
        ThrowError(env, "job.stored must be a Uint8Array (or job.path a file)");
        return false;
      }
      j->stored = p;
    }
    napi_value partial = Prop(env, job, "partial");
    if (!IsNullish(env, partial)) {
      if (!PropNumber(env, partial, "start", &j->partialStart) || !PropNumber(env, partial, "count", &j->partialCount)) return false;
      if (j->partialStart < 0 || j->partialCount < 0) {
        ThrowError(env, "job.partial must be a non-negative range");
        return false;
      }
    }
  } else {
    napi_value file = Prop(env, job, "file");
    if (!IsNullish(env, file) && !(GetString(env, file, &j->file) && GetString(env, Prop(env, job, "temp"), &j->temp))) {
      ThrowError(env, "job.file and job.temp must be strings");
      return false;
    }
  }
  napi_value copy = Prop(env, job, "copy");
  napi_typeof(env, copy, &t);
  if (t != napi_object) {
    ThrowError(env, "job.copy must be an object");
    return false;
  }
  int64_t nd = 0, chunkOffset = 0, arrayOffset = 0;
  std::vector<int64_t> shape, chunkStrides, arrayStrides;
  Scatter& s = j->spec;
  if (!PropNumber(env, copy, "elemBytes", &s.elem) || !PropNumber(env, copy, "swapWidth", &s.swap) ||
      !PropNumber(env, copy, "chunkBytes", &s.chunkBytes) || !PropNumber(env, copy, "chunkOffset", &chunkOffset) ||
      !PropNumber(env, copy, "arrayOffset", &arrayOffset)) {
    return false;
  }
  napi_value shapeValue = Prop(env, copy, "shape");
  uint32_t len = 0;
  bool isArray = false;
  napi_is_array(env, shapeValue, &isArray);
  if (!isArray || napi_get_array_length(env, shapeValue, &len) != napi_ok || len > 64) {
    ThrowError(env, "job.copy.shape must be an array of at most 64 integers");
    return false;
  }
  nd = len;
  if (!PropIntList(env, copy, "shape", nd, &shape) || !PropIntList(env, copy, "chunkStrides", nd, &chunkStrides) ||
      !PropIntList(env, copy, "arrayStrides", nd, &arrayStrides)) {
    return false;
  }
  for (int64_t n : shape) {
    if (n < 0) {
      ThrowError(env, "job.copy.shape must be non-negative");
      return false;
    }
  }
  if (s.elem <= 0 || s.chunkBytes < 0 || (s.swap > 1 && s.elem % s.swap != 0)) {
    ThrowError(env, "bad element size in job.copy");
    return false;
  }
  s.nd = static_cast<int>(nd);
  s.shape = shape;
  if (decode) {
    s.srcOff = chunkOffset, s.sst = chunkStrides;
    s.dstOff = arrayOffset, s.dst = arrayStrides;
  } else {
    s.srcOff = arrayOffset, s.sst = arrayStrides;
    s.dstOff = chunkOffset, s.dst = chunkStrides;
  }
  if (napi_create_reference(env, array, 1, &j->arrayRef) != napi_ok || (j->stored && napi_create_reference(env, stored, 1, &j->storedRef) != napi_ok)) {
    j->Unref(env);
    ThrowError(env, "could not reference the buffers");
    return false;
  }
  return true;
}

thread_local std::vector<uint8_t> tlsScratchStore;
thread_local std::vector<uint8_t> tlsFile;  // a chunk file read by the pool thread

struct ScatterJob {
  JobSpec in;
  const uint8_t* src = nullptr;  // the stored chunk: in.stored, or the file read on the pool thread
  size_t srcLen = 0;
  std::string error;
  napi_deferred deferred = nullptr;
  napi_async_work work = nullptr;
  bool missing = false;  // the file does not exist: the caller fills with the fill value

  // Reads the whole file into thread-local memory; false (with `missing` or `error`) on failure.
  bool ReadFile() {
    const std::string& path = in.path;
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR) missing = true;
      else error = "cannot open " + path + ": " + std::strerror(errno);
      return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      close(fd);
      if (S_ISDIR(st.st_mode)) missing = true;
      else error = "cannot stat " + path;
      return false;
    }
    const size_t size = static_cast<size_t>(st.st_size);
    // Chunk files are replaced by rename, never rewritten in place, so the size is stable.
    if (tlsFile.size() < size) tlsFile.resize(size);
    size_t got = 0;
    while (got < size) {
      ssize_t r = read(fd, tlsFile.data() + got, size - got);
      if (r < 0) {
        if (errno == EINTR) continue;
        error = "cannot read " + path + ": " + std::strerror(errno);
        close(fd);
        return false;
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    close(fd);
    src = tlsFile.data();
    srcLen = got;
    return true;
  }

  // True when the copy is the whole chunk, in order, into one contiguous destination run (no swap).
  bool WholeChunkContiguous() const {
    const Scatter& spec = in.spec;
    const int64_t partialCount = in.partialCount;
    if (spec.swap > 1 || spec.srcOff != 0 || partialCount > 0) return false;
    int64_t n = 1;
    int64_t expectSrc = spec.elem, expectDst = spec.elem;
    for (int d = spec.nd - 1; d >= 0; d--) {
      if (spec.shape[d] == 1) continue;
      if (spec.sst[d] != expectSrc || spec.dst[d] != expectDst) return false;
      expectSrc *= spec.shape[d];
      expectDst *= spec.shape[d];
      n *= spec.shape[d];
    }
    return n * spec.elem == spec.chunkBytes;
  }

  void Run() {
    const Scatter& spec = in.spec;
    const Params& params = in.params;
    const bool hasCodec = in.hasCodec;
    uint8_t* dst = in.array;
    const size_t dstLen = in.arrayLen;
    const int64_t partialStart = in.partialStart, partialCount = in.partialCount;
    if (!in.path.empty()) {
      if (!ReadFile()) return;
    } else {
      src = in.stored;
      srcLen = in.storedLen;
    }
    const uint8_t* chunk = src;
    size_t chunkLen = srcLen;
    if (hasCodec && partialCount > 0 && params.kind == CodecKind::Blosc) {
      // Small selection: decode only the blosc blocks that hold it.
      const size_t need = static_cast<size_t>(partialCount) + 512;  // room for whole items (typesize <= 255) at both ends
      if (tlsScratchStore.size() < need) tlsScratchStore.resize(need);
      size_t base = 0;
      error = zf::BloscGetBytes(src, srcLen, static_cast<size_t>(partialStart), static_cast<size_t>(partialCount), tlsScratchStore.data(), &base);
      if (!error.empty()) return;
      Scatter shifted = spec;
      shifted.srcOff -= static_cast<int64_t>(base);
      int64_t lo, hi;
      Extent(shifted, shifted.sst, shifted.srcOff, &lo, &hi);
      if (lo < 0 || hi > static_cast<int64_t>(need)) { error = "scatter source region out of range"; return; }
      Extent(spec, spec.dst, spec.dstOff, &lo, &hi);
      if (lo < 0 || hi > static_cast<int64_t>(dstLen)) { error = "scatter destination region out of range"; return; }
      CopyStrided(shifted, tlsScratchStore.data(), dst);
      return;
    }
    if (hasCodec && WholeChunkContiguous()) {
      // The chunk lands as one contiguous run in the destination: decode straight into place.
      int64_t lo, hi;
      Extent(spec, spec.dst, spec.dstOff, &lo, &hi);
      if (lo < 0 || hi > static_cast<int64_t>(dstLen)) { error = "scatter destination region out of range"; return; }
      OutBuf out;
      out.SetFixed(dst + spec.dstOff, static_cast<size_t>(spec.chunkBytes));
      error = zf::Decompress(params, src, srcLen, out);
      if (error.empty() && static_cast<int64_t>(out.size()) != spec.chunkBytes) {
        error = "decoded to " + std::to_string(out.size()) + " bytes, expected " + std::to_string(spec.chunkBytes);
      }
      return;
    }
    if (hasCodec) {
      if (tlsScratchStore.size() < static_cast<size_t>(spec.chunkBytes)) tlsScratchStore.resize(static_cast<size_t>(spec.chunkBytes));
      OutBuf out;
      out.SetFixed(tlsScratchStore.data(), static_cast<size_t>(spec.chunkBytes));
      error = zf::Decompress(params, src, srcLen, out);
      if (!error.empty()) return;
      chunk = tlsScratchStore.data();
      chunkLen = out.size();
    }
    if (static_cast<int64_t>(chunkLen) != spec.chunkBytes) {
      error = "decoded to " + std::to_string(chunkLen) + " bytes, expected " + std::to_string(spec.chunkBytes);
      return;
    }
    int64_t lo, hi;
    Extent(spec, spec.sst, spec.srcOff, &lo, &hi);
    if (lo < 0 || hi > static_cast<int64_t>(chunkLen)) { error = "scatter source region out of range"; return; }
    Extent(spec, spec.dst, spec.dstOff, &lo, &hi);
    if (lo < 0 || hi > static_cast<int64_t>(dstLen)) { error = "scatter destination region out of range"; return; }
    CopyStrided(spec, chunk, dst);
  }
};

void ExecuteScatter(napi_env, void* data) { static_cast<ScatterJob*>(data)->Run(); }

void CompleteScatter(napi_env env, napi_status status, void* data) {
  ScatterJob* job = static_cast<ScatterJob*>(data);
  napi_value found;
  napi_get_boolean(env, !job->missing, &found);
  Settle(env, job->deferred, status == napi_cancelled ? "cancelled" : job->error, found);
  job->in.Unref(env);
  napi_delete_async_work(env, job->work);
  delete job;
}

// decodeIntoAsync(job) -> Promise<boolean>: false when job.path does not exist.
napi_value DecodeIntoAsync(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK_NAPI(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  auto* job = new ScatterJob();
  if (argc < 1 || !ParseJob(env, argv[0], true, &job->in)) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) ThrowError(env, "expected a job object");
    delete job;
    return nullptr;
  }
  napi_value promise = Queue(env, "zarrflow:decodeInto", ExecuteScatter, CompleteScatter, job, &job->deferred, &job->work);
  if (!promise) {
    job->in.Unref(env);
    delete job;
  }
  return promise;
}

// ---------------------------------------------------------------- gather + encode
//
// encodeFromAsync(job) -> Promise<Buffer | number>
// With `job.file`, the encoded chunk is written to `tmp` and renamed over `file` on the pool thread
// (resolving to the stored size), so a chunk write costs the JS thread nothing.
// The mirror of decodeIntoAsync for whole-chunk writes: copies a strided region of job.array (the
// caller's array) into thread-local chunk scratch and compresses it, both on a pool thread. With a
// null codec the gathered bytes themselves are returned.

// Creates the directories above `file` (mkdir -p of its parent).
bool MakeParents(const std::string& file) {
  size_t pos = 1;
  while ((pos = file.find('/', pos)) != std::string::npos) {
    std::string dir = file.substr(0, pos);
    if (mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) return false;
    pos++;
  }
  return true;
}

// Writes `data` to `tmp` and renames it over `file`, so an interrupted write leaves the old file.
std::string WriteAtomic(const std::string& file, const std::string& tmp, const uint8_t* data, size_t n) {
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0 && errno == ENOENT && MakeParents(tmp)) fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return "cannot create " + tmp + ": " + std::strerror(errno);
  size_t done = 0;
  while (done < n) {
    ssize_t w = write(fd, data + done, n - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      std::string e = "cannot write " + tmp + ": " + std::strerror(errno);
      close(fd);
      unlink(tmp.c_str());
      return e;
    }
    done += static_cast<size_t>(w);
  }
  if (close(fd) != 0) {
    unlink(tmp.c_str());
    return "cannot close " + tmp + ": " + std::strerror(errno);
  }
  if (rename(tmp.c_str(), file.c_str()) != 0) {
    std::string e = "cannot rename " + tmp + " to " + file + ": " + std::strerror(errno);
    unlink(tmp.c_str());
    return e;
  }
  return "";
}

struct GatherJob {
  JobSpec in;  // in.file/in.temp set: write the encoded chunk there (atomically) instead of returning it
  OutBuf out;
  std::string error;
  napi_deferred deferred = nullptr;
  napi_async_work work = nullptr;

  void Run() {
    const Scatter& spec = in.spec;
    const uint8_t* src = in.array;
    const size_t srcLen = in.arrayLen;
    const bool hasCodec = in.hasCodec;
    const std::string& file = in.file;
    const std::string& tmp = in.temp;
    int64_t lo, hi;
    Extent(spec, spec.sst, spec.srcOff, &lo, &hi);
    if (lo < 0 || hi > static_cast<int64_t>(srcLen)) { error = "gather source region out of range"; return; }
    Extent(spec, spec.dst, spec.dstOff, &lo, &hi);
    if (lo < 0 || hi > spec.chunkBytes) { error = "gather chunk region out of range"; return; }
    const size_t n = static_cast<size_t>(spec.chunkBytes);
    if (!hasCodec && file.empty()) {
      if (!out.Reserve(n)) { error = "out of memory"; return; }
      CopyStrided(spec, src, out.data());
      out.set_size(n);
      return;
    }
    if (tlsScratchStore.size() < n) tlsScratchStore.resize(n);
    CopyStrided(spec, src, tlsScratchStore.data());
    if (!hasCodec) {
      error = WriteAtomic(file, tmp, tlsScratchStore.data(), n);
      return;
    }
    error = zf::Compress(in.params, tlsScratchStore.data(), n, out);
    if (error.empty() && !file.empty()) error = WriteAtomic(file, tmp, out.data(), out.size());
  }
};

void ExecuteGather(napi_env, void* data) { static_cast<GatherJob*>(data)->Run(); }

void CompleteGather(napi_env env, napi_status status, void* data) {
  GatherJob* job = static_cast<GatherJob*>(data);
  std::string error = status == napi_cancelled ? "cancelled" : job->error;
  napi_value result = nullptr;
  if (error.empty() && !job->in.file.empty()) {
    napi_create_double(env, static_cast<double>(job->out.size() ? job->out.size() : job->in.spec.chunkBytes), &result);
  } else if (error.empty()) {
    result = OwnedToBuffer(env, job->out);
    if (!result) error = "could not create the result buffer";
  }
  Settle(env, job->deferred, error, result);
  job->in.Unref(env);
  napi_delete_async_work(env, job->work);
  delete job;
}

napi_value EncodeFromAsync(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK_NAPI(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  auto* job = new GatherJob();
  if (argc < 1 || !ParseJob(env, argv[0], false, &job->in)) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) ThrowError(env, "expected a job object");
    delete job;
    return nullptr;
  }
  napi_value promise = Queue(env, "zarrflow:encodeFrom", ExecuteGather, CompleteGather, job, &job->deferred, &job->work);
  if (!promise) {
    job->in.Unref(env);
    delete job;
  }
  return promise;
}

// ---------------------------------------------------------------- page population
//
// populateAsync(bytes) -> Promise<void>
// Faults in the pages of a fresh (lazily zeroed) buffer on a pool thread with
// MADV_POPULATE_WRITE, so a large read result is not paid for one page fault at a time on the
// JS thread; several calls on slices of one buffer populate it in parallel. A no-op where the
// kernel lacks it.

struct PopulateJob {
  uint8_t* p = nullptr;
  size_t n = 0;
  napi_ref ref = nullptr;
  napi_deferred deferred = nullptr;
  napi_async_work work = nullptr;
};

void ExecutePopulate(napi_env, void* data) {
  auto* job = static_cast<PopulateJob*>(data);
#ifdef __linux__
  const uintptr_t page = 4096;
  uintptr_t a = (reinterpret_cast<uintptr_t>(job->p) + page - 1) & ~(page - 1);
  uintptr_t b = (reinterpret_cast<uintptr_t>(job->p) + job->n) & ~(page - 1);
  if (b > a) {
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
    if (madvise(reinterpret_cast<void*>(a), b - a, MADV_POPULATE_WRITE) != 0) {
      // Older kernels: touch one byte a page (the memory is zero, so writing zero is harmless).
      for (uintptr_t q = a; q < b; q += page) *reinterpret_cast<volatile uint8_t*>(q) = 0;
    }
  }
#endif
}

void CompletePopulate(napi_env env, napi_status, void* data) {
  auto* job = static_cast<PopulateJob*>(data);
  napi_value undef;
  napi_get_undefined(env, &undef);
  napi_resolve_deferred(env, job->deferred, undef);
  napi_delete_reference(env, job->ref);
  napi_delete_async_work(env, job->work);
  delete job;
}

napi_value PopulateAsync(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK_NAPI(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  auto* job = new PopulateJob();
  napi_value ab;
  size_t off;
  if (argc < 1 || !GetBytes(env, argv[0], &job->p, &job->n, &ab, &off)) {
    delete job;
    ThrowError(env, "expected a Uint8Array");
    return nullptr;
  }
  napi_value promise, name;
  napi_create_string_utf8(env, "zarrflow:populate", NAPI_AUTO_LENGTH, &name);
  if (napi_create_reference(env, argv[0], 1, &job->ref) != napi_ok || napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_async_work(env, nullptr, name, ExecutePopulate, CompletePopulate, job, &job->work) != napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    ThrowError(env, "could not queue populate work");
    return nullptr;
  }
  return promise;
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"compress", nullptr, Compress, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"decompress", nullptr, Decompress, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"compressAsync", nullptr, CompressAsync, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"decompressAsync", nullptr, DecompressAsync, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"bloscListCompressors", nullptr, BloscListCompressors, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"versions", nullptr, Versions, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"decodeIntoAsync", nullptr, DecodeIntoAsync, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"encodeFromAsync", nullptr, EncodeFromAsync, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"populateAsync", nullptr, PopulateAsync, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}
