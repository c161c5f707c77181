// compress / decompress, sync and on the libuv pool, plus bloscListCompressors and versions: one
// buffer in, one buffer out. Options are parsed on the JS thread before work is queued.
#include <cstdlib>
#include <string>

#include "exports.h"
#include "napi_util.h"
#include "options.h"

namespace zf {
namespace addon {

namespace {

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
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return false;
  if (argc < 2) {
    ThrowError(env, "expected (codec, data, options[, out[, maxBytes]])");
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
  if (decode && argc > 4 && !IsNullish(env, argv[4])) {
    // Bound on the decoded size when there is no `out`: decoding stops with an error past it.
    double max = 0;
    napi_valuetype t;
    if (napi_typeof(env, argv[4], &t) != napi_ok || t != napi_number || napi_get_value_double(env, argv[4], &max) != napi_ok ||
        !(max >= 0 && max <= 9007199254740991.0)) {
      ThrowError(env, "maxBytes must be a non-negative integer");
      return false;
    }
    job->out.SetLimit(static_cast<size_t>(max));
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

}  // namespace

napi_value Compress(napi_env env, napi_callback_info info) { return RunSync(env, info, false); }
napi_value Decompress(napi_env env, napi_callback_info info) { return RunSync(env, info, true); }

namespace {

// Nothing may escape a pool thread (the codecs do not throw; this is the last line of defence).
void ExecuteJob(napi_env, void* data) {
  auto* job = static_cast<Job*>(data);
  try {
    job->Run();
  } catch (...) {
    job->error = "out of memory";
  }
}

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

}  // namespace

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

}  // namespace addon
}  // namespace zf
