/**
 * zarrflow/streams: arrays as streams of chunk blocks — free functions over arrays: `blocks(z)`,
 * `readable(z)`, `writable(z)` — and composable operators over them (`append`, `copy`, `resize`,
 * `rechunk`) that work as WHATWG transforms and RxJS operators.
 * @module
 */

export { blocks, normalizeRegion, chunkRegions, countChunks, subView, type Region } from "./blocks.ts";
export type { ArrayBlock, BlockInput, BlocksOptions, Progress, ReadableOptions, WritableOptions } from "./types.ts";
export { readable, writable } from "./whatwg.ts";
export { BlockWriter, KeyedQueue } from "./block-writer.ts";
export { makeOperator, rxThrough, fromReadable, toReadable, readableFrom, emitWithBackpressure, signalDemand, type ArrayOperator, type OperatorOptions, type OperatorContext } from "./operator.ts";
export { fromArray } from "./rx.ts";
export { append, type AppendInput, type AppendEvent, type AppendOptions } from "./append.ts";
export { copy, copyArray, resize, type CopyOptions } from "./copy.ts";
export {
  rechunk, rechunkArray, rechunkingPlan, consolidateChunks, RegionAssembler,
  type RechunkOptions, type RechunkOperatorOptions, type RechunkPlan, type RechunkResult, type RechunkStage,
} from "./rechunk.ts";
export { rechunkStatus, INCOMPLETE_KEY, type IncompleteMarker } from "./incomplete.ts";
export { storeLocation, type RechunkSourceIdentity } from "./rechunk-identity.ts";
export { abortError } from "./abort.ts";
