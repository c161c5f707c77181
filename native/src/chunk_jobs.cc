// decodeIntoAsync and encodeFromAsync: whole chunk jobs (file I/O, codec, strided copy) on the
// libuv pool, described by one job object (job.h).
#include <string>
#include <vector>

#include "blosc/blosc.h"
#include "chunk_file.h"
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

thread_local std::vector<uint8_t> tlsScratchStore;
thread_local std::vector<uint8_t> tlsFile;  // a chunk file read by the pool thread

struct ScatterJob {
  JobSpec in;
  const uint8_t* src = nullptr;  // the stored chunk: in.stored, or the file read on the pool thread
  size_t srcLen = 0;
  std::string error;
  std::string errorCode;  // set for file I/O failures (errno name): a store I/O error, not a codec one
  napi_deferred deferred = nullptr;
  napi_async_work work = nullptr;
  bool missing = false;  // the file does not exist: the caller fills with the fill value

  // Reads the whole file into thread-local memory; false (with `missing` or `error`) on failure.
  bool ReadFile() {
    IoError io;
    if (!ReadChunkFile(in.path, in.spec.chunkBytes, tlsFile, &srcLen, &missing, &io)) {
      error = io.message;
      errorCode = io.code;
      return false;
    }
    src = tlsFile.data();
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
    if (!in.path.empty() && !hasCodec) {
      // Uncompressed local chunk: read only the bytes the region needs, straight into place.
      IoError io;
      if (!ReadRawRegion(in.path, spec, dst, dstLen, &missing, &io)) {
        error = io.message;
        errorCode = io.code;
      }
      return;
    }
    if (!in.path.empty()) {
      if (!ReadFile()) return;
    } else {
      src = in.stored;
      srcLen = in.storedLen;
    }
    const uint8_t* chunk = src;
    size_t chunkLen = srcLen;
    if (hasCodec && partialCount > 0 && params.kind == CodecKind::Blosc) {
      // Small selection: decode only the blosc blocks that hold it, from a container that holds
      // exactly one chunk (a header claiming another size is corrupt, as on the whole-chunk path).
      zf::blosc::Header h;
      error = zf::blosc::ReadHeader(src, srcLen, &h);
      if (!error.empty()) return;
      if (static_cast<int64_t>(h.nbytes) != spec.chunkBytes) {
        error = "blosc header says " + std::to_string(h.nbytes) + " bytes, expected " + std::to_string(spec.chunkBytes);
        return;
      }
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

struct GatherJob {
  JobSpec in;  // in.file/in.temp set: write the encoded chunk there (atomically) instead of returning it
  OutBuf out;
  std::string error;
  std::string errorCode;  // set for file I/O failures (errno name)
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
      SetIo(WriteAtomic(file, tmp, tlsScratchStore.data(), n));
      return;
    }
    error = zf::Compress(in.params, tlsScratchStore.data(), n, out);
    if (error.empty() && !file.empty()) SetIo(WriteAtomic(file, tmp, out.data(), out.size()));
  }

  void SetIo(const IoError& io) {
    error = io.message;
    errorCode = io.code;
  }
};

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
