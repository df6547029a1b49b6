// zeromq-rs: the generated native binding, loaded once, with this JS environment's exit hook
// (sockets still open when it exits get `linger` ms to flush). binding.js (napi-rs's loader) looks
// for a local build (`zeromq-rs.<platform>.node`, from `npm run build` in a clone) and then for the
// prebuilt package of this platform (`zeromq-rs-<platform>`, an optional dependency); when neither
// is there, the error says what to do.
"use strict"

/** The napi-rs platform name of this machine, as in the package names (`linux-x64-gnu`). */
function platformName() {
  const { platform, arch } = process
  if (platform === "linux") {
    const report = typeof process.report?.getReport === "function" ? process.report.getReport() : null
    const glibc = report?.header?.glibcVersionRuntime !== undefined
    return `linux-${arch}-${glibc ? "gnu" : "musl"}`
  }
  if (platform === "win32") return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

function load() {
  try {
    return require("../binding.js")
  } catch (cause) {
    const name = platformName()
    const error = new Error(
      `zeromq-rs: no native addon for ${name}. Neither the prebuilt package zeromq-rs-${name} nor a ` +
        `local build (zeromq-rs.${name}.node) could be loaded. Reinstall with optional dependencies ` +
        `enabled (\`npm install\` without --omit=optional or --no-optional), or build from source: ` +
        `install Rust (https://rustup.rs), then run \`npm run build\` in a clone of zeromq-rs.`,
    )
    error.code = "ERR_ZEROMQ_RS_NO_ADDON"
    error.cause = cause
    throw error
  }
}

const native = load()

native.installExitHook()

/**
 * The per-message calls as plain functions taking a socket's `fastHandle()` first: a class
 * method call costs about 250 ns in napi-rs's bookkeeping, these about 30 (src/binding/fast.rs).
 */
const fast = native.fastFunctions()

module.exports = native
module.exports.fast = fast
