{
  "targets": [
    {
      "target_name": "zarrflow_codecs",
      "sources": ["src/addon.cc", "src/codecs.cc"],
      "defines": ["NAPI_VERSION=8"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-lblosc", "-lzstd", "-llz4", "-lbz2", "-llzma", "-lz"]
    }
  ]
}
