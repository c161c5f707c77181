#!/usr/bin/env bash
# Runs a command as on a fresh machine: the codec -dev packages (headers, the libX.so link-time
# symlinks, static libraries, c-blosc's headers) are hidden in a private mount namespace, while the
# runtime libraries (libzstd.so.1, liblz4.so.1, ... which the compiler itself needs, and the
# libblosc.so.1 that python3-numcodecs uses for the cross-checks) stay. Unlike
# ../shared/tools/without-codec-libs.sh it never bind-mounts over a symlink (that follows the link
# and hides the runtime library behind it, so no C++ compiler can run).
set -euo pipefail
script=$(mktemp)
cat > "$script" <<INNER
set -e
L=/usr/lib/x86_64-linux-gnu
mkdir -p /tmp/zf-orig /tmp/zf-shadow
mount --bind \$L /tmp/zf-orig
rm -rf /tmp/zf-shadow/*
for e in /tmp/zf-orig/*; do
  n=\$(basename "\$e")
  case "\$n" in
    libblosc.so|libblosc.a|libzstd.so|libzstd.a|liblz4.so|liblz4.a|libbz2.so|libbz2.a|liblzma.so|liblzma.a) continue;;
  esac
  ln -s "\$e" "/tmp/zf-shadow/\$n"
done
mount --bind /tmp/zf-shadow \$L
for f in /usr/include/{blosc.h,blosc-export.h,zstd.h,zstd_errors.h,zdict.h,lz4.h,lz4hc.h,lz4frame.h,lz4frame_static.h,bzlib.h,lzma.h}; do
  [ -e "\$f" ] && mount --bind /dev/null "\$f"
done
if [ -d /usr/include/lzma ]; then mkdir -p /tmp/zf-empty; mount --bind /tmp/zf-empty /usr/include/lzma; fi
cd '$PWD'
$1
INNER
unshare -m bash "$script"
rm -f "$script"
