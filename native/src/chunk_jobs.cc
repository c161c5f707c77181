// decodeIntoAsync and encodeFromAsync: whole chunk jobs (file I/O, codec, strided copy) on the
// libuv pool, described by one job object (job.h).
#include <string>
#include <vector>

#include "blosc/blosc.h"
#include "chunk_file.h"
#include "chunk_run.h"
#include "exports.h"
#include "job.h"
#include "napi_util.h"

namespace zf {
namespace addon {

// ---------------------------------------------------------------- decode + scatter
//
// decodeIntoAsync(job) -> Promise<boolean>
// Decodes one chunk on a pool thread into thread-local scratch (or uses the stored bytes as they are
// when job.codec is null) and copies the selected part straight into job.array there too. The read path then does no
// per-chunk allocation, no copy on the JS thread, and the output's pages are first touched by the
// pool threads in parallel. The job is described once, in job.h.

namespace {

// Nothing may escape a pool thread: a throw (std::bad_alloc from the scratch buffers) becomes the job's error.
void ExecuteScatter(napi_env, void* data) {
  auto* job = static_cast<ScatterJob*>(data);
  try {
    job->Run();
  } catch (...) {
    job->error = "out of memory";
  }
}

void CompleteScatter(napi_env env, napi_status status, void* data) {
  ScatterJob* job = static_cast<ScatterJob*>(data);
  napi_value found;
  napi_get_boolean(env, !job->missing, &found);
  Settle(env, job->deferred, status == napi_cancelled ? "cancelled" : job->error, found, status == napi_cancelled ? "" : job->errorCode);
  job->in.Unref(env);
  napi_delete_async_work(env, job->work);
  delete job;
}

}  // namespace

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

namespace {

void ExecuteGather(napi_env, void* data) {
  auto* job = static_cast<GatherJob*>(data);
  try {
    job->Run();
  } catch (...) {
    job->error = "out of memory";
    job->errorCode.clear();
  }
}

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
  Settle(env, job->deferred, error, result, status == napi_cancelled ? "" : job->errorCode);
  job->in.Unref(env);
  napi_delete_async_work(env, job->work);
  delete job;
}

}  // namespace

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

}  // namespace addon
}  // namespace zf
