// zeromq-rs public types, written by hand over the generated binding.d.ts.
/// <reference types="node" />

/** One frame of an outgoing message, as zeromq.js accepts it. `null` is an empty frame. */
export type MessageLike = ArrayBufferView | ArrayBuffer | SharedArrayBuffer | string | number | null

/** Errors from sockets carry the errno name in `code` (`EAGAIN`, `EBUSY`, `EBADF`, `EINVAL`...). */
export interface ZmqError extends Error {
  /** errno name, for example `EADDRINUSE`. */
  code: string
  /** errno number (Linux numbering; `EFSM` is libzmq's 156384763). */
  errno: number
  /** The endpoint of a failed `bind`/`connect`/`unbind`/`disconnect`. */
  address?: string
}

/** Options every socket has. Each is also a read/write property of the socket. */
export interface SocketOptions {
  /** ZMQ_SNDHWM: messages queued per peer before `send` waits; 0 is unlimited. Default 1000. */
  sendHighWaterMark?: number
  /** ZMQ_RCVHWM: messages queued per peer before reading from it pauses; 0 is unlimited. Default 1000. */
  receiveHighWaterMark?: number
  /** ZMQ_SNDTIMEO: ms a `send` may wait before rejecting with `EAGAIN`; -1 waits forever. Default -1. */
  sendTimeout?: number
  /** ZMQ_RCVTIMEO: ms a `receive` may wait before rejecting with `EAGAIN`; -1 waits forever. Default -1. */
  receiveTimeout?: number
  /**
   * ZMQ_LINGER: ms queued messages keep flowing after `close()` (or at process exit); -1 forever.
   * Default 1000 (zeromq.js: -1, which can hang Node at exit).
   */
  linger?: number
  /** ZMQ_RECONNECT_IVL: ms between reconnection attempts; -1 disables reconnection. Default 100. */
  reconnectInterval?: number
  /** ZMQ_RECONNECT_IVL_MAX: cap of the doubling reconnect backoff; 0 keeps the interval fixed. Default 0. */
  reconnectMaxInterval?: number
  /** ZMQ_HANDSHAKE_IVL: ms a new connection has to complete the ZMTP handshake; 0 no limit. Default 30000. */
  handshakeInterval?: number
  /** ZMQ_CONNECT_TIMEOUT: ms a TCP connect attempt may take; 0 uses the OS default. Default 0. */
  connectTimeout?: number
  /** ZMQ_MAXMSGSIZE: largest incoming message in bytes; a peer exceeding it is disconnected. -1 no limit. */
  maxMessageSize?: number
  /** ZMQ_IMMEDIATE: queue messages only to peers whose connection is complete. Default false. */
  immediate?: boolean
  /** ZMQ_BACKLOG: pending-connection queue length of tcp listeners. Default 100. */
  backlog?: number
}

/** The base of all socket classes. */
export declare abstract class Socket {
  /** Binds to `tcp://host:port` (`*` for all interfaces, port `*` or 0 for any) or `ipc://path` (`ipc://*`). */
  bind(address: string): Promise<void>
  /** Stops listening on an endpoint (as given to `bind` or as `lastEndpoint` reports it). */
  unbind(address: string): Promise<void>
  /** Connects in the background and returns at once; lost connections are re-established. */
  connect(address: string): void
  /** Stops connecting to an endpoint; messages queued for it are dropped. */
  disconnect(address: string): void
  /** Closes the socket. Pending operations reject with `EAGAIN`; queued messages flow for `linger` ms. */
  close(): void
  /** Whether `close()` was called. */
  readonly closed: boolean
  /** Whether a message can be received without waiting. */
  readonly readable: boolean
  /** Whether a message can be sent without waiting. */
  readonly writable: boolean
  /** The endpoint most recently bound, resolved (for example `tcp://127.0.0.1:41234`). */
  readonly lastEndpoint: string | null

  sendHighWaterMark: number
  receiveHighWaterMark: number
  sendTimeout: number
  receiveTimeout: number
  linger: number
  reconnectInterval: number
  reconnectMaxInterval: number
  handshakeInterval: number
  connectTimeout: number
  maxMessageSize: number
  immediate: boolean
  backlog: number
}

/** A socket that sends. */
export interface Writable {
  /**
   * Queues a message: one frame, or an array of frames (multipart). Resolves at once unless the
   * high-water mark is reached; then waits up to `sendTimeout` (rejecting with `EAGAIN`).
   * Rejects with `EBUSY` while an earlier send is still waiting.
   */
  send(message: MessageLike | MessageLike[]): Promise<void>
}

/** A socket that receives. */
export interface Readable {
  /** Resolves with the next message's frames. Rejects with `EBUSY` while another receive waits. */
  receive(): Promise<Buffer[]>
  /** Iterates over messages; the loop ends when the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<Buffer[], undefined>
}

/** PUSH (RFC 30): sends round-robin to connected PULL peers; never receives. */
export declare class Push extends Socket implements Writable {
  constructor(options?: SocketOptions)
  send(message: MessageLike | MessageLike[]): Promise<void>
}

/** PULL (RFC 30): receives fair-queued from connected PUSH peers; never sends. */
export declare class Pull extends Socket implements Readable {
  constructor(options?: SocketOptions)
  receive(): Promise<Buffer[]>
  [Symbol.asyncIterator](): AsyncIterator<Buffer[], undefined>
}

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
