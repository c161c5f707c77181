// xz/lzma adapter over the system runtime liblzma.so.5 (headers from lzma-native).
//
// Filter chains are parsed like CPython's _lzma; decoding mirrors lzma.decompress (concatenated
// streams, garbage after a complete stream ignored).
#include "codec_util.h"

#ifndef ZF_NO_LZMA
#include <lzma.h>
#endif

#include <cstring>

namespace zf {
namespace detail {

#ifndef ZF_NO_LZMA
// ---------------------------------------------------------------- lzma

std::string LzmaError(lzma_ret r) {
  switch (r) {
    case LZMA_MEM_ERROR: return "out of memory";
    case LZMA_MEMLIMIT_ERROR: return "memory usage limit reached";
    case LZMA_FORMAT_ERROR: return "input format not recognized";
    case LZMA_OPTIONS_ERROR: return "invalid or unsupported options";
    case LZMA_DATA_ERROR: return "corrupt input data";
    case LZMA_BUF_ERROR: return "truncated data (compressed data ended before the end-of-stream marker)";
    case LZMA_UNSUPPORTED_CHECK: return "unsupported integrity check";
    case LZMA_PROG_ERROR: return "internal error";
    default: return "liblzma error " + std::to_string(int(r));
  }
}

constexpr double kLzma1IdRounded = 4611686018427387904.0;  // 2^62: JSON's rounding of 2^62 + 1

// Filter chain plus the option structs it points into.
struct LzmaChain {
  lzma_filter filters[LZMA_FILTERS_MAX + 1];
  lzma_options_lzma lzma[LZMA_FILTERS_MAX];
  lzma_options_delta delta[LZMA_FILTERS_MAX];
  lzma_options_bcj bcj[LZMA_FILTERS_MAX];
};

bool IsBcj(lzma_vli id) {
  return id == LZMA_FILTER_X86 || id == LZMA_FILTER_POWERPC || id == LZMA_FILTER_IA64 || id == LZMA_FILTER_ARM ||
         id == LZMA_FILTER_ARMTHUMB || id == LZMA_FILTER_SPARC;
}

// Mirrors CPython's _lzma parse_filter_spec.
std::string BuildChain(const std::vector<LzmaFilterSpec>& specs, LzmaChain& c) {
  if (specs.size() > LZMA_FILTERS_MAX) {
    return "too many filters (liblzma supports at most " + std::to_string(LZMA_FILTERS_MAX) + ")";
  }
  std::memset(&c, 0, sizeof c);
  for (size_t i = 0; i < specs.size(); i++) {
    const LzmaFilterSpec& s = specs[i];
    lzma_vli id;
    if (s.id == kLzma1IdRounded) {
      id = LZMA_FILTER_LZMA1;
    } else if (s.id >= 0 && s.id < 9007199254740992.0 && s.id == double(uint64_t(s.id))) {
      id = lzma_vli(s.id);
    } else {
      return "invalid filter id " + std::to_string(s.id);
    }
    c.filters[i].id = id;
    auto bad = [&](const std::string& key) {
      return "option '" + key + "' is not valid for filter id " + std::to_string((unsigned long long)id);
    };
    if (id == LZMA_FILTER_LZMA1 || id == LZMA_FILTER_LZMA2) {
      uint32_t preset = LZMA_PRESET_DEFAULT;
      for (auto& kv : s.options) {
        if (kv.first == "preset") preset = uint32_t(kv.second);
      }
      if (lzma_lzma_preset(&c.lzma[i], preset)) return "invalid compression preset " + std::to_string(preset);
      for (auto& kv : s.options) {
        const std::string& k = kv.first;
        const uint32_t v = uint32_t(kv.second);
        if (k == "preset") continue;
        else if (k == "dict_size") c.lzma[i].dict_size = v;
        else if (k == "lc") c.lzma[i].lc = v;
        else if (k == "lp") c.lzma[i].lp = v;
        else if (k == "pb") c.lzma[i].pb = v;
        else if (k == "mode") c.lzma[i].mode = lzma_mode(v);
        else if (k == "nice_len") c.lzma[i].nice_len = v;
        else if (k == "mf") c.lzma[i].mf = lzma_match_finder(v);
        else if (k == "depth") c.lzma[i].depth = v;
        else return bad(k);
      }
      c.filters[i].options = &c.lzma[i];
    } else if (id == LZMA_FILTER_DELTA) {
      c.delta[i].type = LZMA_DELTA_TYPE_BYTE;
      c.delta[i].dist = 1;
      for (auto& kv : s.options) {
        if (kv.first == "dist") c.delta[i].dist = uint32_t(kv.second);
        else return bad(kv.first);
      }
      c.filters[i].options = &c.delta[i];
    } else if (IsBcj(id)) {
      for (auto& kv : s.options) {
        if (kv.first == "start_offset") c.bcj[i].start_offset = uint32_t(kv.second);
        else return bad(kv.first);
      }
      c.filters[i].options = &c.bcj[i];
    } else {
      return "invalid filter id " + std::to_string((unsigned long long)id);
    }
  }
  c.filters[specs.size()].id = LZMA_VLI_UNKNOWN;
  return "";
}

// Drives lzma_code over src. For decoders, *consumed reports where the stream ended.
std::string LzmaRun(lzma_stream& s, const uint8_t* src, size_t n, OutBuf& out, bool encode, size_t* consumed) {
  s.next_in = NonNull(src);
  s.avail_in = n;
  std::string err;
  while (true) {
    if (!MakeRoom(out, &err)) return err;
    const size_t room = out.cap() - out.size();
    s.next_out = out.data() + out.size();
    s.avail_out = room;
    const size_t inBefore = s.avail_in;
    const lzma_ret r = lzma_code(&s, encode ? LZMA_FINISH : LZMA_RUN);
    if (room == 0 && r != LZMA_STREAM_END && (r == LZMA_BUF_ERROR || s.avail_in == inBefore)) return FullError(out);
    out.set_size(out.size() + room - s.avail_out);
    if (r == LZMA_STREAM_END) {
      if (consumed) *consumed = n - s.avail_in;
      return "";
    }
    if (r != LZMA_OK) return LzmaError(r);
    // A decoder that has output room left and no input, yet no end marker, was given a truncated stream.
    if (!encode && s.avail_in == 0 && s.avail_out > 0) return LzmaError(LZMA_BUF_ERROR);
  }
}

std::string LzmaCompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out) {
  if (p.hasFilters && p.preset >= 0) return "cannot specify both preset and filter chain";
  const uint32_t preset = p.preset >= 0 ? uint32_t(p.preset) : LZMA_PRESET_DEFAULT;
  LzmaChain chain;
  if (p.hasFilters) {
    std::string err = BuildChain(p.filters, chain);
    if (!err.empty()) return err;
  }
  lzma_stream s = LZMA_STREAM_INIT;
  lzma_ret r;
  if (p.format == 1) {
    const lzma_check check = p.check == -1 ? LZMA_CHECK_CRC64 : lzma_check(p.check);
    r = p.hasFilters ? lzma_stream_encoder(&s, chain.filters, check) : lzma_easy_encoder(&s, preset, check);
  } else if (p.format == 2 || p.format == 3) {
    if (p.check != -1 && p.check != LZMA_CHECK_NONE) return "integrity checks are only supported by FORMAT_XZ";
    if (p.format == 2) {
      lzma_options_lzma opts;
      if (p.hasFilters) {
        if (p.filters.size() != 1 || chain.filters[0].id != LZMA_FILTER_LZMA1) {
          return "invalid filter chain for FORMAT_ALONE (must be a single LZMA1 filter)";
        }
        opts = chain.lzma[0];
      } else if (lzma_lzma_preset(&opts, preset)) {
        return "invalid compression preset " + std::to_string(preset);
      }
      r = lzma_alone_encoder(&s, &opts);
    } else {
      if (!p.hasFilters) return "must specify filters for FORMAT_RAW";
      r = lzma_raw_encoder(&s, chain.filters);
    }
  } else {
    return "invalid container format " + std::to_string(p.format) + " for compression";
  }
  if (r != LZMA_OK) return LzmaError(r);
  std::string err;
  if (!out.Reserve(lzma_stream_buffer_bound(n))) err = "out of memory";
  if (err.empty()) err = LzmaRun(s, src, n, out, true, nullptr);
  lzma_end(&s);
  return err;
}

std::string LzmaDecompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out) {
  LzmaChain chain;
  if (p.format == 3) {
    if (!p.hasFilters) return "must specify filters for FORMAT_RAW";
    std::string err = BuildChain(p.filters, chain);
    if (!err.empty()) return err;
  } else if (p.format < 0 || p.format > 3) {
    return "invalid container format " + std::to_string(p.format);
  }
  if (out.owned() && !out.Reserve(StartCap(out, n))) return "out of memory";
  size_t pos = 0;
  int streams = 0;
  // Python's lzma.decompress: concatenated streams; garbage after a complete stream is ignored.
  do {
    lzma_stream s = LZMA_STREAM_INIT;
    lzma_ret r;
    switch (p.format) {
      case 0: r = lzma_auto_decoder(&s, UINT64_MAX, 0); break;
      case 1: r = lzma_stream_decoder(&s, UINT64_MAX, 0); break;
      case 2: r = lzma_alone_decoder(&s, UINT64_MAX); break;
      default: r = lzma_raw_decoder(&s, chain.filters); break;
    }
    if (r != LZMA_OK) {
      lzma_end(&s);
      return LzmaError(r);
    }
    const size_t sizeBefore = out.size();
    size_t consumed = 0;
    std::string err = LzmaRun(s, src + pos, n - pos, out, false, &consumed);
    lzma_end(&s);
    if (!err.empty()) {
      const bool truncated = err.rfind("truncated", 0) == 0;
      // Output past the limit (or the caller's buffer) is never garbage after the data.
      const bool full = err.rfind("decoded data exceeds", 0) == 0 || err == kFixedFull;
      if (streams > 0 && !truncated && !full) {
        out.set_size(sizeBefore);
        return "";
      }
      return err;
    }
    streams++;
    if (consumed == 0) break;
    pos += consumed;
  } while (pos < n);
  return "";
}

#else
std::string LzmaCompress(const Params&, const uint8_t*, size_t, OutBuf&) { return "xz/lzma is not available (no liblzma.so.5 when the addon was built)"; }
std::string LzmaDecompress(const Params&, const uint8_t*, size_t, OutBuf&) { return "xz/lzma is not available (no liblzma.so.5 when the addon was built)"; }
#endif  // ZF_NO_LZMA

}  // namespace detail
}  // namespace zf
