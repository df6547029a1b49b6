// zeromq-rs: message conversion at the JS boundary. Outgoing frames are `MessageLike`s turned
// into bytes; incoming batches arrive packed in one Buffer (see src/binding/convert.rs) and are
// sliced here, so receiving costs no native allocation per message.
"use strict"

const SEPARATE = 0x80000000
const EMPTY = new Uint8Array(0)

/** Converts one `MessageLike` frame to bytes, as zeromq.js accepts them (but never "[object Object]"). */
function toFrame(part) {
  if (part instanceof Uint8Array) return part
  if (typeof part === "string") return Buffer.from(part, "utf8")
  if (ArrayBuffer.isView(part)) return new Uint8Array(part.buffer, part.byteOffset, part.byteLength)
  if (part instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && part instanceof SharedArrayBuffer)) {
    return new Uint8Array(part)
  }
  if (typeof part === "number") return Buffer.from(String(part), "utf8")
  if (part === null) return EMPTY
  if (part === undefined) throw new TypeError("Message must be present")
  throw new TypeError(
    "Message must be a Buffer, TypedArray, ArrayBuffer, string, number or null, not " + typeof part,
  )
}

/** Unpacks a native batch onto `queue`. */
function unpack(parts, queue) {
  const buf = parts[0]
  let separate = 1
  let off = 4
  const count = buf.readUInt32LE(0)
  for (let i = 0; i < count; i++) {
    const frames = buf.readUInt32LE(off)
    off += 4
    const msg = new Array(frames)
    for (let j = 0; j < frames; j++) {
      const len = buf.readUInt32LE(off)
      off += 4
      if (len === SEPARATE) {
        msg[j] = parts[separate++]
      } else {
        msg[j] = buf.subarray(off, off + len)
        off += len
      }
    }
    queue.push(msg)
  }
}

module.exports = { toFrame, unpack }
