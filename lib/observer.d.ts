// zeromq-rs: types of socket events and the Observer (lib/observer.js). index.d.ts re-exports this file.
import type { ZmqError } from "../index"

/** A socket event type, as zeromq.js names them. */
export type EventType =
  | "accept"
  | "accept:error"
  | "bind"
  | "bind:error"
  | "connect"
  | "connect:delay"
  | "connect:retry"
  | "close"
  | "close:error"
  | "disconnect"
  | "end"
  | "handshake"
  | "handshake:error:protocol"
  | "handshake:error:auth"
  | "handshake:error:other"
  | "unknown"

/** One socket event. `address` is the endpoint (a bound one as resolved, a connected one as given). */
export interface SocketEvent {
  type: EventType
  address?: string
  /** `connect:retry`: ms until the next attempt. */
  interval?: number
  /**
   * The `*:error` events: an Error with `code` (an errno name, or `ERR_ZMTP_*` / `ERR_ZAP_*` for
   * protocol errors); `handshake:error:auth`'s has the ZAP `status` (300, 400, 500) instead.
   */
  error?: ZmqError & { status?: number }
}

/**
 * The events of one socket (`socket.events`): produced by the engine where they happen, recorded
 * only once observed. Ends with `{ type: "end" }` after the socket closes.
 */
export declare class Observer {
  /** Whether `close()` was called, or `end` was read. */
  readonly closed: boolean
  /** Resolves with the next event. `EBUSY` while another receive waits; `ENOTSOCK` once closed. */
  receive(): Promise<SocketEvent>
  /** Stops observing; a pending `receive()` rejects with `ENOTSOCK`. */
  close(): void
  /** Event-emitter mode: calls `listener` for every event of `type` (then `receive()` throws). */
  on(type: EventType, listener: (event: SocketEvent) => void): import("node:events").EventEmitter
  /** Removes a listener added with `on`. */
  off(type: EventType, listener: (event: SocketEvent) => void): import("node:events").EventEmitter | null
  [Symbol.asyncIterator](): AsyncIterator<SocketEvent, undefined>
}
