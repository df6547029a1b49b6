// zeromq-rs public types, written by hand over the generated binding.d.ts.
/// <reference types="node" />
import type { CommonSocketOptions } from "./lib/options"
import type { SecurityOptions, SecurityProperties } from "./lib/security"
import type { Context } from "./lib/context"
import type { Observer } from "./lib/observer"

/** One frame of an outgoing message, as zeromq.js accepts it. `null` is an empty frame. */
export type MessageLike = ArrayBufferView | ArrayBuffer | SharedArrayBuffer | string | number | null

/** One frame of a received message. */
export type Message = Buffer

/** Errors from sockets carry the errno name in `code` (`EAGAIN`, `EBUSY`, `EBADF`, `EINVAL`...). */
export interface ZmqError extends Error {
  /** errno name, for example `EADDRINUSE`. */
  code: string
  /** errno number (Linux numbering; `EFSM` is libzmq's 156384763). */
  errno: number
  /** The endpoint of a failed `bind`/`connect`/`unbind`/`disconnect`. */
  address?: string
}

/**
 * Options every socket has (`CommonSocketOptions`, the security options, `context`). Each is also
 * a read/write property of the socket. The type parameter is accepted for zeromq.js
 * compatibility (`SocketOptions<Dealer>`) and unused.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export interface SocketOptions<_S = unknown> extends CommonSocketOptions {}

/** The option of Dealer, Pull and Push that keeps only the newest message. */
export interface ConflateOptions {
  /**
   * ZMQ_CONFLATE: each peer's incoming and outgoing queue keeps only its newest message (sends
   * never wait; high-water marks are ignored). Default false.
   */
  conflate?: boolean
}

/** The base of all socket classes. */
export declare abstract class Socket {
  /**
   * For subclasses, as in zeromq.js: `type` is the numeric socket type (see `type`; `EINVAL` for
   * another number, TypeError for a non-number). A direct subclass has the endpoint and option
   * methods only; extend a socket class (Dealer, Push, ...) for send and receive.
   */
  protected constructor(type: number, options?: SocketOptions)
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
  /** The socket type as zeromq.js numbers it: Pair 0, Publisher 1, Subscriber 2, Request 3, Reply 4, Dealer 5, Router 6, Pull 7, Push 8, XPublisher 9, XSubscriber 10, Stream 11. */
  readonly type: number

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
  sendBufferSize: number
  receiveBufferSize: number
  typeOfService: number
  tcpMaxRetransmitTimeout: number
  ipv6: boolean
  get socksProxy(): string | null
  set socksProxy(value: string | Buffer | null)
  get interface(): string | null
  set interface(value: string | Buffer | null)
  get tcpAcceptFilter(): string | null
  set tcpAcceptFilter(value: string | Buffer | null)
  affinity: number
  rate: number
  recoveryInterval: number
  multicastHops: number
  multicastMaxTransportDataUnit: number
  loopbackFastPath: boolean
  heartbeatInterval: number
  heartbeatTimeToLive: number
  heartbeatTimeout: number
  tcpKeepalive: number
  tcpKeepaliveCount: number
  tcpKeepaliveIdle: number
  tcpKeepaliveInterval: number
  /** Whether the socket may be used from several threads at once: always false, as in zeromq.js. */
  readonly threadSafe: boolean
  /**
   * The socket's events, recorded from the first access (the same Observer every time): iterate
   * it, `receive()` one at a time, or `on(type, listener)`. Throws `ENOTSOCK` on a closed socket
   * that was never observed.
   */
  readonly events: Observer
}

/** A socket that sends. */
export interface Writable {
  /**
   * Queues a message: one frame, or an array of frames (multipart). Resolves at once unless the
   * high-water mark is reached; then waits up to `sendTimeout` (rejecting with `EAGAIN`).
   * Rejects with `EBUSY` while an earlier send is still waiting. So that a loop of sends cannot
   * starve timers and I/O, one in 512 in a row (or the first after 1 ms of them), counted over
   * all sockets, resolves on the next event-loop turn instead (setImmediate), as in zeromq.js.
   */
  send(message: MessageLike | MessageLike[]): Promise<void>
  /**
   * zeromq-rs only: queues many messages in order (each one frame, or an array of frames), a run
   * of small ones packed into one native call. Resolves once all are queued; waits only at the
   * high-water mark, as `send` does for each. Frames of 1 KiB or more are lent as with `send`.
   * On an error (`EAGAIN` after `sendTimeout`, `EFSM`...) it rejects; the messages before the
   * failing one are queued. Rejects with `EBUSY` while a send waits.
   */
  sendMany(messages: Array<MessageLike | MessageLike[]>): Promise<void>
}

