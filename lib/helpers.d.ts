// zeromq-rs: types of the push()/pull() helpers (lib/helpers.js). index.d.ts re-exports this file.
import type { MessageLike, SocketOptions } from "../index"

/** Options of the `push`/`pull` helpers: socket options plus the address. */
export interface HelperOptions extends SocketOptions {
  /**
   * Where to bind (`push`) or connect (`pull`). Defaults to `ZEROMQ_RS_ADDRESS`, else
   * `tcp://*:7777` for `push` and `tcp://localhost:7777` for `pull` (a `*` host in
   * `ZEROMQ_RS_ADDRESS` is read as `localhost` by `pull`). Only the first call's options count.
   */
  address?: string
}

/** A job: one frame or several (multipart), as `send` accepts them. */
export type Job = MessageLike | MessageLike[]

/**
 * Queues a job on the module-level PUSH socket, binding it on first use (concurrent first calls
 * bind once). Resolves as soon as the job is queued; jobs queued before any worker connects are
 * kept (up to `sendHighWaterMark`) and delivered once one does. Rejects with the bind error
 * (`EADDRINUSE`, `EINVAL`...) if the socket cannot bind.
 */
export declare const push: {
  (job: Job, options?: HelperOptions): Promise<void>
  /** Queues `value` as JSON text; `pull.json<T>()` reads it back typed. */
  json<T>(value: T, options?: HelperOptions): Promise<void>
}

/**
 * Consumes jobs from the module-level PULL socket, connecting it on first use. With a handler,
 * runs it on one job at a time and resolves when `close()` is called; without one, returns an
 * async iterable of jobs. Only one consumer may run at a time (`EBUSY`).
 */
export declare const pull: {
  (handler: (job: Buffer[]) => unknown, options?: HelperOptions): Promise<void>
  (options?: HelperOptions): AsyncIterableIterator<Buffer[]>
  /** Consumes jobs pushed with `push.json`, parsed as `T`. */
  json<T>(handler: (job: T) => unknown, options?: HelperOptions): Promise<void>
  json<T>(options?: HelperOptions): AsyncIterableIterator<T>
}

/**
 * Shuts the helpers down: queued pushes get up to `linger` ms to reach the socket (whose own
 * linger then applies), both sockets close, a running `pull` resolves, and the next `push` or
 * `pull` starts afresh.
 */
export declare function close(): Promise<void>
