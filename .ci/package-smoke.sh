#!/usr/bin/env bash
# Package smoke test: build, `npm pack`, install the tarball into a fresh project in a temp dir (its
# install script builds the native addon there), run a plain-node program that writes an array with
# every compressor through the public entry point, have python3 (zarr-python 2.13) read them back,
# and type-check a small TypeScript consumer with `tsc --strict` (module nodenext).
# Needs only the npm registry for the consumer's dependencies.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/zarrflow-smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$root"

echo "package-smoke: building and packing"
npm run --silent build
node test/package/dist-pool.mjs
tarball="$(npm pack --silent --ignore-scripts --pack-destination "$work" | tail -n 1)"
echo "package-smoke: packed $tarball ($(du -h "$work/$tarball" | cut -f1))"
if tar -tzf "$work/$tarball" | grep -Eq '^package/(node_modules|test|native/build)/'; then
  echo "package-smoke: FAIL: the tarball contains node_modules, tests or native build output" >&2
  exit 1
fi

consumer="$work/consumer"
mkdir -p "$consumer/out"
cd "$consumer"
cat > package.json <<'JSON'
{ "name": "zarrflow-smoke-consumer", "version": "1.0.0", "private": true, "type": "module" }
JSON
typescript_version="$(node -p "require('$root/node_modules/typescript/package.json').version")"
types_node_version="$(node -p "require('$root/node_modules/@types/node/package.json').version")"
npm install --no-audit --no-fund --loglevel=error "$work/$tarball" "typescript@$typescript_version" "@types/node@$types_node_version"
cp "$root/test/package/smoke.mjs" "$root/test/package/consumer.ts" .

pycheck() {
  /usr/bin/python3 - "$1" <<'PY'
import os, sys
import numpy as np, zarr
out = sys.argv[1]
names = sorted(os.listdir(out))
expected = np.arange(1200, dtype="<i4").reshape(40, 30)
for name in names:
    z = zarr.open(os.path.join(out, name), mode="r")
    assert z.dtype == np.dtype("<i4") and z.shape == (40, 30), (name, z.dtype, z.shape)
    np.testing.assert_array_equal(z[...], expected, err_msg=name)
assert len(names) >= 13, names
print(f"  python3 read {len(names)} arrays equal: {' '.join(n[:-5] for n in names)}")
PY
}

echo "package-smoke: the smoke program with plain node (native addon when it built)"
node smoke.mjs "$consumer/out" | tee smoke.log
if grep -q "hasNativeCodecs: false" smoke.log; then
  echo "package-smoke: note: the addon did not build in the consumer (see node_modules/zarrflow/native/build/build.log)"
  if [ "${ZARRFLOW_REQUIRE_NATIVE:-}" = "1" ]; then exit 1; fi
fi
pycheck "$consumer/out"

echo "package-smoke: the same without the addon (ZARRFLOW_NO_NATIVE=1: WASM/JS codecs)"
mkdir -p "$consumer/out-fallback"
ZARRFLOW_NO_NATIVE=1 node smoke.mjs "$consumer/out-fallback"
pycheck "$consumer/out-fallback"

echo "package-smoke: tsc --strict on a TypeScript consumer"
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "strict": true, "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022", "noEmit": true, "types": ["node"] }, "files": ["consumer.ts"] }
JSON
npx --no-install tsc -p tsconfig.json

echo "package-smoke: rxjs is an optional peer: not installed with the package, and the consumer above type-checked without it"
if [ -e node_modules/rxjs ]; then echo "package-smoke: FAIL: npm installed the optional peer rxjs" >&2; exit 1; fi
rxjs_version="$(node -p "require('$root/node_modules/rxjs/package.json').version")"
npm install --no-audit --no-fund --loglevel=error "rxjs@$rxjs_version"
cp "$root/test/package/consumer-rx.ts" .
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "strict": true, "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022", "noEmit": true, "types": ["node"] }, "files": ["consumer.ts", "consumer-rx.ts"] }
JSON
npx --no-install tsc -p tsconfig.json
node --input-type=module -e '
import { lastValueFrom } from "rxjs";
import { rechunk, zeros } from "zarrflow";
import { fromArray } from "zarrflow/streams";
const src = await zeros([100], { chunks: [10], dtype: "<i4" });
await src.set(null, 3);
const dst = await zeros([100], { chunks: [25], dtype: "<i4" });
await lastValueFrom(fromArray(src).pipe(rechunk(dst)), { defaultValue: null });
const v = await dst.get(null);
if (v.data.length !== 100 || v.data.some((x) => x !== 3)) throw new Error("rxjs rechunk in the consumer gave wrong values");
console.log("  rxjs from the consumer: fromArray(src).pipe(rechunk(dst)) wrote 100 values");
'
echo "package-smoke: OK"
