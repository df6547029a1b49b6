// A hand-driven ZMTP 3.x peer (NULL mechanism) that speaks a chosen minor version, for checking what
// our sockets put on the wire: greeting, READY, then frames decoded one by one (commands included).
// Connects to our bound socket (`WirePeer.connect`) or accepts our connection (`wireListener`).
import * as net from "node:net"
import { rawConnect, ready } from "./raw-peer"
import { Signal } from "./signal"

export { ready } from "./raw-peer"

export type Bytes = Buffer | string

function bytes(b: Bytes): Buffer {
  return typeof b === "string" ? Buffer.from(b, "latin1") : b
}

/** A 64-byte NULL greeting for ZMTP 3.`minor` (as-server 0). */
export function greetingOf(minor: 0 | 1): Buffer {
  const g = Buffer.alloc(64)
  g[0] = 0xff
  g[9] = 0x7f
  g[10] = 3
  g[11] = minor
  g.write("NULL", 12, "ascii")
  return g
}

function frameHeader(flags: number, length: number): Buffer {
  if (length <= 255) return Buffer.from([flags, length])
  const h = Buffer.alloc(9)
  h[0] = flags | 0x02
  h.writeBigUInt64BE(BigInt(length), 1)
  return h
}

/** A data frame (short or long form by size). */
export function dataFrame(body: Bytes, more = false): Buffer {
  const b = bytes(body)
  return Buffer.concat([frameHeader(more ? 0x01 : 0x00, b.length), b])
}

/** A command frame: name length, name, data (ZMTP 3.1 SUBSCRIBE/CANCEL carry the topic as data). */
export function commandFrame(name: string, data: Bytes = Buffer.alloc(0)): Buffer {
  const body = Buffer.concat([Buffer.from([name.length]), Buffer.from(name, "ascii"), bytes(data)])
  return Buffer.concat([frameHeader(0x04, body.length), body])
}

/** A ZMTP 3.0 subscription (or cancel, `on` false) as a data frame: 0x01/0x00 + topic. */
export function subscriptionFrame(topic: Bytes, on = true): Buffer {
  return dataFrame(Buffer.concat([Buffer.from([on ? 1 : 0]), bytes(topic)]))
}

export interface WireFrame {
  /** The flags byte as received. */
  flags: number
  command: boolean
  more: boolean
  /** Whether the size was sent as 8 bytes. */
  long: boolean
  body: Buffer
}

export interface Command {
  name: string
  data: Buffer
}

/** A command frame's name and data. */
export function decodeCommand(frame: WireFrame): Command {
  const n = frame.body[0] ?? 0
  return { name: frame.body.subarray(1, 1 + n).toString("latin1"), data: frame.body.subarray(1 + n) }
}

/** The properties of a READY command's data (name -> value as latin1). */
export function readyProperties(data: Buffer): Record<string, string> {
  const props: Record<string, string> = {}
  let i = 0
  while (i < data.length) {
    const n = data[i]
    const name = data.subarray(i + 1, i + 1 + n).toString("latin1")
    const len = data.readUInt32BE(i + 1 + n)
    props[name] = data.subarray(i + 5 + n, i + 5 + n + len).toString("latin1")
    i += 5 + n + len
  }
  return props
}

/** One raw ZMTP connection: bytes in, decoded as the test asks for them, each read bounded. */
export class WirePeer {
  private buf = Buffer.alloc(0)
  private readonly arrived = new Signal()
  private closed = false
  private error: Error | undefined

