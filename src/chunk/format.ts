/**
 * Chunk formats: what surrounds the encoded payload in a stored chunk. Zarr v2 stores the codec
 * pipeline's output as is; N5 prefixes a header and may truncate edge chunks. The array reads and
 * writes chunks through a format so such layouts plug in without touching the read/write paths.
 * @module
 */

/** How stored chunk bytes map to codec payloads. */
export interface ChunkFormat {
  /** A short name for diagnostics (`"v2"`, `"n5"`). */
  readonly name: string;
  /**
   * Whether a native backend may take the stored bytes (or the stored file) as the codec payload
   * directly. True for raw v2 bytes; a format with a header must unwrap first.
   */
  readonly payloadIsStored: boolean;
  /** The codec payload inside stored bytes (`key` names the chunk in errors). */
  unwrap(stored: Uint8Array, key: string): Uint8Array;
  /** The stored bytes for a codec payload. */
  wrap(payload: Uint8Array): Uint8Array;
}

/** Zarr v2: the stored bytes are exactly the codec pipeline's output. */
export const rawV2Format: ChunkFormat = {
  name: "v2",
  payloadIsStored: true,
  unwrap: (stored) => stored,
  wrap: (payload) => payload,
};
