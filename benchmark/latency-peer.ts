// One side of the req→rep latency benchmark. "rep" binds a Reply, prints its endpoint and echoes
// until stdin closes; "req" connects a Request and times `count` round trips one at a time,
// printing one JSON line of percentiles in µs. Either library (same zeromq.js v6 API).

interface Duplex {
  bind(a: string): Promise<void>
  connect(a: string): void
  send(m: Buffer): Promise<void>
  receive(): Promise<Buffer[]>
  close(): void
  lastEndpoint: string | null
  linger: number
}
interface Lib {
  Request: new () => Duplex
  Reply: new () => Duplex
}

// The fourth argument is the message size, fixed at 16 B here (the C peer takes it too).
const [role, libName, address, , countText] = process.argv.slice(2)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lib: Lib = libName === "zeromq-rs" ? require("..") : require("zeromq")
const WARMUP = 2000

async function rep(): Promise<void> {
  const sock = new lib.Reply()
  sock.linger = 0
  await sock.bind(address)
  console.log(JSON.stringify({ endpoint: sock.lastEndpoint }))
  process.stdin.once("end", () => sock.close())
  process.stdin.resume()
  try {
    for (;;) {
      const [msg] = await sock.receive()
      await sock.send(msg)
    }
  } catch {
    // Closed: done.
  }
}

async function req(): Promise<void> {
  const count = Number(countText)
  const sock = new lib.Request()
  sock.linger = 0
  sock.connect(address)
  const payload = Buffer.alloc(16, 7)
  const times = new Float64Array(count)
  for (let i = 0; i < WARMUP + count; i++) {
    const start = process.hrtime.bigint()
    await sock.send(payload)
    await sock.receive()
    if (i >= WARMUP) times[i - WARMUP] = Number(process.hrtime.bigint() - start) / 1000
  }
  times.sort()
  const at = (q: number) => times[Math.min(count - 1, Math.floor(q * count))]
  const mean = times.reduce((a, b) => a + b, 0) / count
  console.log(JSON.stringify({ p50: at(0.5), p99: at(0.99), mean }))
  sock.close()
}

;(role === "rep" ? rep() : req()).catch((err) => {
  console.error(err)
  process.exit(1)
})