  constructor(readonly sock: net.Socket) {
    sock.on("data", (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk])
      this.arrived.notify()
    })
    sock.on("error", (err: Error) => {
      this.error = err
      this.arrived.notify()
    })
    sock.on("close", () => {
      this.closed = true
      this.arrived.notify()
    })
  }

  static async connect(endpoint: string): Promise<WirePeer> {
    return new WirePeer(await rawConnect(endpoint))
  }

  write(...chunks: Buffer[]): void {
    this.sock.write(Buffer.concat(chunks))
  }

  destroy(): void {
    this.sock.destroy()
  }

  /** Bytes received and not read yet. */
  get pending(): number {
    return this.buf.length
  }

  /** Waits until `n` bytes are buffered; rejects after `ms` or if the connection ends first. */
  private async need(n: number, ms: number, what: string): Promise<void> {
    await this.arrived.until(
      () => this.buf.length >= n,
      ms,
      () => new Error(`timed out after ${ms} ms waiting for ${what} (${this.buf.length} of ${n} bytes buffered)`),
      () =>
        this.closed || this.error
          ? new Error(`connection ${this.error ? `failed (${this.error.message})` : "closed"} while waiting for ${what}`)
          : undefined,
    )
  }

  private take(n: number): Buffer {
    const out = Buffer.from(this.buf.subarray(0, n))
    this.buf = this.buf.subarray(n)
    return out
  }

  /** The other side's 64-byte greeting. */
  async greeting(ms: number): Promise<Buffer> {
    await this.need(64, ms, "the greeting")
    return this.take(64)
  }

  /** The next frame, command or data. */
  async frame(ms: number, what = "a frame"): Promise<WireFrame> {
    const deadline = Date.now() + ms
    await this.need(2, ms, what)
    const flags = this.buf[0]
    const long = (flags & 0x02) !== 0
    const headLen = long ? 9 : 2
    await this.need(headLen, Math.max(1, deadline - Date.now()), what)
    const size = long ? Number(this.buf.readBigUInt64BE(1)) : this.buf[1]
    await this.need(headLen + size, Math.max(1, deadline - Date.now()), what)
    this.take(headLen)
    return { flags, command: (flags & 0x04) !== 0, more: (flags & 0x01) !== 0, long, body: this.take(size) }
  }

  /** The frames of the next message; a command in between is an error. */
  async message(ms: number, what = "a message"): Promise<WireFrame[]> {
    const deadline = Date.now() + ms
    const frames: WireFrame[] = []
    for (;;) {
      const f = await this.frame(Math.max(1, deadline - Date.now()), what)
      if (f.command) throw new Error(`a ${decodeCommand(f).name} command while reading ${what}`)
      frames.push(f)
      if (!f.more) return frames
    }
  }
}

export interface WireListener {
  /** `tcp://127.0.0.1:<port>` */
  endpoint: string
  /** The next connection made to the listener. */
  accept(ms: number): Promise<WirePeer>
  /** Stops listening and destroys every accepted connection. */
  close(): void
}

/** A TCP listener on an ephemeral port of 127.0.0.1 that hands over raw connections. */
export async function wireListener(): Promise<WireListener> {
  const accepted: WirePeer[] = []
  const queue: WirePeer[] = []
  const connected = new Signal()
  const server = net.createServer(sock => {
    const peer = new WirePeer(sock)
    accepted.push(peer)
    queue.push(peer)
    connected.notify()
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve())
  })
  const port = (server.address() as net.AddressInfo).port
  return {
    endpoint: `tcp://127.0.0.1:${port}`,
    async accept(ms: number): Promise<WirePeer> {
      await connected.until(
        () => queue.length > 0,
        ms,
        () => new Error(`timed out after ${ms} ms waiting for a connection`),
      )
      return queue.shift() as WirePeer
    },
    close(): void {
      server.close()
      for (const p of accepted) p.destroy()
    },
  }
}

/** Readable names of frames for assertion messages: `cmd:NAME:hex`, or hex data with `+` for more. */
export function show(frames: WireFrame[]): string[] {
  return frames.map(f =>
    f.command ? `cmd:${decodeCommand(f).name}:${decodeCommand(f).data.toString("hex")}` : `${f.body.toString("hex")}${f.more ? "+" : ""}`,
  )
}

/** Checks our side's greeting: signature, version 3.1 (what we advertise whatever the peer's), NULL. */
export function greetingProblems(g: Buffer): string[] {
  const problems: string[] = []
  if (g[0] !== 0xff || g[9] !== 0x7f) problems.push(`bad signature ${g.subarray(0, 10).toString("hex")}`)
  if (g[10] !== 3 || g[11] !== 1) problems.push(`version ${g[10]}.${g[11]}, not 3.1`)
  const mech = g.subarray(12, 32).toString("latin1").replace(/\0+$/, "")
  if (mech !== "NULL") problems.push(`mechanism ${JSON.stringify(mech)}, not NULL`)
  return problems
}
