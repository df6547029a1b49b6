// zeromq-rs: types of the security surface (lib/security.js): the PLAIN, CURVE and ZAP options
// every socket has, and the key utilities. index.d.ts re-exports this file.

/** A CURVE key: 40 characters of Z85 text, or the 32 raw bytes. */
export type CurveKey = string | Uint8Array

/**
 * Security options, settable in a socket's constructor options. As in libzmq, the option set
 * last selects the mechanism: `plainServer` or `plainUsername` PLAIN, `curveServer` or
 * `curveServerKey` CURVE. Changes apply to connections made afterwards.
 */
export interface SecurityOptions {
  /** ZMQ_PLAIN_SERVER: be a PLAIN server; clients' credentials go to the ZAP handler. */
  plainServer?: boolean
  /** ZMQ_PLAIN_USERNAME: be a PLAIN client with this user name (at most 255 bytes). */
  plainUsername?: string | Uint8Array | null
  /** ZMQ_PLAIN_PASSWORD: the PLAIN client's password (at most 255 bytes). */
  plainPassword?: string | Uint8Array | null
  /** ZMQ_CURVE_SERVER: be a CURVE server (needs `curveSecretKey`; `curvePublicKey` is derived if unset). */
  curveServer?: boolean
  /** ZMQ_CURVE_PUBLICKEY: this socket's long-term public key. `EINVAL` unless 40 Z85 characters or 32 bytes. */
  curvePublicKey?: CurveKey | null
  /** ZMQ_CURVE_SECRETKEY: this socket's long-term secret key. `EINVAL` unless 40 Z85 characters or 32 bytes. */
  curveSecretKey?: CurveKey | null
  /** ZMQ_CURVE_SERVERKEY: the server's public key; makes this socket a CURVE client. */
  curveServerKey?: CurveKey | null
  /** ZMQ_ZAP_DOMAIN: the domain named in ZAP requests (with NULL, setting one turns ZAP on). */
  zapDomain?: string | Uint8Array | null
}

/** The security properties of a socket (keys read back as Z85 text; unset values as null). */
export interface SecurityProperties {
  plainServer: boolean
  get plainUsername(): string | null
  set plainUsername(value: string | Uint8Array | null)
  get plainPassword(): string | null
  set plainPassword(value: string | Uint8Array | null)
  curveServer: boolean
  get curvePublicKey(): string | null
  set curvePublicKey(value: CurveKey | null)
  get curveSecretKey(): string | null
  set curveSecretKey(value: CurveKey | null)
  get curveServerKey(): string | null
  set curveServerKey(value: CurveKey | null)
  get zapDomain(): string | null
  set zapDomain(value: string | Uint8Array | null)
  /** The mechanism the options select: `null` (NULL), `"plain"` or `"curve"`. */
  readonly securityMechanism: null | "plain" | "curve"
}

/** A new CURVE key pair from the operating system's random source (Z85 text, 40 characters each). */
export declare function curveKeyPair(): { publicKey: string; secretKey: string }

/** The public key (Z85) of a CURVE secret key (40 Z85 characters or 32 bytes); `EINVAL` otherwise. */
export declare function curvePublicKey(secretKey: CurveKey): string

/** Z85 (RFC 32) text of `data`; `EINVAL` unless its length is a multiple of 4. */
export declare function z85Encode(data: string | Uint8Array): string

/** The bytes of Z85 text; `EINVAL` unless it is a multiple of 5 characters of the Z85 alphabet. */
export declare function z85Decode(text: string): Buffer
