// zeromq-rs: the package entry. The surface lives in lib/ by concern: sockets (the classes),
// context, proxy, observer, library (version, capability), helpers (push()/pull()); this file
// only gathers the exports.
"use strict"

const sockets = require("./lib/sockets.js")
const { Context, context } = require("./lib/context.js")
const { version, capability, curveKeyPair } = require("./lib/library.js")
const { Proxy } = require("./lib/proxy.js")
const { Observer } = require("./lib/observer.js")
const helpers = require("./lib/helpers.js")

module.exports = {
  version,
  capability,
  curveKeyPair,
  context,
  Context,
  ...sockets,
  Proxy,
  Observer,
  push: helpers.push,
  pull: helpers.pull,
  close: helpers.close,
}
