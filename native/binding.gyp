{
  "targets": [
    {
      "target_name": "zarrflow_codecs",
      # Everything below the addon's own sources comes from build.mjs, which picks for each codec
      # library either the C sources an npm dependency ships (zstd-napi, lz4) or the system runtime
      # library (see ZARRFLOW_NATIVE_LIBS there). No -dev package is needed either way.
      "sources": [
        "src/addon.cc",
        "src/batch_jobs.cc",
        "src/chunk_file.cc",
        "src/chunk_jobs.cc",
        "src/codec_calls.cc",
        "src/job.cc",
        "src/mapped_file.cc",
        "src/napi_util.cc",
        "src/options.cc",
        "src/populate.cc",
        "src/recycler.cc",
        "src/codecs.cc",
        "src/codec_blosc_zstd_lz4.cc",
        "src/codec_bz2.cc",
        "src/codec_lzma.cc",
        "src/codec_zlib.cc",
        "src/blosc/blosc.cc",
        "src/blosc/blosclz.cc",
        "src/blosc/shuffle.cc",
        "src/blosc/zlib_api.cc",
        "<!@(node build.mjs --gyp sources)"
      ],
      "include_dirs": ["src", "<!@(node build.mjs --gyp include_dirs)"],
      "defines": [
        "NAPI_VERSION=8",
        # Bundled zstd/lz4 symbols stay private to the addon.
        "ZSTDLIB_VISIBLE=",
        "ZSTDLIB_VISIBILITY=",
        "LZ4LIB_VISIBILITY=",
        "<!@(node build.mjs --gyp defines)"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags": ["-O3", "-fvisibility=hidden"],
      "cflags_c": ["-std=gnu11"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "ldflags": ["-Wl,-Bsymbolic"],
      "libraries": ["<!@(node build.mjs --gyp libraries)"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-O3"],
        "OTHER_CFLAGS": ["-O3"]
      }
    }
  ]
}
