/**
 * The safe pickle reader behind numcodecs' `Pickle` codec: a small pickle virtual machine that
 * builds values from the opcodes of protocols 2–5 without ever running code, resolving only the
 * allow-listed globals (see `pickle.ts` for the value mapping and the refusal rules).
 * @module
 */
import { CodecError } from "../../errors.ts";
import { parseDtype, type DType } from "../../dtype/dtype.ts";
import { byteswapInPlace, decodeRawElement, swapWidth, viewBytes } from "../../dtype/elements.ts";
import { NDArray } from "../../ndarray/ndarray.ts";
import { fStrides, product } from "../../ndarray/strided.ts";

export const NAME = "Pickle";

/** Opcode names, for messages about opcodes this decoder refuses. */
const OPCODE_NAMES: Record<number, string> = Object.fromEntries(
  ("28MARK 2eSTOP 30POP 31POP_MARK 32DUP 46FLOAT 49INT 4aBININT 4bBININT1 4cLONG 4dBININT2 4eNONE 50PERSID 51BINPERSID 52REDUCE " +
    "53STRING 54BINSTRING 55SHORT_BINSTRING 56UNICODE 58BINUNICODE 61APPEND 62BUILD 63GLOBAL 64DICT 7dEMPTY_DICT 65APPENDS 67GET " +
    "68BINGET 69INST 6aLONG_BINGET 6cLIST 5dEMPTY_LIST 6fOBJ 70PUT 71BINPUT 72LONG_BINPUT 73SETITEM 74TUPLE 29EMPTY_TUPLE 75SETITEMS " +
    "47BINFLOAT 80PROTO 81NEWOBJ 82EXT1 83EXT2 84EXT4 85TUPLE1 86TUPLE2 87TUPLE3 88NEWTRUE 89NEWFALSE 8aLONG1 8bLONG4 42BINBYTES " +
    "43SHORT_BINBYTES 8cSHORT_BINUNICODE 8dBINUNICODE8 8eBINBYTES8 8fEMPTY_SET 90ADDITEMS 91FROZENSET 92NEWOBJ_EX 93STACK_GLOBAL " +
    "94MEMOIZE 95FRAME 96BYTEARRAY8 97NEXT_BUFFER 98READONLY_BUFFER").split(" ").map((e) => [parseInt(e.slice(0, 2), 16), e.slice(2)]),
);

/** A global the pickle names, resolved to one of the few this decoder knows. */
class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get qualname(): string {
    return `${this.module}.${this.name}`;
  }
}

/** A numpy dtype under construction (`numpy.dtype(...)` then BUILD with its state). */
class PendingDtype {
  dtype: DType | null = null;
  constructor(readonly typestr: string) {}
}

/** A numpy array under construction (`_reconstruct(...)` then BUILD with its state). */
class PendingArray {
  value: NDArray | null = null;
}

const ALLOWED = new Set([
  "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct", "numpy.ndarray", "numpy.dtype",
  "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar", "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer",
  "builtins.set", "builtins.frozenset", "builtins.bytearray", "__builtin__.set", "__builtin__.frozenset", "__builtin__.bytearray",
  "builtins.bytes", "__builtin__.bytes", "_codecs.encode",
]);

export function fail(msg: string): never {
  throw new CodecError(`${NAME}: ${msg}`);
}

function safeInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** A value going into a user-visible container: built arrays and dtypes resolved, globals refused. */
function unwrap(v: unknown): unknown {
  if (v instanceof PendingArray) return v.value ?? fail("a numpy array was used before its state was set (BUILD)");
  if (v instanceof PendingDtype) return v.dtype ?? fail(`numpy dtype '${v.typestr}' was used before its state was set (BUILD)`);
  if (v instanceof PyGlobal) fail(`global '${v.qualname}' may only be called, not stored`);
  return v;
}

/** A tuple item (maybe a reduce argument or a state): dtypes and globals stay as they are. */
function unwrapArg(v: unknown): unknown {
  return v instanceof PendingArray ? unwrap(v) : v;
}

function dtypeOf(v: unknown, what: string): DType {
  const d = v instanceof PendingDtype ? v.dtype : null;
  if (!d) fail(`${what} must be a numpy dtype`);
  return d;
}

function asBytesArg(v: unknown, what: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  fail(`${what} must be bytes`);
}

