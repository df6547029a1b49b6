// zeromq-rs: the Proxy class. Messages move between the two sockets inside the engine (no JS
// hop per message); while it runs, both sockets refuse send/receive from JS with EBUSY.
"use strict"

const native = require("./native.js")
const { Socket } = require("./socket.js")
const { zmqError, newOnly } = require("./errors.js")

/** Checks one end given to `new Proxy`. */
function checkEnd(end, name) {
  if (end === null || typeof end !== "object") throw new TypeError(`${name} must be a socket object`)
  if (!(end instanceof Socket)) throw zmqError("EINVAL", "Invalid argument")
}

/** Forwards messages both ways between a front-end and a back-end socket (zmq_proxy_steerable). */
class Proxy {
  constructor(frontEnd, backEnd) {
    if (arguments.length > 2) throw new TypeError("Expected 2 arguments")
    checkEnd(frontEnd, "Front-end")
    checkEnd(backEnd, "Back-end")
    this._frontEnd = frontEnd
    this._backEnd = backEnd
    this._native = new native.BindingProxy(frontEnd._native, backEnd._native)
  }

  /** The front-end socket. */
  get frontEnd() {
    return this._frontEnd
  }

  /** The back-end socket. */
  get backEnd() {
    return this._backEnd
  }

  /** Forwards until `terminate()`; rejects EINVAL at once if an end is not bound or connected. */
  run() {
    let running
    try {
      running = this._native.run()
    } catch (err) {
      return Promise.reject(err)
    }
    const ends = [this._frontEnd, this._backEnd]
    for (const end of ends) end._proxied = true
    const done = () => {
      for (const end of ends) end._proxied = false
    }
    return running.then(done, (err) => {
      done()
      throw err
    })
  }

  /** Stops forwarding until `resume()` (messages wait in the sockets' queues). */
  pause() {
    this._native.pause()
  }

  /** Forwards again after `pause()`. */
  resume() {
    this._native.resume()
  }

  /** Stops the proxy and closes both sockets; `run()` then resolves. */
  terminate() {
    this._native.terminate()
  }
}

module.exports = { Proxy: newOnly(Proxy) }
