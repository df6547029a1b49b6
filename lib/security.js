// zeromq-rs: security for JS: the PLAIN/CURVE/ZAP option properties every socket has, the
// `securityMechanism` it reports, and the key utilities (`curveKeyPair`, `z85Encode`,
// `z85Decode`, `curvePublicKey`). The engine validates every value (EINVAL for a malformed key).
"use strict"

const native = require("./native.js")

/** The boolean options: each selects its mechanism, in the server role. */
const FLAGS = ["plainServer", "curveServer"]
/** The text options (credentials, ZAP domain): string, Buffer, or null to clear. */
const TEXTS = ["plainUsername", "plainPassword", "zapDomain"]
/** The keys: 40 Z85 characters or 32 raw bytes; read back as Z85 (null when unset). */
const KEYS = ["curvePublicKey", "curveSecretKey", "curveServerKey"]

/** Bytes of a text or key value (TypeError for anything but a string, bytes or null). */
function bytesOf(value) {
  if (value === null || value === undefined) return null
  if (typeof value === "string") return Buffer.from(value, "utf8")
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  throw new TypeError("Option value must be a string or buffer")
}

/** Defines the security option properties and `securityMechanism` on `proto`. */
function defineSecurityOptions(proto) {
  for (const name of FLAGS) {
    Object.defineProperty(proto, name, {
      enumerable: true,
      configurable: true,
      get() {
        return this._native.getSecurityOption(name)
      },
      set(value) {
        if (typeof value !== "boolean") throw new TypeError("Option value must be a boolean")
        this._native.setSecurityOption(name, value)
      },
    })
  }
  for (const name of [...TEXTS, ...KEYS]) {
    Object.defineProperty(proto, name, {
      enumerable: true,
      configurable: true,
      get() {
        const value = this._native.getSecurityOption(name)
        // As zeromq.js: an empty text reads as null.
        return value === "" ? null : value
      },
      set(value) {
        this._native.setSecurityOption(name, bytesOf(value))
      },
    })
  }
  // Not enumerable: a read-only status, like the class getters (`readable`, `lastEndpoint`).
  Object.defineProperty(proto, "securityMechanism", {
    enumerable: false,
    configurable: true,
    get() {
      return this._native.securityMechanism
    },
  })
}

/** A new CURVE key pair, `{ publicKey, secretKey }`, each 40 characters of Z85. */
function curveKeyPair() {
  const { publicKey, secretKey } = native.curveKeyPair()
  return { publicKey, secretKey }
}

/** Z85 (RFC 32) text of `data`, whose length must be a multiple of 4 (EINVAL otherwise). */
function z85Encode(data) {
  const bytes = bytesOf(data)
  if (bytes === null) throw new TypeError("Data must be a string or buffer")
  return native.z85Encode(bytes)
}

/** The bytes of Z85 `text` (EINVAL unless it is a multiple of 5 characters of the alphabet). */
function z85Decode(text) {
  if (typeof text !== "string") throw new TypeError("Text must be a string")
  return native.z85Decode(text)
}

/** The public key of a CURVE secret key (40 Z85 characters or 32 bytes), as Z85. */
function curvePublicKey(secretKey) {
  const bytes = bytesOf(secretKey)
  if (bytes === null) throw new TypeError("Secret key must be a string or buffer")
  return native.curvePublicKey(bytes)
}

module.exports = { defineSecurityOptions, curveKeyPair, z85Encode, z85Decode, curvePublicKey }
