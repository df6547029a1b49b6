// zeromq-rs: one small class per socket type, each the generic core plus the mixins its type
// needs. Option properties come from the engine's table: common ones on `Socket`, type-specific
// ones (`mandatory`, `relaxed`, ...) only on the classes whose type has them.
"use strict"

const native = require("./native.js")
const { newOnly } = require("./errors.js")
const { defineSecurityOptions } = require("./security.js")
const { Socket, TYPE, writable, readable, defineOption, defineRoutingId, routingIdBytes } = require("./socket.js")

/** A PAIR socket (RFC 31): exactly one peer; further peers wait until it leaves. */
class Pair extends readable(writable(Socket)) {
  constructor(options) {
    super(TYPE.pair, options)
  }
}

/** A REQ socket (RFC 28): sends a request, then receives its reply, strictly in turn. */
class Request extends readable(writable(Socket)) {
  constructor(options) {
    super(TYPE.req, options)
  }
}

/** A REP socket (RFC 28): receives a request, then sends its reply to whoever asked. */
class Reply extends readable(writable(Socket)) {
  constructor(options) {
    super(TYPE.rep, options)
  }
}

/** A DEALER socket (RFC 28): round-robins sends and fair-queues receives, with no envelope. */
class Dealer extends readable(writable(Socket)) {
  constructor(options) {
    super(TYPE.dealer, options)
  }
}

/** `connect`, where `options.routingId` names the peer for this socket's sends (ROUTER, STREAM). */
function connectNamed(socket, address, options) {
  if (typeof address !== "string") throw new TypeError("Address must be a string")
  if (options === undefined || options === null || options.routingId === undefined) {
    socket._native.connect(address)
    socket._endpoints++
    return
  }
  const id = routingIdBytes(options.routingId)
  socket._native.connect(address, id === null ? Buffer.alloc(0) : id)
  socket._endpoints++
}

/** A ROUTER socket (RFC 28): receives `[routingId, ...frames]`; `send([routingId, ...frames])` routes. */
class Router extends readable(writable(Socket)) {
  constructor(options) {
    super(TYPE.router, options)
  }

  /** Connects in the background; `options.routingId` names the peer for this socket's sends. */
  connect(address, options) {
    connectNamed(this, address, options)
  }
}

/**
 * A STREAM socket: raw TCP peers (no ZMTP), each named by a routing id. `receive()` yields
 * `[id, data]` (an empty `data` when the peer connects or disconnects, with `notify`);
 * `send([id, data])` writes `data` to that peer, and an empty `data` closes its connection.
 */
class Stream extends readable(writable(Socket)) {
  constructor(options) {
    super(TYPE.stream, options)
  }

  /** Connects in the background; `options.routingId` names the peer for this socket's sends. */
  connect(address, options) {
    connectNamed(this, address, options)
  }
}

/** Topics given to `subscribe`/`unsubscribe` as bytes: no topic (or null) means everything. */
function topics(list) {
  if (list.length === 0) return [Buffer.alloc(0)]
  return list.map((topic) => {
    if (topic === null) return Buffer.alloc(0)
    if (typeof topic === "string") return Buffer.from(topic, "utf8")
    if (topic instanceof Uint8Array) return topic
    throw new TypeError("Option value must be a string or buffer")
  })
}

/** Adds `subscribe(...topics)` and `unsubscribe(...topics)` to a socket class. */
function subscribing(Base) {
  return class extends Base {
    /** Receives messages whose first frame starts with one of `topics` (none: everything). */
    subscribe(...list) {
      for (const topic of topics(list)) this._native.subscribe(topic)
    }

    /** Removes one subscription to each of `topics` (none: the empty topic). */
    unsubscribe(...list) {
      for (const topic of topics(list)) this._native.unsubscribe(topic)
    }
  }
}

/** Adds the read-only `dropped` count to a publishing socket class. */
function counting(Base) {
  return class extends Base {
    /** Messages not delivered because a subscriber's queue was at its high-water mark. */
    get dropped() {
      return this._native.dropped
    }
  }
}

