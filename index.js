// zeromq-rs: the package entry. The surface lives in lib/ by concern: sockets (the classes),
// proxy, helpers (push()/pull()); this file only gathers the exports.
"use strict"

const sockets = require("./lib/sockets.js")
const { Proxy } = require("./lib/proxy.js")
const { Observer } = require("./lib/observer.js")
const helpers = require("./lib/helpers.js")

module.exports = {
  ...sockets,
  Proxy,
  Observer,
  push: helpers.push,
  pull: helpers.pull,
  close: helpers.close,
}
