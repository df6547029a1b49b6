// zeromq-rs: the generated native binding, loaded once, with this JS environment's exit hook
// (sockets still open when it exits get `linger` ms to flush).
"use strict"

const native = require("../binding.js")

native.installExitHook()

/**
 * The per-message calls as plain functions taking a socket's `fastHandle()` first: a class
 * method call costs about 250 ns in napi-rs's bookkeeping, these about 30 (src/binding/fast.rs).
 */
const fast = native.fastFunctions()

module.exports = native
module.exports.fast = fast
