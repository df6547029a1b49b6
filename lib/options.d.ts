// zeromq-rs: the options every socket has (lib/socket.js defines them from the engine's table).
// index.d.ts re-exports this file; its SocketOptions extends CommonSocketOptions.

/** Options every socket has. Each is also a read/write property of the socket. */
export interface CommonSocketOptions {
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
  /** ZMQ_SNDBUF: kernel send buffer of each connection in bytes; -1 uses the OS default. Default -1. */
  sendBufferSize?: number
  /** ZMQ_RCVBUF: kernel receive buffer of each connection in bytes; -1 uses the OS default. Default -1. */
  receiveBufferSize?: number
  /** ZMQ_TOS: IP type-of-service byte (DSCP/ECN) of tcp connections, 0–255. Default 0. */
  typeOfService?: number
  /** ZMQ_TCP_MAXRT: ms unacknowledged data may wait before the OS drops the connection (TCP_USER_TIMEOUT); 0 the OS default. */
  tcpMaxRetransmitTimeout?: number
  /**
   * ZMQ_IPV6: `tcp://*:port` binds every IPv6 and IPv4 interface and host names may resolve to
   * IPv6 addresses. Literal IPv6 addresses (`tcp://[::1]:port`) work either way. Default false.
   */
  ipv6?: boolean
  /**
   * ZMQ_SOCKS_PROXY: `host:port` of a SOCKS5 proxy (no authentication) that outgoing tcp
   * connections go through; host names in endpoints are passed to the proxy unresolved. Default null.
   */
  socksProxy?: string | Buffer | null
  /** ZMQ_BINDTODEVICE: network interface tcp sockets are bound to (Linux, needs root or CAP_NET_RAW). Default null. */
  interface?: string | Buffer | null
  /**
   * ZMQ_TCP_ACCEPT_FILTER: each value set (an IPv4 or IPv6 CIDR, or one address) adds a range that
   * accepted tcp connections must come from; `null` clears them. Reads back as the ranges joined by
   * `,` (zeromq.js throws). Default null: every address.
   */
  tcpAcceptFilter?: string | Buffer | null
  /** ZMQ_AFFINITY: I/O thread bitmask, 64 bits (0xffffffffffffffff, which JS rounds to 2^64, sets them all; above 2^53 it warns that low bits may be lost). Stored only: there is one I/O thread (as in zeromq.js's default context). Default 0. */
  affinity?: number
  /** ZMQ_RATE: multicast rate in kbit/s. Stored only: pgm/epgm are not supported (nor in zeromq.js's prebuilt libzmq). Default 100. */
  rate?: number
  /** ZMQ_RECOVERY_IVL: multicast recovery window in ms. Stored only (pgm/epgm). Default 10000. */
  recoveryInterval?: number
  /** ZMQ_MULTICAST_HOPS: multicast time-to-live. Stored only (pgm/epgm). Default 1. */
  multicastHops?: number
  /** ZMQ_MULTICAST_MAXTPDU: largest multicast transport data unit. Stored only (pgm/epgm). Default 1500. */
  multicastMaxTransportDataUnit?: number
  /** ZMQ_LOOPBACK_FASTPATH: a Windows loopback optimisation; ignored elsewhere, as by libzmq. Default false. */
  loopbackFastPath?: boolean
  /** ZMQ_HEARTBEAT_IVL: ms between the ZMTP PINGs sent on each connection; 0 sends none. Default 0. */
  heartbeatInterval?: number
  /**
   * ZMQ_HEARTBEAT_TTL: ms a peer should wait for traffic from this socket before dropping the
   * connection (sent in each PING, in deciseconds: up to 6553599). 0 asks for nothing. Default 0.
   */
  heartbeatTimeToLive?: number
  /** ZMQ_HEARTBEAT_TIMEOUT: ms of silence after a PING that drop the peer; -1 means `heartbeatInterval`. Default -1. */
  heartbeatTimeout?: number
  /** ZMQ_TCP_KEEPALIVE: SO_KEEPALIVE on tcp connections: 1 on, 0 off, -1 the OS default. Default -1. */
  tcpKeepalive?: number
  /** ZMQ_TCP_KEEPALIVE_CNT: unanswered keepalive probes before the OS drops the connection; -1 the OS default. */
  tcpKeepaliveCount?: number
  /** ZMQ_TCP_KEEPALIVE_IDLE: seconds idle before the first keepalive probe; -1 the OS default. */
  tcpKeepaliveIdle?: number
  /** ZMQ_TCP_KEEPALIVE_INTVL: seconds between keepalive probes; -1 the OS default. */
  tcpKeepaliveInterval?: number
}
