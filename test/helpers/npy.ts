/**
 * A minimal `.npy` reader for fixtures: returns the header fields and the raw data bytes.
 * The data offset comes from the header length field (older numpy aligned to 16, not 64).
 */
import { readFileSync } from "node:fs";

export interface Npy {
  /** numpy dtype descr: a string like "<i4", or a list of [name, descr] pairs for structured dtypes. */
  descr: string | [string, string][];
  fortranOrder: boolean;
  shape: number[];
  /** Raw data bytes, in the file's memory order (F when fortranOrder). */
  data: Uint8Array;
}

export function parseNpy(buf: Uint8Array): Npy {
  const magic = String.fromCharCode(...buf.subarray(1, 6));
  if (buf[0] !== 0x93 || magic !== "NUMPY") throw new Error("not an .npy file");
  const major = buf[6];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder("latin1").decode(buf.subarray(headerStart, headerStart + headerLen));
  const data = buf.subarray(headerStart + headerLen);
  // The header is a Python dict literal; turn it into JSON.
  const json = header
    .trim()
    .replace(/'/g, '"')
    .replace(/\(/g, "[")
    .replace(/\)/g, "]")
    .replace(/True/g, "true")
    .replace(/False/g, "false")
    .replace(/,\s*]/g, "]")
    .replace(/,\s*}/g, "}");
  const h = JSON.parse(json);
  return { descr: h.descr, fortranOrder: h.fortran_order, shape: h.shape, data };
}

export function readNpy(path: string): Npy {
  return parseNpy(new Uint8Array(readFileSync(path)));
}
