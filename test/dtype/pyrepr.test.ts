import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { isPyPrintable, pyBytesRepr, pyFloatRepr, pyRepr, pyStrRepr } from "../../src/dtype/pyrepr.ts";
import { formatScalar } from "../../src/ndarray/format.ts";
import { Categorize } from "../../src/codecs/filters/index.ts";

const hasPython = spawnSync("/usr/bin/python3", ["-c", "import json"]).status === 0;
const noPython = !hasPython && "no /usr/bin/python3";

/** Run a Python snippet reading JSON on stdin and printing ASCII-only JSON (safe for lone surrogates). */
function py<T>(code: string, input: unknown): T {
  const r = spawnSync("/usr/bin/python3", ["-c", `import json,sys\n${code}`], { input: JSON.stringify(input), maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr.toString());
  return JSON.parse(r.stdout.toString()) as T;
}

/** Code point ranges covering ASCII, Latin-1, separators, surrogates, private use, noncharacters and code points assigned after Unicode 14. */
const RANGES: [number, number][] = [
  [0x0, 0x3ff], [0x0cf0, 0x0cff], [0x1680, 0x16a0], [0x180b, 0x1810], [0x2000, 0x2070], [0x2ff0, 0x3010],
  [0xd7f0, 0xd810], [0xdbf0, 0xdc10], [0xdff0, 0xe010], [0xf8f0, 0xf910], [0xfdc0, 0xfdf0], [0xfeff, 0xff00],
  [0xfff0, 0x10010], [0x11f00, 0x11f10], [0x1f6d0, 0x1f700], [0x1fa70, 0x1fa90], [0x31340, 0x31360],
  [0xe0000, 0xe0080], [0xf0000, 0xf0010], [0x10fff0, 0x10ffff],
];

function codePoints(): number[] {
  const out: number[] = [];
  for (const [a, b] of RANGES) for (let c = a; c <= b; c++) out.push(c);
  return out;
}

test("pyStrRepr matches Python 3's repr(str) code point by code point", { skip: noPython }, () => {
  const cps = codePoints();
  const expected = py<string[]>("print(json.dumps([repr(chr(c)) for c in json.load(sys.stdin)]))", cps);
  const got = cps.map((c) => pyStrRepr(String.fromCodePoint(c)));
  const bad = cps.filter((_, i) => got[i] !== expected[i]).map((c) => c.toString(16));
  assert.deepEqual(bad, [], `mismatching code points: ${bad.slice(0, 20).join(", ")}`);
});

test("the isprintable table agrees with Python on every code point", { skip: noPython }, () => {
  const runs = py<number[]>(
    "runs=[];prev=False;start=0\nfor c in range(0x110000):\n  p=chr(c).isprintable()\n  if p!=prev: runs.append(c-start); prev=p; start=c\nruns.append(0x110000-start)\nprint(json.dumps(runs))",
    null,
  );
  let cp = 0;
  const bad: number[] = [];
  runs.forEach((len, k) => {
    const printable = k % 2 === 1;
    for (let i = 0; i < len; i++, cp++) if (isPyPrintable(cp) !== printable && bad.length < 20) bad.push(cp);
  });
  assert.equal(cp, 0x110000);
  assert.deepEqual(bad.map((c) => c.toString(16)), []);
});

test("pyStrRepr picks quotes and escapes like Python", { skip: noPython }, () => {
  const strings = ["", "it's", 'say "hi"', `both ' and "`, "back\\slash", "tab\tnl\nret\r", "é✓🚀", "\u0000\u007f\u0080\u00a0\u00ad", "\ud800x"];
  const expected = py<string[]>("print(json.dumps([repr(s) for s in json.load(sys.stdin)]))", strings);
  assert.deepEqual(strings.map(pyStrRepr), expected);
});

test("codec reprs and the numpy printer escape strings the same way", () => {
  for (const s of ["a\u0378b", "\u2028", "x\u{31350}", "\u{1F6DC}", "caf\u00e9"]) {
    assert.equal(formatScalar(s, "<U4"), pyStrRepr(s));
    assert.equal(new Categorize({ labels: [s], dtype: "<U4" }).toString(), `Categorize(dtype='<U4', astype='|u1', labels=[${pyStrRepr(s)}])`);
  }
});

test("pyFloatRepr and pyBytesRepr match Python", { skip: noPython }, () => {
  const floats = [0.1, 1, 1e-4, 1.5e-5, 1e16, 1e15, 12345678901234567, 2.5e-300, -3, 1 / 3, 5e-324, 1.7976931348623157e308, 65504, 3.4028234663852886e38];
  for (let i = 0; i < 200; i++) floats.push((Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 40 - 20));
  assert.deepEqual(floats.map(pyFloatRepr), py<string[]>("print(json.dumps([repr(float(v)) for v in json.load(sys.stdin)]))", floats));
  const bytes = [[0, 9, 10, 13, 39, 34, 92, 127, 128, 255, 65], [39], [34, 39]];
  assert.deepEqual(bytes.map((b) => pyBytesRepr(Uint8Array.from(b))), py<string[]>("print(json.dumps([repr(bytes(b)) for b in json.load(sys.stdin)]))", bytes));
});

test("pyRepr renders JS values as Python would print them", () => {
  const cyclic: unknown[] = [1];
  cyclic.push(cyclic);
  assert.equal(pyRepr([null, true, 2n, 1.5, 1e20, "a'b", new Uint8Array([1])]), `[None, True, 2, 1.5, 1e+20, "a'b", b'\\x01']`);
  assert.equal(pyRepr({ k: -0 }), "{'k': 0}");
  assert.equal(pyRepr(cyclic), "[1, [...]]");
});