/** Plain dtypes only: bool, int, uint, float, complex, bytes, str and object. */
function buildDtype(p: PendingDtype, state: unknown): DType {
  if (!Array.isArray(state) || state.length < 8) fail(`invalid state for numpy dtype '${p.typestr}'`);
  const [version, byteorder, subarray, names, fields] = state as unknown[];
  if (version !== 3) fail(`numpy dtype '${p.typestr}' (state version ${String(version)}) is not a plain dtype; only bool, int, uint, float, complex, S, U and object dtypes are supported`);
  if (subarray !== null || names !== null || fields !== null) fail(`structured or subarray numpy dtype '${p.typestr}' is not supported`);
  const kind = p.typestr[0];
  if (!"biufcSUO".includes(kind)) fail(`numpy dtype '${p.typestr}' is not supported`);
  const order = byteorder === ">" ? ">" : kind === "O" || kind === "S" || kind === "b" || /^[iu]1$/.test(p.typestr) ? "|" : "<";
  const spec = kind === "O" ? "|O" : kind === "b" ? "|b1" : order + p.typestr;
  try {
    return parseDtype(spec);
  } catch (e) {
    fail(`numpy dtype '${spec}': ${(e as Error).message}`);
  }
}

/** An NDArray from raw bytes in the dtype's stored byte order, C or F memory order. */
function arrayFromBytes(dt: DType, shape: number[], raw: Uint8Array, fortran: boolean): NDArray {
  const n = product(shape);
  if (raw.byteLength !== n * dt.itemsize) fail(`array data is ${raw.byteLength} bytes, expected ${n * dt.itemsize} for shape (${shape.join(", ")}) of '${dt.str}'`);
  const bytes = raw.slice();
  const w = swapWidth(dt);
  if (w) byteswapInPlace(bytes, w);
  return new NDArray(viewBytes(dt, bytes), shape, dt, fortran ? fStrides(shape) : undefined);
}

function scalarFrom(dt: DType, raw: Uint8Array): unknown {
  if (dt.kind === "O") fail("numpy object scalars are not supported");
  if (dt.kind === "U" || dt.kind === "S") {
    // numpy stores only the used length of a str_/bytes_ scalar; pad to the itemsize.
    const padded = new Uint8Array(Math.max(dt.itemsize, raw.byteLength));
    padded.set(raw);
    raw = padded;
  } else if (raw.byteLength !== dt.itemsize) fail(`numpy scalar of '${dt.str}' has ${raw.byteLength} bytes`);
  const v = decodeRawElement(dt, raw, 0);
  return typeof v === "bigint" ? safeInt(v) : v;
}

function toShape(v: unknown): number[] {
  if (!Array.isArray(v) || v.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 0)) fail(`invalid array shape ${String(v)}`);
  return v as number[];
}

/** Call one of the allowed globals. */
function callGlobal(g: PyGlobal, args: unknown[]): unknown {
  const name = g.name;
  if (g.module.startsWith("numpy")) {
    if (name === "_reconstruct") {
      if (!(args[0] instanceof PyGlobal) || args[0].qualname !== "numpy.ndarray") fail("_reconstruct may only build numpy.ndarray");
      return new PendingArray();
    }
    if (name === "dtype") {
      if (typeof args[0] !== "string") fail("numpy.dtype needs a type string");
      return new PendingDtype(args[0]);
    }
    if (name === "scalar") return scalarFrom(dtypeOf(args[0], "scalar's first argument"), asBytesArg(args[1], "scalar's data"));
    if (name === "_frombuffer") {
      const [buf, dt, shape, order] = args;
      return arrayFromBytes(dtypeOf(dt, "_frombuffer's dtype"), toShape(shape), asBytesArg(buf, "_frombuffer's buffer"), order === "F");
    }
  }
  if (name === "set" || name === "frozenset") {
    if (args.length > 1 || (args.length === 1 && !Array.isArray(args[0]))) fail(`${g.qualname} needs a list`);
    return new Set((args[0] as unknown[] | undefined) ?? []);
  }
  if (name === "bytearray" || name === "bytes" || name === "encode") {
    if (args.length === 0 && name !== "encode") return new Uint8Array(0);
    if (args[0] instanceof Uint8Array) return args[0].slice();
    if (typeof args[0] === "string" && (args[1] === "latin1" || args[1] === "latin-1")) {
      return Uint8Array.from(args[0], (ch) => (ch.charCodeAt(0) > 255 ? fail(`${g.qualname}: character beyond latin-1`) : ch.charCodeAt(0)));
    }
    fail(`${g.qualname} with these arguments is not supported`);
  }
  fail(`global '${g.qualname}' is not allowed`);
}

