// Hostile-connection flood: a PULL socket (zeromq-rs or zeromq.js) in a child process is hit by
// waves of raw TCP connections that send a ZMTP greeting and READY, then a data frame header
// claiming 1 MiB followed by 60 KiB of it, and vanish. Reports the receiver's RSS before, at its
// peak and after the flood (after a GC): does the memory come back? `npm run bench:flood`.
import { fork } from "node:child_process"
import * as net from "node:net"
import * as path from "node:path"

const LIBS = ["zeromq-rs", "zeromq.js"] as const
const WAVES = 10
const PER_WAVE = 200
const PARTIAL = 60 * 1024

if (process.argv[2] === "target") {
  // The receiving side: reports its RSS when asked.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = process.argv[3] === "zeromq-rs" ? require("..") : require("zeromq")
  const gc = (globalThis as { gc?: () => void }).gc
  void (async () => {
    const pull = new lib.Pull()
    await pull.bind("tcp://127.0.0.1:*")
    void (async () => {
      for (;;) await pull.receive()
    })().catch(() => {})
    process.on("message", (m: string) => {
      if (m === "gc") gc?.()
      process.send!({ rss: process.memoryUsage().rss })
    })
    process.send!({ endpoint: pull.lastEndpoint })
  })()
} else {
  void main()
}

function greeting(): Buffer {
  const g = Buffer.alloc(64)
  g[0] = 0xff
  g[9] = 0x7f
  g[10] = 3
  g[11] = 1
  g.write("NULL", 12)
  return g
}

function ready(): Buffer {
  const name = Buffer.from("Socket-Type")
  const value = Buffer.from("PUSH")
  const body = Buffer.concat([
    Buffer.from([5]),
    Buffer.from("READY"),
    Buffer.from([name.length]),
    name,
    Buffer.from([0, 0, 0, value.length]),
    value,
  ])
  return Buffer.concat([Buffer.from([0x04, body.length]), body])
}

/** A long data frame header claiming 1 MiB, and `PARTIAL` bytes of it. */
function partialFrame(): Buffer {
  const header = Buffer.alloc(9)
  header[0] = 0x02
  header.writeBigUInt64BE(BigInt(1 << 20), 1)
  return Buffer.concat([header, Buffer.alloc(PARTIAL, 1)])
}

async function wave(port: number): Promise<void> {
  const payload = Buffer.concat([greeting(), ready(), partialFrame()])
  await Promise.all(
    Array.from(
      { length: PER_WAVE },
      () =>
        new Promise<void>((resolve) => {
          const s = net.connect(port, "127.0.0.1", () => {
            s.write(payload, () => setTimeout(() => s.destroy(), 20))
          })
          s.on("close", () => resolve())
          s.on("error", () => resolve())
        }),
    ),
  )
}

async function measure(lib: string): Promise<{ before: number; peak: number; after: number }> {
  const child = fork(__filename, ["target", lib], { execArgv: ["--import", "tsx", "--expose-gc"], cwd: __dirname })
  const replies: ((m: { rss: number }) => void)[] = []
  let endpoint!: (e: string) => void
  const bound = new Promise<string>((r) => (endpoint = r))
  child.on("message", (m: { endpoint?: string; rss?: number }) => {
    if (m.endpoint) endpoint(m.endpoint)
    else replies.shift()?.(m as { rss: number })
  })
  const rss = (msg: string) =>
    new Promise<number>((r) => {
      replies.push((m) => r(m.rss))
      child.send(msg)
    })
  const port = Number((await bound).split(":").pop())
  await new Promise((r) => setTimeout(r, 200))
  const before = await rss("gc")
  let peak = before
  for (let i = 0; i < WAVES; i++) {
    await wave(port)
    peak = Math.max(peak, await rss("peek"))
  }
  await new Promise((r) => setTimeout(r, 1000))
  const after = await rss("gc")
  child.kill()
  return { before, peak, after }
}

async function main(): Promise<void> {
  const mib = (n: number) => (n / 2 ** 20).toFixed(1)
  console.log(`| library | RSS before MiB | peak | after (1 s, GC) | after − before |`)
  console.log(`|---|---:|---:|---:|---:|`)
  for (const lib of LIBS) {
    const r = await measure(lib)
    console.log(`| ${lib} | ${mib(r.before)} | ${mib(r.peak)} | ${mib(r.after)} | ${mib(r.after - r.before)} |`)
  }
  console.log(
    `\n${WAVES} waves of ${PER_WAVE} connections, each a greeting, READY and ${PARTIAL / 1024} KiB of a frame claiming 1 MiB; ${path.basename(__filename)}`,
  )
}
