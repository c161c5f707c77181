// N-API glue for the codecs in codecs.cc.
//
// Exports (all take a codec id string, a Uint8Array and an options object):
//   compress(codec, data, opts)                 -> Buffer
//   compressAsync(codec, data, opts)            -> Promise<Buffer>
//   decompress(codec, data, opts, out?)         -> Uint8Array (a view of `out` when given)
//   decompressAsync(codec, data, opts, out?)    -> Promise<Uint8Array>
//   bloscListCompressors()                      -> string (comma separated)
//   versions()                                  -> {blosc, zstd, lz4, zlib, bz2, lzma}
// The async variants run on the libuv thread pool, so many chunks are (de)compressed in parallel
// and the JS thread stays free. Options are parsed on the JS thread before work is queued.
#include <node_api.h>

#include <cstring>
#include <string>

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

}  // namespace

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"compress", nullptr, Compress, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"decompress", nullptr, Decompress, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"compressAsync", nullptr, CompressAsync, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"decompressAsync", nullptr, DecompressAsync, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"bloscListCompressors", nullptr, BloscListCompressors, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"versions", nullptr, Versions, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}
