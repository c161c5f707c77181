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
//   decodeBatchAsync(batch)                    -> Promise<void> (many small chunks, batch_jobs.cc)
//   encodeBatchAsync(batch)                    -> Promise<void>
//   populateAsync(bytes)                       -> Promise<void>
//   allocAligned(nbytes), recycledBytes(), alignedBuffers(nbytes) -> large result buffers (populate.cc)
//   recycledOutputs(nbytes)                    -> [kept of that size, kept bytes] of codec outputs (populate.cc)
// The async variants run on the libuv thread pool, so many chunks are (de)compressed in parallel
// and the JS thread stays free. Options are parsed on the JS thread before work is queued.
//
// Source files: options.cc (codec options), codec_calls.cc (compress/decompress), job.cc (the chunk
// job description and strided copy), chunk_file.cc (chunk file I/O), chunk_jobs.cc
// (decodeIntoAsync/encodeFromAsync), batch_jobs.cc (their batches), chunk_run.h (one chunk's work), populate.cc, napi_util.cc; the codecs themselves are codecs.h.
#include <node_api.h>

#include "exports.h"

using namespace zf::addon;

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
      {"decodeBatchAsync", nullptr, DecodeBatchAsync, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"encodeBatchAsync", nullptr, EncodeBatchAsync, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"populateAsync", nullptr, PopulateAsync, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"allocAligned", nullptr, AllocAligned, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"recycledBytes", nullptr, RecycledBytes, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"alignedBuffers", nullptr, AlignedBuffers, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"recycledOutputs", nullptr, RecycledOutputs, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}
