// The chunk job description shared by decodeIntoAsync and encodeFromAsync, and the strided copy
// between a chunk and the caller's array that both perform.
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
#pragma once

#include <node_api.h>

#include <cstdint>
#include <string>
#include <vector>

#include "codecs.h"

namespace zf {
namespace addon {

// A strided region of `shape` elements of `elem` bytes: source offset/strides (sst) and destination
// offset/strides (dst), in bytes; `swap` > 1 byte-swaps each element in words of that width.
struct Scatter {
  int nd = 0;
  int64_t elem = 0, swap = 0, chunkBytes = 0, srcOff = 0, dstOff = 0;
  std::vector<int64_t> shape, sst, dst;
};

// Lowest and one-past-highest byte touched by a strided region.
void Extent(const Scatter& s, const std::vector<int64_t>& st, int64_t off, int64_t* lo, int64_t* hi);
// The region's axes with those contiguous in both source and destination merged (shape n, source
// strides a, destination strides b; at least one axis). False when the region is empty.
bool MergeAxes(const Scatter& s, std::vector<int64_t>& n, std::vector<int64_t>& a, std::vector<int64_t>& b);
// Copies the region from src to dst (bounds already checked with Extent).
void CopyStrided(const Scatter& s, const uint8_t* src, uint8_t* dst);
// CopyStrided's loop over merged axes (MergeAxes's n, a, b: nd of each) from p to q, with `idx`
// (nd entries) as its counter: no allocation and no object with a destructor, so a guarded copy
// out of a file mapping (mapped_file.cc) may be abandoned by siglongjmp.
void CopyMerged(const int64_t* n, const int64_t* a, const int64_t* b, size_t nd, int64_t elem, int64_t swap, const uint8_t* p, uint8_t* q, int64_t* idx);

// Calls f(srcOffset, dstOffset, bytes) for each run of a merged region (MergeAxes's n, a, b), in
// index order: whole innermost rows when `contiguous` (innermost strides equal to elem in both),
// single elements otherwise. Stops when f returns false, and then returns false.
template <typename F>
bool ForEachRun(const std::vector<int64_t>& n, const std::vector<int64_t>& a, const std::vector<int64_t>& b, int64_t elem,
                int64_t srcOff, int64_t dstOff, bool contiguous, F&& f) {
  const size_t outer = contiguous ? n.size() - 1 : n.size();
  const int64_t len = contiguous ? n.back() * elem : elem;
  std::vector<int64_t> idx(outer, 0);
  int64_t p = srcOff, q = dstOff;
  for (;;) {
    if (!f(p, q, len)) return false;
    int d = static_cast<int>(outer) - 1;
    for (; d >= 0; d--) {
      idx[d]++, p += a[d], q += b[d];
      if (idx[d] < n[d]) break;
      p -= a[d] * n[d], q -= b[d] * n[d], idx[d] = 0;
    }
    if (d < 0) return true;
  }
}

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

// Reads a job object (see above); false with a pending exception when malformed.
bool ParseJob(napi_env env, napi_value job, bool decode, JobSpec* j);

}  // namespace addon
}  // namespace zf