/** The state of `_reconstruct`'s array: (version, shape, dtype, is_fortran, data-or-list). */
function buildArray(p: PendingArray, state: unknown): void {
  if (!Array.isArray(state) || state.length !== 5) fail("invalid numpy array state");
  const [, shapeV, dtV, fortran, data] = state as unknown[];
  const shape = toShape(shapeV);
  const dt = dtypeOf(dtV, "array state's dtype");
  if (dt.kind === "O") {
    if (!Array.isArray(data) || data.length !== product(shape)) fail(`object array state must list ${product(shape)} elements`);
    // numpy lists object elements in C order whatever the memory order.
    p.value = new NDArray(data.slice(), shape, dt);
  } else {
    p.value = arrayFromBytes(dt, shape, asBytesArg(data, "array state's data"), fortran === true);
  }
}

/**
 * Unpickle `bytes` safely (see the module note for what is supported and how values map). No
 * code runs: the few allowed globals are interpreted, everything else is refused.
 * @throws {CodecError} naming the refused opcode or global, or describing the malformed input.
 * @example
 * unpickle(pythonPickleBytes); // e.g. NDArray of dtype |O for a numcodecs Pickle chunk
 */
export function unpickle(bytes: Uint8Array): unknown {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder("utf-8");
  let pos = 0;
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  const need = (n: number) => {
    if (n < 0 || pos + n > bytes.length) fail(`truncated pickle: need ${n} bytes at offset ${pos}`);
  };
  const u8 = () => (need(1), bytes[pos++]);
  const u32 = () => (need(4), (pos += 4), dv.getUint32(pos - 4, true));
  const u64 = () => (need(8), (pos += 8), Number(dv.getBigUint64(pos - 8, true))); // a huge length then fails `need`
  const take = (n: number) => (need(n), (pos += n), bytes.subarray(pos - n, pos));
  const pop = () => (stack.length ? stack.pop() : fail(`stack underflow at offset ${pos - 1}`));
  const popMark = (forTuple = false) => {
    const m = marks.pop();
    if (m === undefined) fail(`MARK expected before offset ${pos - 1}`);
    return stack.splice(m).map(forTuple ? unwrapArg : unwrap);
  };
  const top = () => (stack.length ? stack[stack.length - 1] : fail(`stack underflow at offset ${pos - 1}`));
  const long = (raw: Uint8Array) => {
    let v = 0n;
    for (let i = raw.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(raw[i]);
    if (raw.length && raw[raw.length - 1] & 0x80) v -= 1n << BigInt(raw.length * 8);
    return safeInt(v);
  };
  const setItems = (d: unknown, items: unknown[]) => {
    if (items.length % 2) fail("odd number of dict items");
    if (d instanceof Map) for (let i = 0; i < items.length; i += 2) d.set(items[i], items[i + 1]);
    else if (d !== null && typeof d === "object" && !Array.isArray(d)) {
      // Callers turn a dict with a non-string key into a Map first, so keys here are strings.
      for (let i = 0; i < items.length; i += 2) Object.defineProperty(d, items[i] as string, { value: items[i + 1], enumerable: true, writable: true, configurable: true });
    } else fail("SETITEM(S) on something that is not a dict");
  };
  const asDict = (items: unknown[]) => {
    const allStr = items.every((k, i) => i % 2 === 1 || typeof k === "string");
    const d: unknown = allStr ? {} : new Map();
    setItems(d, items);
    return d;
  };
  for (;;) {
    const at = pos;
    const op = u8();
    switch (op) {
      case 0x80: { const p = u8(); if (p < 2 || p > 5) fail(`pickle protocol ${p} is not supported (2 to 5 are)`); break; } // PROTO
      case 0x95: u64(); break; // FRAME: frames are just a hint for buffering
      case 0x2e: { // STOP
        if (stack.length !== 1) fail(`STOP with ${stack.length} items on the stack`);
        return unwrap(stack[0]);
      }
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const k = op === 0x68 ? u8() : u32();
        if (!memo.has(k)) fail(`memo key ${k} missing at offset ${at}`);
        stack.push(memo.get(k));
        break;
      }
      case 0x4e: stack.push(null); break;
      case 0x88: stack.push(true); break;
      case 0x89: stack.push(false); break;
      case 0x4a: need(4); stack.push(dv.getInt32(pos, true)); pos += 4; break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: need(2); stack.push(dv.getUint16(pos, true)); pos += 2; break; // BININT2
      case 0x8a: stack.push(long(take(u8()))); break; // LONG1
      case 0x8b: stack.push(long(take(u32()))); break; // LONG4
      case 0x47: need(8); stack.push(dv.getFloat64(pos, false)); pos += 8; break; // BINFLOAT
      case 0x8c: stack.push(utf8.decode(take(u8()))); break; // SHORT_BINUNICODE
      case 0x58: stack.push(utf8.decode(take(u32()))); break; // BINUNICODE
      case 0x8d: stack.push(utf8.decode(take(u64()))); break; // BINUNICODE8
      case 0x43: stack.push(take(u8()).slice()); break; // SHORT_BINBYTES
      case 0x42: stack.push(take(u32()).slice()); break; // BINBYTES
      case 0x8e: case 0x96: stack.push(take(u64()).slice()); break; // BINBYTES8, BYTEARRAY8
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x61: { const v = unwrap(pop()); const l = top(); if (!Array.isArray(l)) fail("APPEND to something that is not a list"); l.push(v); break; }
      case 0x65: { const vs = popMark(); const l = top(); if (!Array.isArray(l)) fail("APPENDS to something that is not a list"); l.push(...vs); break; }
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x74: stack.push(popMark(true)); break; // TUPLE
      case 0x85: stack.push([unwrapArg(pop())]); break;
      case 0x86: { const b = unwrapArg(pop()), a = unwrapArg(pop()); stack.push([a, b]); break; }
      case 0x87: { const c = unwrapArg(pop()), b = unwrapArg(pop()), a = unwrapArg(pop()); stack.push([a, b, c]); break; }
      case 0x7d: stack.push({}); break; // EMPTY_DICT
      case 0x64: stack.push(asDict(popMark())); break; // DICT
      case 0x73: case 0x75: { // SETITEM, SETITEMS
        const items = op === 0x73 ? (() => { const v = unwrap(pop()), k = unwrap(pop()); return [k, v]; })() : popMark();
        let d = top();
        if (!(d instanceof Map) && d !== null && typeof d === "object" && !Array.isArray(d) && items.some((k, i) => i % 2 === 0 && typeof k !== "string")) {
          // First non-string key: turn the dict into a Map (memo entries pointing at it follow).
          const m = new Map(Object.entries(d as object));
          for (const [k, v] of memo) if (v === d) memo.set(k, m);
          stack[stack.length - 1] = d = m;
        }
        setItems(d, items);
        break;
      }
      case 0x8f: stack.push(new Set()); break; // EMPTY_SET
      case 0x90: { const vs = popMark(); const s = top(); if (!(s instanceof Set)) fail("ADDITEMS to something that is not a set"); for (const v of vs) s.add(v); break; }
      case 0x91: stack.push(new Set(popMark())); break; // FROZENSET
      case 0x63: case 0x93: { // GLOBAL, STACK_GLOBAL
        let module: string, name: string;
        if (op === 0x63) {
          const line = () => {
            const end = bytes.indexOf(0x0a, pos);
            if (end < 0) fail("truncated GLOBAL");
            const s = utf8.decode(bytes.subarray(pos, end));
            pos = end + 1;
            return s;
          };
          module = line();
          name = line();
        } else {
          name = unwrap(pop()) as string;
          module = unwrap(pop()) as string;
          if (typeof name !== "string" || typeof module !== "string") fail("STACK_GLOBAL needs two strings");
        }
        const g = new PyGlobal(module, name);
        if (!ALLOWED.has(g.qualname)) {
          fail(`refusing to load global '${g.qualname}' (opcode ${OPCODE_NAMES[op]} at offset ${at}): only numpy arrays, dtypes and scalars, set, frozenset and bytearray can be unpickled safely`);
        }
        stack.push(g);
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const f = pop();
        if (!(f instanceof PyGlobal)) fail(`REDUCE at offset ${at} calls something that is not an allowed global`);
        if (!Array.isArray(args)) fail(`REDUCE at offset ${at}: arguments must be a tuple`);
        stack.push(callGlobal(f, args));
        break;
      }
      case 0x62: { // BUILD
        const state = unwrapArg(pop());
        const obj = top();
        if (obj instanceof PendingArray) buildArray(obj, state);
        else if (obj instanceof PendingDtype) obj.dtype = buildDtype(obj, state);
        else fail(`BUILD at offset ${at} on an object that is not a numpy array or dtype`);
        break;
      }
      default:
        fail(`opcode ${OPCODE_NAMES[op] ?? "0x" + op.toString(16).padStart(2, "0")} at offset ${at} is not supported`);
    }
  }
}
