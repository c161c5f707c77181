/**
 * Typed errors. Every error names the key, path or parameter at fault so a user can act on it.
 * @module
 */

/** Base class of every error zarrflow throws on purpose. */
export class ZarrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A key or path that is malformed or escapes the store root (`..`, absolute paths). */
export class InvalidKeyError extends ZarrError {}

/** A key that is not present in a store or group. */
export class KeyError extends ZarrError {}

/** No array at the given path. */
export class ArrayNotFoundError extends ZarrError {}

/** No group at the given path. */
export class GroupNotFoundError extends ZarrError {}

/** An array already exists at the given path. */
export class ContainsArrayError extends ZarrError {}

/** A group already exists at the given path. */
export class ContainsGroupError extends ZarrError {}

/** A write was attempted on a read-only array, group or store. */
export class ReadOnlyError extends ZarrError {}

/** A codec failed, is unknown, or was given bad configuration or corrupt bytes. */
export class CodecError extends ZarrError {}

/** An index or selection falls outside the array's bounds. */
export class BoundsCheckError extends ZarrError {}

/** A selection is malformed (wrong number of dimensions, bad step, unparsable string). */
export class IndexError extends ZarrError {}

/** Metadata (`.zarray`, `.zgroup`, `.zattrs`, `.zmetadata`) is missing fields or malformed. */
export class MetadataError extends ZarrError {}

/** A dtype string is unknown or malformed, or a value does not fit the dtype. */
export class DtypeError extends ZarrError {}

/** A shape, chunk shape or value shape is invalid or does not match. */
export class ShapeError extends ZarrError {}
