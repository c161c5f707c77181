/**
 * RxJS, loaded on first use. Importing rxjs costs ~14 MB of RSS and ~100 ms, which every program
 * importing zarrflow would pay even if it never touches an Observable. In Node, rxjs resolves to
 * the same CommonJS build for `import` and `require`, so objects made here are the ones user code
 * gets from `import { ... } from "rxjs"`.
 * @module
 */
import { requirePeer } from "../src/util/optional-peer.ts";
import type { RxJS } from "./rx-types.js";

let rx: RxJS | null = null;

/**
 * The rxjs module (loaded synchronously the first time). rxjs is an optional peer dependency: when
 * it is not installed this throws MissingPeerDependencyError.
 */
export function rxjs(): RxJS {
  return (rx ??= requirePeer<RxJS>("rxjs", "Observable support (zarrflow/streams)"));
}
