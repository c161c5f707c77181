/**
 * The RxJS types zarrflow's signatures name. rxjs is an optional peer dependency: a project that
 * never installs it still type-checks zarrflow's declarations (`tsc --strict`, no `skipLibCheck`),
 * and there these names are `any`; with rxjs installed they are rxjs's own classes, so
 * `obs.pipe(rechunk(dst))` type-checks as usual. A hand-written declaration file (copied into
 * `dist/` by `npm run build`), because tsc drops the `@ts-ignore` lines from the declarations it
 * emits; it is the only place that names "rxjs" in a type position.
 * @module
 */
// @ts-ignore rxjs is an optional peer dependency: without it these names are `any`.
import type { Observable as RxObservable, Subject as RxSubject } from "rxjs";

/** rxjs's `Observable` (or `any` when rxjs is not installed). */
export type Observable<T> = RxObservable<T>;
/** rxjs's `Subject` (or `any` when rxjs is not installed). */
export type Subject<T> = RxSubject<T>;
/** The rxjs module's type, for the lazy loader. */
// @ts-ignore rxjs is an optional peer dependency.
export type RxJS = typeof import("rxjs");
