// N-API helpers shared by the addon's source files; see napi_util.h.
#include "napi_util.h"

#include <cstdint>
#include <cstdlib>

#include "recycler.h"

namespace zf {
namespace addon {

namespace {

// A collected result: large ones go to the output recycler (hint: the size), for OutBuf to reuse.
void FreeData(napi_env, void* data, void* hint) {
  const size_t n = reinterpret_cast<uintptr_t>(hint);
  if (n < kPooledOutputBytes || !OutputRecycler().Keep(data, n)) std::free(data);
}

}  // namespace

void ThrowError(napi_env env, const std::string& msg) { napi_throw_error(env, nullptr, msg.c_str()); }

bool IsNullish(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return true;
  return t == napi_undefined || t == napi_null;
}

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

napi_value OwnedToBuffer(napi_env env, OutBuf& out) {
  const size_t size = out.size();
  uint8_t* data = out.Release();
  napi_value result;
  if (napi_create_external_buffer(env, size, data, FreeData, reinterpret_cast<void*>(static_cast<uintptr_t>(size)), &result) == napi_ok) return result;
  // Runtimes that forbid external buffers (V8 sandbox) get a copy instead.
  void* copy;
  napi_status s = napi_create_buffer_copy(env, size, data, &copy, &result);
  std::free(data);
  return s == napi_ok ? result : nullptr;
}

bool GetString(napi_env env, napi_value v, std::string* out) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) return false;
  out->resize(len);
  return napi_get_value_string_utf8(env, v, &(*out)[0], len + 1, &len) == napi_ok;
}

void Settle(napi_env env, napi_deferred deferred, const std::string& error, napi_value value, const std::string& code) {
  if (error.empty()) {
    napi_resolve_deferred(env, deferred, value);
    return;
  }
  napi_value msg, err, codeValue = nullptr;
  napi_create_string_utf8(env, error.c_str(), error.size(), &msg);
  if (!code.empty()) napi_create_string_utf8(env, code.c_str(), code.size(), &codeValue);
  napi_create_error(env, codeValue, msg, &err);
  napi_reject_deferred(env, deferred, err);
}

napi_value Queue(napi_env env, const char* name, napi_async_execute_callback exec, napi_async_complete_callback done, void* job,
                 napi_deferred* deferred, napi_async_work* work) {
  napi_value promise, n;
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &n);
  if (napi_create_promise(env, deferred, &promise) != napi_ok || napi_create_async_work(env, nullptr, n, exec, done, job, work) != napi_ok ||
      napi_queue_async_work(env, *work) != napi_ok) {
    ThrowError(env, std::string("could not queue ") + name + " work");
    return nullptr;
  }
  return promise;
}

}  // namespace addon
}  // namespace zf
