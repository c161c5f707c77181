// N-API helpers shared by the addon's source files: argument reading, errors, promises.
#pragma once

#include <node_api.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "codecs.h"

namespace zf {
namespace addon {

void ThrowError(napi_env env, const std::string& msg);

#define CHECK_NAPI(env, call)                              \
  do {                                                     \
    if ((call) != napi_ok) {                               \
      bool pending = false;                                \
      napi_is_exception_pending((env), &pending);          \
      if (!pending) ThrowError((env), "N-API call failed: " #call); \
      return nullptr;                                      \
    }                                                      \
  } while (0)

bool IsNullish(napi_env env, napi_value v);
// Raw bytes of any typed array (or DataView), after its byte offset.
bool GetBytes(napi_env env, napi_value v, uint8_t** data, size_t* len, napi_value* arraybuffer, size_t* byteOffset);
// Wraps an owned result as a Buffer without copying.
napi_value OwnedToBuffer(napi_env env, OutBuf& out);
// Reads a JS string argument.
bool GetString(napi_env env, napi_value v, std::string* out);
// Resolves (with `value`) or rejects (with `error`, its `code` property set when `code` is given) a job's promise.
void Settle(napi_env env, napi_deferred deferred, const std::string& error, napi_value value, const std::string& code = "");
// Queues async work for a job and returns its promise (nullptr with a pending exception on failure).
napi_value Queue(napi_env env, const char* name, napi_async_execute_callback exec, napi_async_complete_callback done, void* job,
                 napi_deferred* deferred, napi_async_work* work);

}  // namespace addon
}  // namespace zf
