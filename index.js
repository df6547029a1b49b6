// zeromq-rs: the package entry. The surface lives in lib/ by concern: sockets (the classes),
// context, proxy, observer, library (version, capability), security (keys, Z85), helpers
// (push()/pull()); this file only gathers the exports.
"use strict"

const sockets = require("./lib/sockets.js")
const { Context, context } = require("./lib/context.js")
const { version, capability } = require("./lib/library.js")
const { curveKeyPair, curvePublicKey, z85Encode, z85Decode } = require("./lib/security.js")
const { Proxy } = require("./lib/proxy.js")
const { Observer } = require("./lib/observer.js")
const helpers = require("./lib/helpers.js")

module.exports = {
  version,
  capability,
  curveKeyPair,
  curvePublicKey,
  z85Encode,
  z85Decode,
  context,
  Context,
  ...sockets,
  Proxy,
  Observer,
  push: helpers.push,
  pull: helpers.pull,
  close: helpers.close,
}
