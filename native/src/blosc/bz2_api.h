// The part of libbzip2's API zarrflow uses, declared here so the addon builds without bzip2's -dev
// package: it links the runtime libbz2.so.1.0 that every Debian/Ubuntu system has (dpkg needs it).
// Layout and values are those of bzlib.h 1.0.x, which has been stable since 2001.
#pragma once

extern "C" {

typedef struct {
  char* next_in;
  unsigned int avail_in;
  unsigned int total_in_lo32;
  unsigned int total_in_hi32;
  char* next_out;
  unsigned int avail_out;
  unsigned int total_out_lo32;
  unsigned int total_out_hi32;
  void* state;
  void* (*bzalloc)(void*, int, int);
  void (*bzfree)(void*, void*);
  void* opaque;
} bz_stream;

int BZ2_bzCompressInit(bz_stream* strm, int blockSize100k, int verbosity, int workFactor);
int BZ2_bzCompress(bz_stream* strm, int action);
int BZ2_bzCompressEnd(bz_stream* strm);
int BZ2_bzDecompressInit(bz_stream* strm, int verbosity, int small);
int BZ2_bzDecompress(bz_stream* strm);
int BZ2_bzDecompressEnd(bz_stream* strm);
const char* BZ2_bzlibVersion(void);

}  // extern "C"

enum {
  BZ_RUN = 0,
  BZ_FLUSH = 1,
  BZ_FINISH = 2,
  BZ_OK = 0,
  BZ_RUN_OK = 1,
  BZ_FLUSH_OK = 2,
  BZ_FINISH_OK = 3,
  BZ_STREAM_END = 4,
  BZ_SEQUENCE_ERROR = -1,
  BZ_PARAM_ERROR = -2,
  BZ_MEM_ERROR = -3,
  BZ_DATA_ERROR = -4,
  BZ_DATA_ERROR_MAGIC = -5,
  BZ_IO_ERROR = -6,
  BZ_UNEXPECTED_EOF = -7,
  BZ_OUTBUFF_FULL = -8,
  BZ_CONFIG_ERROR = -9,
};
