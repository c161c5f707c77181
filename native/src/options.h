// Codec options: a numcodecs config object read into zf::Params on the JS thread, before work is queued.
#pragma once

#include <node_api.h>

#include <string>

#include "codecs.h"

namespace zf {
namespace addon {

// Parses (codec id, options object); false with *err set (or an exception pending) on bad input.
bool ParseParams(napi_env env, napi_value codec, napi_value opts, Params* p, std::string* err);
// Parses an optional codec (null = raw bytes); false with a pending exception on bad options.
bool ParseOptionalCodec(napi_env env, napi_value codec, napi_value opts, Params* params, bool* hasCodec);

}  // namespace addon
}  // namespace zf