/** A socket that receives. */
export interface Readable {
  /**
   * Resolves with the next message's frames. Rejects with `EBUSY` while another receive waits.
   * Like `send`, one in 512 immediate results in a row (or the first after 1 ms of them) waits
   * for the next event-loop turn, so a receive loop lets timers and I/O run.
   */
  receive(): Promise<Message[]>
  /**
   * zeromq-rs only: resolves with the messages already received, 1 to `max` of them (default and
   * at most 1024), in the order `receive` would give them; waits only when there are none.
   * Rejects as `receive` does.
   */
  receiveMany(max?: number): Promise<Message[][]>
  /** Iterates over messages; the loop ends when the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<Message[], undefined>
}

/** The routing id option of REQ, REP, DEALER and ROUTER sockets. */
export interface RoutingIdOptions extends SocketOptions {
  /**
   * ZMQ_ROUTING_ID: the id a ROUTER peer sees for this socket, 1 to 255 bytes (`EINVAL`
   * otherwise). Read back as a UTF-8 string; `null` when not set (the ROUTER generates one).
   */
  routingId?: string | Buffer
}

/** Options of `Request`. */
export interface RequestOptions extends RoutingIdOptions {
  /** ZMQ_PROBE_ROUTER: send an empty message to each ROUTER peer on connect. Default false. */
  probeRouter?: boolean
  /** ZMQ_REQ_CORRELATE: tag requests with an id and drop replies that do not match. Default false. */
  correlate?: boolean
  /** ZMQ_REQ_RELAXED: allow a new request before the last reply (with `correlate`, the stale reply is dropped). Default false. */
  relaxed?: boolean
}

/** Options of `Dealer`. */
export interface DealerOptions extends RoutingIdOptions, ConflateOptions {
  /** ZMQ_PROBE_ROUTER: send an empty message to each ROUTER peer on connect. Default false. */
  probeRouter?: boolean
}

/** Options of `Router`. */
export interface RouterOptions extends RoutingIdOptions {
  /** ZMQ_ROUTER_MANDATORY: a send to an unknown routing id rejects with `EHOSTUNREACH` instead of being dropped. Default false. */
  mandatory?: boolean
  /** ZMQ_PROBE_ROUTER: send an empty message to each ROUTER peer on connect. Default false. */
  probeRouter?: boolean
  /** ZMQ_ROUTER_HANDOVER: a peer connecting with a routing id in use takes it over. Default false: the first keeps it. */
  handover?: boolean
}

/** Options of `Router.connect`. */
export interface RouterConnectOptions {
  /** The routing id this ROUTER addresses the peer by (1 to 255 bytes). */
  routingId?: string | Buffer
}

/** PUSH (RFC 30): sends round-robin to connected PULL peers; never receives. */
export declare class Push extends Socket implements Writable {
  constructor(options?: SocketOptions & ConflateOptions)
  conflate: boolean
  send(message: MessageLike | MessageLike[]): Promise<void>
  sendMany(messages: Array<MessageLike | MessageLike[]>): Promise<void>
}

/** PULL (RFC 30): receives fair-queued from connected PUSH peers; never sends. */
export declare class Pull extends Socket implements Readable {
  constructor(options?: SocketOptions & ConflateOptions)
  conflate: boolean
  receive(): Promise<Message[]>
  receiveMany(max?: number): Promise<Message[][]>
  [Symbol.asyncIterator](): AsyncIterator<Message[], undefined>
}

/** A socket that both sends and receives. */
declare abstract class Duplex extends Socket implements Readable, Writable {
  send(message: MessageLike | MessageLike[]): Promise<void>
  sendMany(messages: Array<MessageLike | MessageLike[]>): Promise<void>
  receive(): Promise<Message[]>
  receiveMany(max?: number): Promise<Message[][]>
  [Symbol.asyncIterator](): AsyncIterator<Message[], undefined>
}

/**
 * PAIR (RFC 31): exactly one peer. Further peers are refused while it is connected and let in
 * once it leaves (zeromq.js never serves them).
 */
export declare class Pair extends Duplex {
  constructor(options?: SocketOptions)
}

/**
 * REQ (RFC 28): sends a request (round-robin over peers), then receives its reply. A second
 * `send()` before the reply rejects `EFSM` (unless `relaxed`), and so does `receive()` before
 * any `send()` (zeromq.js leaves that pending forever).
 */
export declare class Request extends Duplex {
  constructor(options?: RequestOptions)
  routingId: string | null
  probeRouter: boolean
  correlate: boolean
  relaxed: boolean
}

/**
 * REP (RFC 28): receives a request (fair-queued), then sends the reply back to whoever asked,
 * along its whole envelope. `send()` before `receive()` rejects `EFSM`; a reply to a peer that
 * has gone is dropped.
 */
export declare class Reply extends Duplex {
  constructor(options?: RoutingIdOptions)
  routingId: string | null
}

/** DEALER (RFC 28): round-robin sends, fair-queued receives, no envelope. */
export declare class Dealer extends Duplex {
  constructor(options?: DealerOptions)
  routingId: string | null
  probeRouter: boolean
  conflate: boolean
}

/**
 * ROUTER (RFC 28): `receive()` yields `[routingId, ...frames]`; `send([routingId, ...frames])`
 * routes to that peer. Generated ids are 5 bytes (0x00, then a counter). Unroutable messages are
 * dropped, or rejected with `EHOSTUNREACH` under `mandatory`.
 */
export declare class Router extends Duplex {
  constructor(options?: RouterOptions)
  routingId: string | null
  mandatory: boolean
  probeRouter: boolean
  handover: boolean
  /** Connects in the background; `options.routingId` names the peer for this socket's sends. */
  connect(address: string, options?: RouterConnectOptions): void
}

/** Options of `Publisher`. */
export interface PublisherOptions extends SocketOptions, ConflateOptions {
  /**
   * ZMQ_XPUB_NODROP: a send that would drop a message for a subscriber at its high-water mark
   * waits instead, up to `sendTimeout`, then rejects `EAGAIN` (zeromq.js rejects at once). Default false.
   */
  noDrop?: boolean
  /** ZMQ_INVERT_MATCHING: send each message to the subscribers whose subscriptions do NOT match it. Default false. */
  invertMatching?: boolean
}

/** Options of `Subscriber`. */
export interface SubscriberOptions extends SocketOptions, ConflateOptions {
  /** ZMQ_INVERT_MATCHING: receive the messages that do NOT match the subscriptions (set it on the publisher too). Default false. */
  invertMatching?: boolean
}

/** Options of `XPublisher`. */
export interface XPublisherOptions extends SocketOptions {
  /** ZMQ_XPUB_NODROP, as on `Publisher`. Default false. */
  noDrop?: boolean
  /** ZMQ_INVERT_MATCHING, as on `Publisher`. Default false. */
  invertMatching?: boolean
  /**
   * Which subscription messages `receive()` yields: `null` (a topic's first subscription and last
   * unsubscription across all subscribers), `"allSubs"` (every subscription; ZMQ_XPUB_VERBOSE),
   * `"allSubsUnsubs"` (every subscription and unsubscription; ZMQ_XPUB_VERBOSER). Default null.
   */
  verbosity?: null | "allSubs" | "allSubsUnsubs"
  /**
   * ZMQ_XPUB_MANUAL: subscriptions are only reported; they apply when the application calls
   * `subscribe`/`unsubscribe` on this socket (for the subscriber heard from last). Default false.
   */
  manual?: boolean
  /** ZMQ_XPUB_WELCOME_MSG: a message every new subscriber receives first. Default null. */
  welcomeMessage?: string | Buffer | null
}

/**
 * PUB (RFC 29): sends each message to every subscriber whose subscriptions match its first frame;
 * filtering happens here, so unwanted messages never reach the wire. Sending never waits or fails
 * for want of subscribers; a subscriber at its high-water mark misses messages (see `dropped`).
 */
export declare class Publisher extends Socket implements Writable {
  constructor(options?: PublisherOptions)
  send(message: MessageLike | MessageLike[]): Promise<void>
  sendMany(messages: Array<MessageLike | MessageLike[]>): Promise<void>
  noDrop: boolean
  conflate: boolean
  invertMatching: boolean
  /** Messages not delivered because a subscriber's queue was at its high-water mark (zeromq-rs only). */
  readonly dropped: number
}

/**
 * SUB (RFC 29): receives the messages it subscribed to. Subscriptions made before `connect()` or
 * before a publisher is up are sent on every (re)connection. Default `linger` 0, as in zeromq.js.
 */
export declare class Subscriber extends Socket implements Readable {
  constructor(options?: SubscriberOptions)
  /** Receives messages whose first frame starts with one of `topics`; none (or null) means everything. Counted: each call needs its `unsubscribe`. */
  subscribe(...topics: Array<string | Buffer | null>): void
  /** Removes one subscription to each of `topics`; none means the empty topic. */
  unsubscribe(...topics: Array<string | Buffer | null>): void
  receive(): Promise<Message[]>
  receiveMany(max?: number): Promise<Message[][]>
  [Symbol.asyncIterator](): AsyncIterator<Message[], undefined>
  conflate: boolean
  invertMatching: boolean
}

/**
 * XPUB (RFC 29): a Publisher whose `receive()` yields its subscribers' subscription messages,
 * `[0x01, ...topic]` and `[0x00, ...topic]` (also when a subscriber leaves), and any other
 * message an XSubscriber sends up.
 */
export declare class XPublisher extends Duplex {
  constructor(options?: XPublisherOptions)
  /** With `manual`: applies a subscription for the subscriber heard from last (`EFSM` if none). */
  subscribe(...topics: Array<string | Buffer | null>): void
  /** With `manual`: removes one for the subscriber heard from last. */
  unsubscribe(...topics: Array<string | Buffer | null>): void
  noDrop: boolean
  invertMatching: boolean
  verbosity: null | "allSubs" | "allSubsUnsubs"
  manual: boolean
  get welcomeMessage(): string | null
  set welcomeMessage(value: string | Buffer | null)
  /** Messages not delivered because a subscriber's queue was at its high-water mark (zeromq-rs only). */
  readonly dropped: number
}

/**
 * XSUB (RFC 29): subscribes by sending `[0x01, ...topic]` (unsubscribes with `0x00`); other
 * messages it sends go up to the publishers; receives whatever its publishers send (they filter),
 * as libzmq's XSUB does. Default `linger` 0.
 */
export declare class XSubscriber extends Duplex {
  constructor(options?: SocketOptions)
}

/** Options of `Stream`. */
export interface StreamOptions extends SocketOptions {
  /** ZMQ_STREAM_NOTIFY: report each connection and disconnection as `[id, <empty>]`. Default true. */
  notify?: boolean
}

/** Options of `Stream.connect`. */
export interface StreamConnectOptions {
  /** The routing id this socket addresses the peer by (1 to 255 bytes). */
  routingId?: string | Buffer
}

/**
 * STREAM: raw TCP peers, no ZMTP (an HTTP server or client, say), each named by a routing id.
 * `receive()` yields `[id, data]`, with an empty `data` when a peer connects or disconnects
 * (`notify`); `send([id, data])` writes to that peer (`EHOSTUNREACH` for an unknown id), and an
 * empty `data` closes its connection.
 */
export declare class Stream extends Duplex {
  constructor(options?: StreamOptions)
  notify: boolean
  /** Connects in the background; `options.routingId` names the peer for this socket's sends. */
  connect(address: string, options?: StreamConnectOptions): void
}

// ---- Context, version, capability ------------------------------------------------------------

export * from "./lib/options"
export * from "./lib/observer"
export * from "./lib/proxy"
export * from "./lib/context"
export * from "./lib/helpers"

// eslint-disable-next-line @typescript-eslint/no-unused-vars
export interface SocketOptions<_S = unknown> {
  /** The context the socket belongs to (`EINVAL` if not a Context). Default: `context`. */
  context?: Context
}

export interface Socket {
  /** The context the socket belongs to: `options.context`, else the default `context`. */
  readonly context: Context
}

/**
 * The libzmq version whose behaviour the engine reproduces, "4.3.5" (the libzmq zeromq.js 6
 * bundles), so version checks written for zeromq.js hold. Not this package's version.
 */
export declare const version: string

/** Transports and features available, under zeromq.js's keys (plus `inproc`). */
export declare const capability: {
  readonly ipc: boolean
  readonly pgm: boolean
  readonly tipc: boolean
  readonly norm: boolean
  readonly curve: boolean
  readonly gssapi: boolean
  readonly draft: boolean
  readonly inproc: boolean
}

export * from "./lib/security"

// eslint-disable-next-line @typescript-eslint/no-unused-vars
export interface SocketOptions<_S = unknown> extends SecurityOptions {}

export interface Socket extends SecurityProperties {}
