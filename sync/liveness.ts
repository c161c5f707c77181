/**
 * Which `worker_threads` of this process have stopped, known in every thread that loaded
 * zarrflow's sync module: the liveness that lets `ThreadSynchronizer` free the locks of a dead
 * worker however it was started.
 *
 * - Every thread that loads this module watches each Worker it creates afterwards
 *   (`process.on("worker")`, Node ≥ 16.2, emitted in the creating thread), so no user action is
 *   needed; `watchWorker` covers a Worker created earlier.
 * - A Worker's `exit` event fires only once its thread has stopped — after its sub-workers stopped
 *   too and after its in-flight libuv work (a native chunk encode-and-rename, an `fs` request) has
 *   finished — so the dead thread can no longer touch a chunk it had locked. No heartbeat: a live
 *   thread busy in a long synchronous step keeps its locks.
 * - Deaths (and parent → child edges, so that a worker terminated together with its parent is known
 *   dead too) go to every other thread on one unref'd `BroadcastChannel`; a thread whose channel
 *   opens late asks the others for what they know.
 * @module
 */
import { BroadcastChannel, threadId, type Worker } from "node:worker_threads";

/** Messages on the liveness channel. */
type Message =
  | { dead: number[] }
  | { edge: [parent: number, child: number] }
  | { hello: number }
  | { known: { dead: number[]; edges: [number, number][] } };

const CHANNEL = "zarrflow:thread-liveness";

/** Thread ids known to have stopped (Node never reuses a thread id within a process). */
const dead = new Set<number>();
/** Parent thread → its child threads still thought alive (a parent's death stops its children). */
const children = new Map<number, Set<number>>();
/** Called with newly dead thread ids, in this thread (ThreadSynchronizer frees their slots). */
const listeners = new Set<(ids: readonly number[]) => void>();
const watched = new WeakSet<Worker>();
let channel: BroadcastChannel | null = null;

function open(): BroadcastChannel {
  if (channel) return channel;
  const ch = new BroadcastChannel(CHANNEL);
  // The channel must never keep a thread (or the process) alive.
  (ch as unknown as { unref(): void }).unref();
  ch.onmessage = (e: unknown) => receive((e as { data: Message }).data);
  channel = ch;
  ch.postMessage({ hello: threadId } satisfies Message);
  return ch;
}

function post(m: Message): void {
  try {
    open().postMessage(m);
  } catch {
    // A closing thread cannot broadcast; the threads that see its exit will.
  }
}

function addEdge(parent: number, child: number): void {
  if (dead.has(parent)) {
    // The parent stopped before this edge arrived: its children stopped with it.
    markDead([child], false);
    return;
  }
  let set = children.get(parent);
  if (!set) children.set(parent, (set = new Set()));
  set.add(child);
}

function receive(m: Message): void {
  if ("dead" in m) markDead(m.dead, false);
  else if ("edge" in m) addEdge(m.edge[0], m.edge[1]);
  else if ("hello" in m) {
    if (m.hello === threadId || (dead.size === 0 && children.size === 0)) return;
    const edges: [number, number][] = [];
    for (const [p, cs] of children) for (const c of cs) edges.push([p, c]);
    post({ known: { dead: [...dead], edges } });
  } else if ("known" in m) {
    for (const [p, c] of m.known.edges) addEdge(p, c);
    markDead(m.known.dead, false);
  }
}

/** Record `ids` (and their descendants) as stopped, tell the local listeners and, if `announce`, the other threads. */
function markDead(ids: readonly number[], announce: boolean): void {
  const fresh: number[] = [];
  const stack = [...ids];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === threadId || dead.has(id)) continue;
    dead.add(id);
    fresh.push(id);
    const cs = children.get(id);
    if (cs) {
      stack.push(...cs);
      children.delete(id);
    }
  }
  for (const cs of children.values()) for (const id of fresh) cs.delete(id);
  if (fresh.length === 0) return;
  for (const l of listeners) l(fresh);
  if (announce) post({ dead: fresh });
}

/** Whether thread `id` is known (in this thread) to have stopped. */
export function isDeadThread(id: number): boolean {
  return dead.has(id);
}

/**
 * Declare thread `id` stopped: its descendants are too; listeners run here and every other
 * thread is told. Only for a thread whose `exit` event fired.
 */
export function declareDeadThread(id: number): void {
  markDead([id], true);
}

/** Run `fn` with the ids of threads found dead from now on (in this thread); opens the channel. */
export function onThreadDeath(fn: (ids: readonly number[]) => void): void {
  listeners.add(fn);
  open();
}

/**
 * Watch `worker` (idempotent): its `exit` declares it dead. Called for every Worker this thread
 * creates once this module is loaded; call it for one created earlier.
 */
export function watchWorker(worker: Worker): void {
  if (watched.has(worker)) return;
  watched.add(worker);
  const id = worker.threadId; // -1 once it has exited, so take it now
  if (id < 0) return;
  addEdge(threadId, id);
  post({ edge: [threadId, id] });
  worker.once("exit", () => declareDeadThread(id));
}

process.on("worker", (w: Worker) => watchWorker(w));
