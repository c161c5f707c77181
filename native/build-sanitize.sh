#!/usr/bin/env bash
# Builds the addon with AddressSanitizer and UndefinedBehaviorSanitizer into native/build-sanitize/
# (the release build in native/build/ is left alone). Same sources, include paths, defines and
# libraries as binding.gyp (from build.mjs), compiled -O1 -g. Load it with
#   ZARRFLOW_NATIVE_ADDON=native/build-sanitize/zarrflow_codecs.node \
#   LD_PRELOAD=$(gcc -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0 node ...
# (node itself is not instrumented, so the ASan runtime must be preloaded; leaks are not checked
# because V8 keeps memory until exit). Any report aborts the process (halt on error).
set -euo pipefail
cd "$(dirname "$0")"
out=build-sanitize
rm -rf "$out/obj"
mkdir -p "$out/obj"
node_inc="$(dirname "$(dirname "$(command -v node)")")/include/node"
[ -f "$node_inc/node_api.h" ] || { echo "build-sanitize: node headers not found at $node_inc"; exit 1; }
gyp() { node build.mjs --gyp "$1"; }
incs="-Isrc -I$node_inc"
for d in $(gyp include_dirs); do incs="$incs -I$d"; done
defs="-DZF_SANITIZE=1 -DNAPI_VERSION=8 -DZSTDLIB_VISIBLE= -DZSTDLIB_VISIBILITY= -DLZ4LIB_VISIBILITY="
for d in $(gyp defines); do defs="$defs -D$d"; done
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
common="-O1 -g -fPIC $san $incs $defs"
compile() {
  local f="$1" o
  o="$out/obj/$(echo "$f" | tr '/.' '__').o"
  if [[ "$f" == *.c ]]; then
    gcc -std=gnu11 $common -c "$f" -o "$o"
  else
    g++ -std=c++17 -Wall -Wextra -Wno-unused-parameter $common -c "$f" -o "$o"
  fi
}
# Two compilers at a time (JOBS to change), failing on the first error.
pids=()
for f in src/*.cc src/blosc/*.cc $(gyp sources); do
  compile "$f" &
  pids+=("$!")
  if [ "${#pids[@]}" -ge "${JOBS:-2}" ]; then
    wait "${pids[0]}"
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p"; done
# shellcheck disable=SC2046
g++ -shared -o "$out/zarrflow_codecs.node" "$out"/obj/*.o $san -Wl,-Bsymbolic $(gyp libraries)
echo "build-sanitize: built native/$out/zarrflow_codecs.node"