/** A PUB socket (RFC 29): sends each message to every subscriber whose subscriptions match it. */
class Publisher extends counting(writable(Socket)) {
  constructor(options) {
    super(TYPE.pub, options)
  }
}

/** A SUB socket (RFC 29): receives what it subscribed to from connected publishers. */
class Subscriber extends subscribing(readable(Socket)) {
  constructor(options) {
    // Nothing a subscriber queues is worth waiting for at close, as in zeromq.js.
    super(TYPE.sub, { linger: 0, ...options })
  }

  /** Not for subscribers: a TypeError (zeromq.js's pends forever). Use `subscribe`. */
  send(message) {
    if (message === undefined) throw new TypeError("Message must be present")
    throw new TypeError("A Subscriber cannot send; use subscribe() and unsubscribe()")
  }
}

/** An XPUB socket (RFC 29): a publisher that receives its subscribers' subscription messages. */
class XPublisher extends subscribing(counting(readable(writable(Socket)))) {
  constructor(options) {
    super(TYPE.xpub, options)
  }

  /** Which subscription messages `receive()` yields: null, "allSubs" or "allSubsUnsubs". */
  get verbosity() {
    return VERBOSITY[this._native.getOption("verbosity")]
  }

  set verbosity(value) {
    const level = VERBOSITY.indexOf(value)
    if (level < 0) throw new TypeError('Verbosity must be null, "allSubs" or "allSubsUnsubs"')
    this._native.setOption("verbosity", level)
  }
}

const VERBOSITY = [null, "allSubs", "allSubsUnsubs"]

/** An XSUB socket (RFC 29): subscribes by sending `[0x01, ...topic]`; receives what publishers send. */
class XSubscriber extends readable(writable(Socket)) {
  constructor(options) {
    super(TYPE.xsub, { linger: 0, ...options })
  }
}

/** A PULL socket (pipeline, RFC 30): fair-queues messages from connected PUSH sockets. */
class Pull extends readable(Socket) {
  constructor(options) {
    super(TYPE.pull, options)
  }
}

/** A PUSH socket (pipeline, RFC 30): round-robins messages to connected PULL sockets. */
class Push extends writable(Socket) {
  constructor(options) {
    super(TYPE.push, options)
  }
}

/** Each class by its type's wire name (the engine's option table names types so). */
const CLASSES = {
  PAIR: Pair,
  PUB: Publisher,
  SUB: Subscriber,
  XPUB: XPublisher,
  XSUB: XSubscriber,
  STREAM: Stream,
  REQ: Request,
  REP: Reply,
  DEALER: Dealer,
  ROUTER: Router,
  PULL: Pull,
  PUSH: Push,
}

for (const spec of native.optionTable()) {
  if (spec.only.length === 0) {
    defineOption(Socket.prototype, spec)
    continue
  }
  for (const wire of spec.only) {
    const Class = CLASSES[wire]
    // XPublisher's verbosity is a string property of its own (above).
    if (Class !== undefined && spec.name !== "verbosity") defineOption(Class.prototype, spec)
  }
}

for (const Class of [Request, Reply, Dealer, Router]) defineRoutingId(Class.prototype)
defineSecurityOptions(Socket.prototype)

module.exports = {
  Socket: newOnly(Socket),
  Pair: newOnly(Pair, true),
  Request: newOnly(Request, true),
  Reply: newOnly(Reply, true),
  Dealer: newOnly(Dealer, true),
  Router: newOnly(Router, true),
  Pull: newOnly(Pull, true),
  Push: newOnly(Push, true),
  Publisher: newOnly(Publisher, true),
  Subscriber: newOnly(Subscriber, true),
  XPublisher: newOnly(XPublisher, true),
  XSubscriber: newOnly(XSubscriber, true),
  Stream: newOnly(Stream, true),
}
