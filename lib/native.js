// zeromq-rs: the generated native binding, loaded once, with this JS environment's exit hook
// (sockets still open when it exits get `linger` ms to flush).
"use strict"

const native = require("../binding.js")

native.installExitHook()

module.exports = native
