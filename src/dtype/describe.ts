/**
 * A safe one-line rendering of arbitrary values for error messages.
 * @module
 */
import { formatValue } from "../errors.ts";

/**
 * Render a value for an error message. `JSON.stringify` throws on a `bigint` and on cycles, and a
 * message that crashes while being built hides the real error, so every dtype, fill-value and codec
 * message goes through this instead. Long renderings are cut (to 120 characters unless `max` says
 * otherwise) so a 100,000-field dtype does not produce a megabyte of message. It is
 * {@link formatValue} with bigints written as JavaScript writes them (`2n`).
 * @example
 * describeValue({ big: 2n ** 70n }); // '{"big": 1180591620717411303424n}'
 */
export function describeValue(v: unknown, max = 120): string {
  return formatValue(v, max, "n");
}
