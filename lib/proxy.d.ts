// zeromq-rs: types of the Proxy (lib/proxy.js). index.d.ts re-exports this file.
import type { Socket } from "../index"

/**
 * Forwards messages both ways between two sockets inside the engine (no JS per message), as
 * zmq_proxy_steerable: Router/Dealer brokers, Pull/Push streamers. While it runs, the sockets'
 * own send/receive reject with `EBUSY`.
 */
export declare class Proxy<F extends Socket = Socket, B extends Socket = Socket> {
  constructor(frontEnd: F, backEnd: B)
  /** The front-end socket. */
  readonly frontEnd: F
  /** The back-end socket. */
  readonly backEnd: B
  /**
   * Forwards until `terminate()` (or until either socket closes), then resolves. Rejects `EINVAL`
   * ("Front-end socket must be bound or connected") when an end has no endpoint or is closed.
   */
  run(): Promise<void>
  /** Stops forwarding; messages wait in the sockets' queues (zeromq.js: no effect). `EBADF` when not running. */
  pause(): void
  /** Forwards again after `pause()`. `EBADF` when not running. */
  resume(): void
  /** Stops the proxy and closes both sockets; `run()` resolves. `EBADF` when not running. */
  terminate(): void
}
