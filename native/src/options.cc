// Codec options: a numcodecs config object read into zf::Params; see options.h.
#include "options.h"

#include "napi_util.h"

namespace zf {
namespace addon {

namespace {

// Reads an optional numeric property. Missing, null and undefined leave *out untouched.
bool GetNumber(napi_env env, napi_value obj, const char* key, double* out, std::string* err) {
  bool has = false;
  if (napi_has_named_property(env, obj, key, &has) != napi_ok || !has) return true;
  napi_value v;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok) return false;
  if (IsNullish(env, v)) return true;
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t != napi_number) {
    *err = std::string("option '") + key + "' must be a number";
    return false;
  }
  return napi_get_value_double(env, v, out) == napi_ok;
}

bool GetInt(napi_env env, napi_value obj, const char* key, int* out, std::string* err) {
  double d = *out;
  if (!GetNumber(env, obj, key, &d, err)) return false;
  if (!(d >= -2147483648.0 && d <= 2147483647.0) || d != double(int64_t(d))) {
    *err = std::string("option '") + key + "' must be a 32-bit integer";
    return false;
  }
  *out = int(d);
  return true;
}

bool GetString(napi_env env, napi_value obj, const char* key, std::string* out, std::string* err) {
  bool has = false;
  if (napi_has_named_property(env, obj, key, &has) != napi_ok || !has) return true;
  napi_value v;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok) return false;
  if (IsNullish(env, v)) return true;
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) {
    *err = std::string("option '") + key + "' must be a string";
    return false;
  }
  std::string s(len, '\0');
  napi_get_value_string_utf8(env, v, &s[0], len + 1, &len);
  *out = s;
  return true;
}

bool ParseFilters(napi_env env, napi_value arr, Params* p, std::string* err) {
  bool isArray = false;
  napi_is_array(env, arr, &isArray);
  if (!isArray) {
    *err = "option 'filters' must be an array or null";
    return false;
  }
  uint32_t len = 0;
  napi_get_array_length(env, arr, &len);
  p->hasFilters = true;
  for (uint32_t i = 0; i < len; i++) {
    napi_value f, keys;
    napi_valuetype t;
    if (napi_get_element(env, arr, i, &f) != napi_ok || napi_typeof(env, f, &t) != napi_ok || t != napi_object) {
      *err = "each lzma filter must be an object";
      return false;
    }
    if (napi_get_property_names(env, f, &keys) != napi_ok) return false;
    uint32_t nkeys = 0;
    napi_get_array_length(env, keys, &nkeys);
    zf::LzmaFilterSpec spec;
    bool hasId = false;
    for (uint32_t k = 0; k < nkeys; k++) {
      napi_value key, val;
      napi_get_element(env, keys, k, &key);
      size_t klen = 0;
      if (napi_get_value_string_utf8(env, key, nullptr, 0, &klen) != napi_ok) continue;
      std::string name(klen, '\0');
      napi_get_value_string_utf8(env, key, &name[0], klen + 1, &klen);
      napi_get_property(env, f, key, &val);
      double d = 0;
      if (napi_typeof(env, val, &t) != napi_ok || t != napi_number || napi_get_value_double(env, val, &d) != napi_ok) {
        *err = "lzma filter option '" + name + "' must be a number";
        return false;
      }
      if (name == "id") {
        spec.id = d;
        hasId = true;
      } else {
        spec.options.emplace_back(name, d);
      }
    }
    if (!hasId) {
      *err = "each lzma filter needs an 'id'";
      return false;
    }
    p->filters.push_back(std::move(spec));
  }
  return true;
}

}  // namespace

bool ParseParams(napi_env env, napi_value codec, napi_value opts, Params* p, std::string* err) {
  std::string id;
  size_t len = 0;
  if (napi_get_value_string_utf8(env, codec, nullptr, 0, &len) != napi_ok) {
    *err = "codec id must be a string";
    return false;
  }
  id.resize(len);
  napi_get_value_string_utf8(env, codec, &id[0], len + 1, &len);
  if (id == "blosc") p->kind = CodecKind::Blosc;
  else if (id == "zstd") p->kind = CodecKind::Zstd;
  else if (id == "lz4") p->kind = CodecKind::Lz4;
  else if (id == "zlib") p->kind = CodecKind::Zlib;
  else if (id == "gzip") p->kind = CodecKind::Gzip;
  else if (id == "bz2") p->kind = CodecKind::Bz2;
  else if (id == "lzma") p->kind = CodecKind::Lzma;
  else {
    *err = "unknown native codec '" + id + "'";
    return false;
  }
  if (IsNullish(env, opts)) return true;
  double d;
  switch (p->kind) {
    case CodecKind::Blosc:
      if (!GetString(env, opts, "cname", &p->cname, err) || !GetInt(env, opts, "clevel", &p->clevel, err) ||
          !GetInt(env, opts, "shuffle", &p->shuffle, err) || !GetInt(env, opts, "nthreads", &p->nthreads, err)) {
        return false;
      }
      d = double(p->blocksize);
      if (!GetNumber(env, opts, "blocksize", &d, err)) return false;
      p->blocksize = int64_t(d);
      d = double(p->typesize);
      if (!GetNumber(env, opts, "typesize", &d, err)) return false;
      p->typesize = int64_t(d);
      return true;
    case CodecKind::Lz4:
      return GetInt(env, opts, "acceleration", &p->acceleration, err);
    case CodecKind::Gzip:
      d = p->mtime;
      if (!GetNumber(env, opts, "mtime", &d, err)) return false;
      p->mtime = uint32_t(d);
      return GetInt(env, opts, "level", &p->level, err);
    case CodecKind::Zstd:
    case CodecKind::Zlib:
    case CodecKind::Bz2:
      return GetInt(env, opts, "level", &p->level, err);
    case CodecKind::Lzma: {
      if (!GetInt(env, opts, "format", &p->format, err) || !GetInt(env, opts, "check", &p->check, err)) return false;
      d = -1;
      if (!GetNumber(env, opts, "preset", &d, err)) return false;
      p->preset = int64_t(d);
      bool has = false;
      napi_value filters;
      if (napi_has_named_property(env, opts, "filters", &has) == napi_ok && has &&
          napi_get_named_property(env, opts, "filters", &filters) == napi_ok && !IsNullish(env, filters)) {
        return ParseFilters(env, filters, p, err);
      }
      return true;
    }
  }
  return true;
}

bool ParseOptionalCodec(napi_env env, napi_value codec, napi_value opts, Params* params, bool* hasCodec) {
  *hasCodec = !IsNullish(env, codec);
  if (!*hasCodec) return true;
  std::string err;
  if (ParseParams(env, codec, opts, params, &err)) return true;
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) ThrowError(env, err.empty() ? "invalid options" : err);
  return false;
}

}  // namespace addon
}  // namespace zf
