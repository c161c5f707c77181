// Reading the chunk job description (see job.h) and the strided copy.
#include "job.h"

#include <cstring>

#include "copy.h"
#include "napi_util.h"
#include "options.h"

namespace zf {
namespace addon {

void Extent(const Scatter& s, const std::vector<int64_t>& st, int64_t off, int64_t* lo, int64_t* hi) {
  *lo = off;
  *hi = off + s.elem;
  for (int d = 0; d < s.nd; d++) {
    if (s.shape[d] == 0) { *hi = *lo; return; }
    int64_t span = st[d] * (s.shape[d] - 1);
    if (span < 0) *lo += span; else *hi += span;
  }
}

bool MergeAxes(const Scatter& s, std::vector<int64_t>& n, std::vector<int64_t>& a, std::vector<int64_t>& b) {
  n.clear(), a.clear(), b.clear();
  for (int d = 0; d < s.nd; d++) {
    if (s.shape[d] == 0) return false;
    if (s.shape[d] == 1) continue;
    if (!n.empty() && a.back() == s.sst[d] * s.shape[d] && b.back() == s.dst[d] * s.shape[d]) {
      n.back() *= s.shape[d];
      a.back() = s.sst[d];
      b.back() = s.dst[d];
    } else {
      n.push_back(s.shape[d]);
      a.push_back(s.sst[d]);
      b.push_back(s.dst[d]);
    }
  }
  if (n.empty()) { n.push_back(1); a.push_back(s.elem); b.push_back(s.elem); }
  return true;
}

void CopyMerged(const int64_t* n, const int64_t* a, const int64_t* b, size_t nd, int64_t elem, int64_t swap, const uint8_t* p, uint8_t* q, int64_t* idx) {
  const int64_t inner = n[nd - 1], ai = a[nd - 1], bi = b[nd - 1];
  const bool run = ai == elem && bi == elem && swap == 0;
  for (size_t d = 0; d < nd; d++) idx[d] = 0;
  for (;;) {
    if (run) {
      CopyBytes(q, p, static_cast<size_t>(inner * elem));
    } else if (swap > 1) {
      for (int64_t k = 0; k < inner; k++) {
        const uint8_t* e = p + k * ai;
        uint8_t* f = q + k * bi;
        for (int64_t w = 0; w < elem; w += swap)
          for (int64_t j = 0; j < swap; j++) f[w + j] = e[w + swap - 1 - j];
      }
    } else {
      for (int64_t k = 0; k < inner; k++) std::memcpy(q + k * bi, p + k * ai, static_cast<size_t>(elem));
    }
    int d = static_cast<int>(nd) - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      p += a[d];
      q += b[d];
      if (idx[d] < n[d]) break;
      p -= a[d] * n[d];
      q -= b[d] * n[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

void CopyStrided(const Scatter& s, const uint8_t* src, uint8_t* dst) {
  // Merge dimensions contiguous in both, so whole rows become one memcpy.
  std::vector<int64_t> n, a, b;
  if (!MergeAxes(s, n, a, b)) return;
  std::vector<int64_t> idx(n.size(), 0);
  CopyMerged(n.data(), a.data(), b.data(), n.size(), s.elem, s.swap, src + s.srcOff, dst + s.dstOff, idx.data());
}

namespace {

// A named property (undefined when absent).
napi_value Prop(napi_env env, napi_value obj, const char* key) {
  napi_value v = nullptr;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok) napi_get_undefined(env, &v);
  return v;
}

// A required finite number property; false with a pending exception otherwise.
bool PropNumber(napi_env env, napi_value obj, const char* key, int64_t* out) {
  napi_value v = Prop(env, obj, key);
  double d = 0;
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t != napi_number || napi_get_value_double(env, v, &d) != napi_ok || !(d > -9.0e15 && d < 9.0e15) || d != double(int64_t(d))) {
    ThrowError(env, std::string("job.copy.") + key + " must be an integer");
    return false;
  }
  *out = static_cast<int64_t>(d);
  return true;
}

// A required array of `n` integers.
bool PropIntList(napi_env env, napi_value obj, const char* key, size_t n, std::vector<int64_t>* out) {
  napi_value v = Prop(env, obj, key);
  bool isArray = false;
  uint32_t len = 0;
  napi_is_array(env, v, &isArray);
  if (!isArray || napi_get_array_length(env, v, &len) != napi_ok || len != n) {
    ThrowError(env, std::string("job.copy.") + key + " must be an array of " + std::to_string(n) + " integers");
    return false;
  }
  out->assign(n, 0);
  for (uint32_t i = 0; i < len; i++) {
    napi_value e;
    double d = 0;
    if (napi_get_element(env, v, i, &e) != napi_ok || napi_get_value_double(env, e, &d) != napi_ok || d != double(int64_t(d))) {
      ThrowError(env, std::string("job.copy.") + key + " must hold integers");
      return false;
    }
    (*out)[i] = static_cast<int64_t>(d);
  }
  return true;
}

}  // namespace

bool ParseJob(napi_env env, napi_value job, bool decode, JobSpec* j) {
  napi_valuetype t;
  napi_typeof(env, job, &t);
  if (t != napi_object) {
    ThrowError(env, "expected a job object");
    return false;
  }
  if (!ParseOptionalCodec(env, Prop(env, job, "codec"), Prop(env, job, "opts"), &j->params, &j->hasCodec)) return false;
  napi_value ab;
  size_t off;
  napi_value array = Prop(env, job, "array");
  if (!GetBytes(env, array, &j->array, &j->arrayLen, &ab, &off)) {
    ThrowError(env, "job.array must be a Uint8Array");
    return false;
  }
  napi_value stored = Prop(env, job, "stored"), path = Prop(env, job, "path");
  if (decode) {
    if (!IsNullish(env, path)) {
      if (!GetString(env, path, &j->path)) {
        ThrowError(env, "job.path must be a string");
        return false;
      }
    } else {
      uint8_t* p = nullptr;
      if (!GetBytes(env, stored, &p, &j->storedLen, &ab, &off)) {
        ThrowError(env, "job.stored must be a Uint8Array (or job.path a file)");
        return false;
      }
      j->stored = p;
    }
    napi_value partial = Prop(env, job, "partial");
    if (!IsNullish(env, partial)) {
      if (!PropNumber(env, partial, "start", &j->partialStart) || !PropNumber(env, partial, "count", &j->partialCount)) return false;
      if (j->partialStart < 0 || j->partialCount < 0) {
        ThrowError(env, "job.partial must be a non-negative range");
        return false;
      }
    }
  } else {
    napi_value file = Prop(env, job, "file");
    if (!IsNullish(env, file) && !(GetString(env, file, &j->file) && GetString(env, Prop(env, job, "temp"), &j->temp))) {
      ThrowError(env, "job.file and job.temp must be strings");
      return false;
    }
  }
  napi_value copy = Prop(env, job, "copy");
  napi_typeof(env, copy, &t);
  if (t != napi_object) {
    ThrowError(env, "job.copy must be an object");
    return false;
  }
  int64_t nd = 0, chunkOffset = 0, arrayOffset = 0;
  std::vector<int64_t> shape, chunkStrides, arrayStrides;
  Scatter& s = j->spec;
  if (!PropNumber(env, copy, "elemBytes", &s.elem) || !PropNumber(env, copy, "swapWidth", &s.swap) ||
      !PropNumber(env, copy, "chunkBytes", &s.chunkBytes) || !PropNumber(env, copy, "chunkOffset", &chunkOffset) ||
      !PropNumber(env, copy, "arrayOffset", &arrayOffset)) {
    return false;
  }
  napi_value shapeValue = Prop(env, copy, "shape");
  uint32_t len = 0;
  bool isArray = false;
  napi_is_array(env, shapeValue, &isArray);
  if (!isArray || napi_get_array_length(env, shapeValue, &len) != napi_ok || len > 64) {
    ThrowError(env, "job.copy.shape must be an array of at most 64 integers");
    return false;
  }
  nd = len;
  if (!PropIntList(env, copy, "shape", nd, &shape) || !PropIntList(env, copy, "chunkStrides", nd, &chunkStrides) ||
      !PropIntList(env, copy, "arrayStrides", nd, &arrayStrides)) {
    return false;
  }
  for (int64_t n : shape) {
    if (n < 0) {
      ThrowError(env, "job.copy.shape must be non-negative");
      return false;
    }
  }
  if (s.elem <= 0 || s.chunkBytes < 0 || (s.swap > 1 && s.elem % s.swap != 0)) {
    ThrowError(env, "bad element size in job.copy");
    return false;
  }
  s.nd = static_cast<int>(nd);
  s.shape = shape;
  if (decode) {
    s.srcOff = chunkOffset, s.sst = chunkStrides;
    s.dstOff = arrayOffset, s.dst = arrayStrides;
  } else {
    s.srcOff = arrayOffset, s.sst = arrayStrides;
    s.dstOff = chunkOffset, s.dst = chunkStrides;
  }
  if (napi_create_reference(env, array, 1, &j->arrayRef) != napi_ok || (j->stored && napi_create_reference(env, stored, 1, &j->storedRef) != napi_ok)) {
    j->Unref(env);
    ThrowError(env, "could not reference the buffers");
    return false;
  }
  return true;
}

}  // namespace addon
}  // namespace zf
