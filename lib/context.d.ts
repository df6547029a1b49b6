// zeromq-rs: types of contexts (lib/context.js). index.d.ts re-exports this file.

/** Options of `new Context()`; each is also a read/write property of the context. */
export interface ContextOptions {
  /**
   * ZMQ_IO_THREADS, 0 or more (`EINVAL` below). Stored and reported only: the engine runs one
   * I/O thread for the whole process, whatever any context says. Default 1.
   */
  ioThreads?: number
  /** ZMQ_MAX_SOCKETS, 1 to `maxSocketsLimit`: sockets of the context open at once; one more throws `EMFILE`. Default 1023. */
  maxSockets?: number
  /**
   * ZMQ_MAX_MSGSZ: the `maxMessageSize` new sockets of the context start with. Default
   * 2147483647, under which they keep their own default (-1, no limit).
   */
  maxMessageSize?: number
  /** ZMQ_IPV6: the `ipv6` new sockets of the context start with. Default false. */
  ipv6?: boolean
  /**
   * ZMQ_BLOCKY: false gives new sockets of the context `linger` 0 (nothing queued flows after
   * `close()` or at exit). Default true: the sockets' own default linger (1000 ms; zeromq.js: -1).
   */
  blocky?: boolean
}

/**
 * A group of sockets, as in zeromq.js: its options are defaults of its new sockets, and
 * `maxSockets` caps how many may be open at once. Unknown options and properties are TypeErrors.
 */
export declare class Context {
  constructor(options?: ContextOptions)
  ioThreads: number
  maxSockets: number
  /** ZMQ_SOCKET_LIMIT: the largest `maxSockets` accepted, 65535. */
  readonly maxSocketsLimit: number
  maxMessageSize: number
  ipv6: boolean
  blocky: boolean
}

/** The default context: sockets created without a `context` option belong to it. */
export declare const context: Context
