// The addon's exported functions, registered in addon.cc (see the list at the top of addon.cc).
#pragma once

#include <node_api.h>

namespace zf {
namespace addon {

// codec_calls.cc
napi_value Compress(napi_env env, napi_callback_info info);
napi_value Decompress(napi_env env, napi_callback_info info);
napi_value CompressAsync(napi_env env, napi_callback_info info);
napi_value DecompressAsync(napi_env env, napi_callback_info info);
napi_value BloscListCompressors(napi_env env, napi_callback_info info);
napi_value Versions(napi_env env, napi_callback_info info);
// chunk_jobs.cc
napi_value DecodeIntoAsync(napi_env env, napi_callback_info info);
napi_value EncodeFromAsync(napi_env env, napi_callback_info info);
// batch_jobs.cc
napi_value DecodeBatchAsync(napi_env env, napi_callback_info info);
napi_value EncodeBatchAsync(napi_env env, napi_callback_info info);
// populate.cc
napi_value PopulateAsync(napi_env env, napi_callback_info info);
napi_value AllocAligned(napi_env env, napi_callback_info info);
napi_value RecycledBytes(napi_env env, napi_callback_info info);
napi_value AlignedBuffers(napi_env env, napi_callback_info info);
napi_value RecycledOutputs(napi_env env, napi_callback_info info);

}  // namespace addon
}  // namespace zf
