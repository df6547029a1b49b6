// zeromq-rs: one small class per socket type, each the generic core plus the mixins its type
// needs. Option properties come from the engine's table: common ones on `Socket`, type-specific
// ones (`mandatory`, `relaxed`, ...) only on the classes whose type has them.
"use strict"

const native = require("./native.js")
const { newOnly } = require("./errors.js")
const { Socket, writable, readable, defineOption, defineRoutingId, routingIdBytes } = require("./socket.js")

/** A PAIR socket (RFC 31): exactly one peer; further peers wait until it leaves. */
class Pair extends readable(writable(Socket)) {
  constructor(options) {
    super("pair", options)
  }
}

/** A REQ socket (RFC 28): sends a request, then receives its reply, strictly in turn. */
class Request extends readable(writable(Socket)) {
  constructor(options) {
    super("req", options)
  }
}

/** A REP socket (RFC 28): receives a request, then sends its reply to whoever asked. */
class Reply extends readable(writable(Socket)) {
  constructor(options) {
    super("rep", options)
  }
}

/** A DEALER socket (RFC 28): round-robins sends and fair-queues receives, with no envelope. */
class Dealer extends readable(writable(Socket)) {
  constructor(options) {
    super("dealer", options)
  }
}

/** A ROUTER socket (RFC 28): receives `[routingId, ...frames]`; `send([routingId, ...frames])` routes. */
class Router extends readable(writable(Socket)) {
  constructor(options) {
    super("router", options)
  }

  /** Connects in the background; `options.routingId` names the peer for this socket's sends. */
  connect(address, options) {
    if (typeof address !== "string") throw new TypeError("Address must be a string")
    if (options === undefined || options === null || options.routingId === undefined) {
      this._native.connect(address)
      return
    }
    const id = routingIdBytes(options.routingId)
    this._native.connect(address, id === null ? Buffer.alloc(0) : id)
  }
}

/** A PULL socket (pipeline, RFC 30): fair-queues messages from connected PUSH sockets. */
class Pull extends readable(Socket) {
  constructor(options) {
    super("pull", options)
  }
}

/** A PUSH socket (pipeline, RFC 30): round-robins messages to connected PULL sockets. */
class Push extends writable(Socket) {
  constructor(options) {
    super("push", options)
  }
}

/** Each class by its type's wire name, with zeromq.js's numeric `type`. */
const CLASSES = {
  PAIR: [Pair, 0],
  REQ: [Request, 3],
  REP: [Reply, 4],
  DEALER: [Dealer, 5],
  ROUTER: [Router, 6],
  PULL: [Pull, 7],
  PUSH: [Push, 8],
}

for (const [Class, type] of Object.values(CLASSES)) {
  Object.defineProperty(Class.prototype, "type", { enumerable: true, configurable: true, value: type })
}

for (const spec of native.optionTable()) {
  if (spec.only.length === 0) {
    defineOption(Socket.prototype, spec)
    continue
  }
  for (const wire of spec.only) {
    const entry = CLASSES[wire]
    if (entry !== undefined) defineOption(entry[0].prototype, spec)
  }
}

for (const Class of [Request, Reply, Dealer, Router]) defineRoutingId(Class.prototype)

module.exports = {
  Socket: newOnly(Socket),
  Pair: newOnly(Pair),
  Request: newOnly(Request),
  Reply: newOnly(Reply),
  Dealer: newOnly(Dealer),
  Router: newOnly(Router),
  Pull: newOnly(Pull),
  Push: newOnly(Push),
}
