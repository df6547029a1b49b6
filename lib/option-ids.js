// zeromq-rs: zeromq.js's protected option accessors by libzmq number (`getBoolOption(39)`) and its
// "Socket option will not take effect until next connect/bind." warning. Both map onto the named
// option properties, which remain the API to use.
"use strict"

const { zmqError } = require("./errors.js")

/** libzmq's ZMQ_* number of each option zeromq-rs has (zmq.h). */
const OPTION_NAMES = new Map([
  [4, "affinity"],
  [5, "routingId"],
  [8, "rate"],
  [9, "recoveryInterval"],
  [11, "sendBufferSize"],
  [12, "receiveBufferSize"],
  [17, "linger"],
  [18, "reconnectInterval"],
  [19, "backlog"],
  [21, "reconnectMaxInterval"],
  [22, "maxMessageSize"],
  [23, "sendHighWaterMark"],
  [24, "receiveHighWaterMark"],
  [25, "multicastHops"],
  [27, "receiveTimeout"],
  [28, "sendTimeout"],
  [33, "mandatory"],
  [34, "tcpKeepalive"],
  [35, "tcpKeepaliveCount"],
  [36, "tcpKeepaliveIdle"],
  [37, "tcpKeepaliveInterval"],
  [38, "tcpAcceptFilter"],
  [39, "immediate"],
  [42, "ipv6"],
  [51, "probeRouter"],
  [52, "correlate"],
  [53, "relaxed"],
  [54, "conflate"],
  [56, "handover"],
  [57, "typeOfService"],
  [66, "handshakeInterval"],
  [68, "socksProxy"],
  [69, "noDrop"],
  [71, "manual"],
  [72, "welcomeMessage"],
  [73, "notify"],
  [74, "invertMatching"],
  [75, "heartbeatInterval"],
  [76, "heartbeatTimeToLive"],
  [77, "heartbeatTimeout"],
  [79, "connectTimeout"],
  [80, "tcpMaxRetransmitTimeout"],
  [84, "multicastMaxTransportDataUnit"],
  [92, "interface"],
])

/** Options that act at once, as in zeromq.js's list (high-water marks apply to open connections too, as libzmq 4.2 on). */
const IMMEDIATE = new Set([
  "sendHighWaterMark",
  "receiveHighWaterMark",
  "linger",
  "mandatory",
  "probeRouter",
  "verbosity",
  "correlate",
  "relaxed",
  "handover",
  "sendTimeout",
  "receiveTimeout",
])

/** Warns, as zeromq.js does, when an option set now only applies to later connections. */
function warnUnlessImmediate(socket, name) {
  if (IMMEDIATE.has(name)) return
  if (socket._endpoints === 0 && !socket._binding) return
  process.emitWarning("Socket option will not take effect until next connect/bind.")
}

/** The property name of libzmq option `id` on `socket` (EINVAL if zeromq-rs has none). */
function nameOf(socket, id) {
  if (typeof id !== "number") throw new TypeError("Identifier must be a number")
  const name = OPTION_NAMES.get(id)
  if (name === undefined || !(name in socket)) throw zmqError("EINVAL", "Invalid argument")
  return name
}

/** Adds zeromq.js's numeric option accessors to `proto`. */
function defineAccessors(proto) {
  const pairs = {
    Bool: (v) => v,
    Int32: (v) => v,
    Uint32: (v) => v,
    Int64: (v) => v,
    Uint64: (v) => v,
    String: (v) => v,
  }
  for (const kind of Object.keys(pairs)) {
    Object.defineProperty(proto, `get${kind}Option`, {
      configurable: true,
      value(id) {
        return this[nameOf(this, id)]
      },
    })
    Object.defineProperty(proto, `set${kind}Option`, {
      configurable: true,
      value(id, value) {
        this[nameOf(this, id)] = value
      },
    })
  }
}

module.exports = { warnUnlessImmediate, defineAccessors }
