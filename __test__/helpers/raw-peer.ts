// A hand-driven ZMTP peer over a raw net.Socket, for feeding our sockets hostile bytes.
import * as net from "node:net"

/** Our side's 64-byte ZMTP 3.1 NULL greeting. */
export function greeting(): Buffer {
  const g = Buffer.alloc(64)
  g[0] = 0xff
  g[9] = 0x7f
  g[10] = 3
  g[11] = 1
  g.write("NULL", 12, "ascii")
  return g
}

/** A READY command announcing `socketType`. */
export function ready(socketType: string): Buffer {
  const name = Buffer.from("Socket-Type")
  const value = Buffer.from(socketType)
  const len = Buffer.alloc(4)
  len.writeUInt32BE(value.length)
  const body = Buffer.concat([Buffer.from([5]), Buffer.from("READY"), Buffer.from([name.length]), name, len, value])
  return Buffer.concat([Buffer.from([0x04, body.length]), body])
}

/** A data frame header with an 8-byte length (which may be far more than will ever be sent). */
export function longHeader(length: bigint, more = false): Buffer {
  const h = Buffer.alloc(9)
  h[0] = 0x02 | (more ? 1 : 0)
  h.writeBigUInt64BE(length, 1)
  return h
}

/** Connects a raw socket to a `tcp://host:port` endpoint. */
export function rawConnect(endpoint: string): Promise<net.Socket> {
  const m = /^tcp:\/\/(.+):(\d+)$/.exec(endpoint)
  if (!m) throw new Error(`not a tcp endpoint: ${endpoint}`)
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(m[2]), m[1], () => resolve(sock))
    sock.on("error", reject)
  })
}

/** Resolves when the peer (our socket under test) closes the connection. */
export function closedByPeer(sock: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    sock.on("data", () => {})
    sock.on("error", () => resolve())
    sock.on("close", () => resolve())
  })
}
