/**
 * The array API, re-exported from `src/array/` (split by concern: facade, chunk I/O, read, write,
 * advanced selections, fields, resize/append, info) for importers of the old single module.
 * @module
 */
export { ZarrArray, type ArrayOpenOptions, type GetOptions, type SetOptions, type ArrayValue, type AdvancedIndexer } from "./array/array.ts";
export { listKeys } from "./stores/list-keys.ts";
