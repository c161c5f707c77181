// The work of one chunk job, shared by the single-chunk jobs (chunk_jobs.cc) and the batches of
// many small chunks (batch_jobs.cc): ScatterJob decodes one stored chunk (bytes or a local file)
// and copies a region of it into the caller's array; GatherJob gathers a region of the caller's
// array into a chunk, encodes it and optionally writes it to a file atomically. Run() executes on a
// pool thread and reports through `error` / `errorCode` / `missing`.
#pragma once

#include <node_api.h>

#include <cstdint>
#include <string>
#include <vector>

#include "blosc/blosc.h"
#include "chunk_file.h"
#include "copy.h"
#include "job.h"

namespace zf {
namespace addon {

// Per pool thread: decoded-chunk scratch, and a chunk file read there.
inline thread_local ScratchBytes tlsScratchStore;
inline thread_local ScratchBytes tlsFile;

// Room for n bytes in tlsScratchStore, placed so that address `peer` (where the chunk's first byte
// sits in the caller's array) and the scratch are 64-byte aligned relative to each other: the row
// copies between them then take memcpy's fast path (copy.h).
inline uint8_t* MatchedScratch(size_t n, uintptr_t peer) {
  if (tlsScratchStore.size() < n + 64) tlsScratchStore.resize(n + 64);
  return tlsScratchStore.data() + (peer & 63);
}

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

  // Blosc, no byte swap, runs in ascending chunk order (C-order chunks; any selection): decode
  // straight into the destination, only the blocks and bytes the region needs
  // (blosc::DecompressRuns). False, with nothing done, when the region does not qualify.
  bool BloscRuns(uint8_t* dst, size_t dstLen) {
    const Scatter& spec = in.spec;
    if (spec.swap > 1) return false;
    thread_local std::vector<int64_t> n, a, b;
    thread_local std::vector<blosc::Run> runs;
    runs.clear();
    int64_t lo, hi;
    Extent(spec, spec.dst, spec.dstOff, &lo, &hi);
    if (lo < 0 || hi > static_cast<int64_t>(dstLen)) { error = "scatter destination region out of range"; return true; }
    Extent(spec, spec.sst, spec.srcOff, &lo, &hi);
    if (lo < 0 || hi > spec.chunkBytes) { error = "scatter source region out of range"; return true; }
    if (!MergeAxes(spec, n, a, b)) return true;  // empty region
    const bool contiguous = a.back() == spec.elem && b.back() == spec.elem;
    int64_t end = 0;
    const bool ascending = ForEachRun(n, a, b, spec.elem, spec.srcOff, spec.dstOff, contiguous, [&](int64_t p, int64_t q, int64_t len) {
      if (p < end) return false;
      runs.push_back({static_cast<size_t>(p), static_cast<size_t>(len), dst + q});
      end = p + len;
      return true;
    });
    if (!ascending) return false;  // a reversed or F-order region: the general path
    zf::blosc::Header h;
    error = zf::blosc::ReadHeader(src, srcLen, &h);
    if (error.empty() && static_cast<int64_t>(h.nbytes) != spec.chunkBytes) {
      error = "blosc header says " + std::to_string(h.nbytes) + " bytes, expected " + std::to_string(spec.chunkBytes);
    }
    if (error.empty()) error = zf::BloscDecompressRuns(src, srcLen, runs.data(), runs.size());
    return true;
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
    if (hasCodec && params.kind == CodecKind::Blosc && !WholeChunkContiguous() && BloscRuns(dst, dstLen)) return;
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
      uint8_t* scratch = MatchedScratch(static_cast<size_t>(spec.chunkBytes), reinterpret_cast<uintptr_t>(dst + spec.dstOff - spec.srcOff));
      OutBuf out;
      out.SetFixed(scratch, static_cast<size_t>(spec.chunkBytes));
      error = zf::Decompress(params, src, srcLen, out);
      if (!error.empty()) return;
      chunk = scratch;
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
    uint8_t* chunk = MatchedScratch(n, reinterpret_cast<uintptr_t>(src + spec.srcOff - spec.dstOff));
    CopyStrided(spec, src, chunk);
    if (!hasCodec) {
      SetIo(WriteAtomic(file, tmp, chunk, n));
      return;
    }
    error = zf::Compress(in.params, chunk, n, out);
    if (error.empty() && !file.empty()) SetIo(WriteAtomic(file, tmp, out.data(), out.size()));
  }

  void SetIo(const IoError& io) {
    error = io.message;
    errorCode = io.code;
  }
};

}  // namespace addon
}  // namespace zf
