// One process of the pub/sub benchmark (benchmark/pubsub.ts starts them). Either library, one
// code path (same zeromq.js v6 API); prints JSON lines on stdout, takes commands on stdin.
//   fan-pub <lib> <size> <count>: binds a Publisher on tcp://127.0.0.1:*, prints its endpoint,
//     sends warm-ups until stdin says `go`, then <count> data messages of <size> bytes as fast as
//     `await send()` allows, then END markers until stdin says `stop`.
//   fan-sub <lib> <endpoint>: subscribes to everything, prints `ready` on its first message, counts
//     data messages until END; prints the count and first/last receive times (wall clock, ms).
//   sj-pub <lib> <count> <subscribers>: binds a Publisher and a Reply (zguide syncpub), sends
//     Hellos until <subscribers> have synced, then <count> × Rhubarb and END; waits for `stop`.
//   sj-sub <lib> <pub endpoint> <sync endpoint>: subscribes, syncs after its first Hello, counts
//     updates until END; prints the count and END's receive time.
import { performance } from "node:perf_hooks"

interface Sock {
  bind(a: string): Promise<void>
  connect(a: string): void
  send(m: Buffer | string): Promise<void>
  receive(): Promise<Buffer[]>
  close(): void
  lastEndpoint: string | null
  linger: number
}
interface Options {
  linger?: number
  sendHighWaterMark?: number
  receiveHighWaterMark?: number
}
interface Lib {
  Publisher: new (o?: Options) => Sock & { dropped?: number }
  Subscriber: new (o?: Options) => Sock & { subscribe(...topics: string[]): void }
  Request: new (o?: Options) => Sock
  Reply: new (o?: Options) => Sock
}

const [role, libName, ...args] = process.argv.slice(2)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lib: Lib = libName === "zeromq-rs" ? require("..") : require("zeromq")
const ours = libName === "zeromq-rs"

/** Wall clock in ms with sub-ms precision, comparable across processes. */
const now = () => performance.timeOrigin + performance.now()
const print = (line: Record<string, unknown>) => console.log(JSON.stringify(line))
const maxRssKiB = () => process.resourceUsage().maxRSS
const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Lines from the orchestrator on stdin; `command(name)` resolves when that line arrives. */
const commands = new Map<string, () => void>()
const seen = new Set<string>()
let stdinText = ""
function command(name: string): Promise<void> {
  if (seen.has(name)) return Promise.resolve()
  return new Promise((resolve) => commands.set(name, resolve))
}
function listen(): void {
  process.stdin.on("data", (chunk: Buffer) => {
    stdinText += chunk.toString()
    let nl
    while ((nl = stdinText.indexOf("\n")) >= 0) {
      const line = stdinText.slice(0, nl).trim()
      stdinText = stdinText.slice(nl + 1)
      seen.add(line)
      commands.get(line)?.()
    }
  })
}

const WARMUP = Buffer.from("W")
const END = Buffer.from("END")

async function fanPub(): Promise<void> {
  const size = Number(args[0])
  const count = Number(args[1])
  listen()
  const pub = new lib.Publisher({ linger: 0 })
  await pub.bind("tcp://127.0.0.1:*")
  print({ endpoint: pub.lastEndpoint })

  // Warm-ups until every subscriber has one (the orchestrator then says `go`); a tick between
  // sends lets stdin in.
  let go = false
  void command("go").then(() => (go = true))
  let warmups = 0
  while (!go) {
    await pub.send(WARMUP)
    warmups++
    await tick()
  }

  const data = Buffer.alloc(size, "D")
  const droppedBefore = pub.dropped ?? 0
  const started = now()
  for (let i = 0; i < count; i++) await pub.send(data)
  const sent = now()
  const dropped = ours ? (pub.dropped ?? 0) - droppedBefore : undefined

  // END markers until every subscriber has one (they are dropped, too, at a full queue).
  let stop = false
  void command("stop").then(() => (stop = true))
  let ends = 0
  while (!stop) {
    await pub.send(END)
    ends++
    await tick()
  }
  pub.close()
  process.stdin.destroy()
  print({ started, sent, sendSeconds: (sent - started) / 1000, warmups, ends, publisherDropped: dropped, maxRssKiB: maxRssKiB() })
}

async function fanSub(): Promise<void> {
  const sub = new lib.Subscriber({ linger: 0 })
  sub.connect(args[0])
  sub.subscribe()
  let ready = false
  let received = 0
  let first = 0
  let last = 0
  for (;;) {
    const [msg] = await sub.receive()
    if (msg.length === WARMUP.length) {
      if (!ready) print({ ready: (ready = true) })
    } else if (msg.length === END.length) {
      break
    } else {
      last = now()
      if (received++ === 0) first = last
    }
  }
  sub.close()
  print({ received, first, last, maxRssKiB: maxRssKiB() })
}

async function sjPub(): Promise<void> {
  const count = Number(args[0])
  const subscribers = Number(args[1])
  listen()
  // The whole burst fits in the queue: nothing is dropped while a subscriber catches up.
  const pub = new lib.Publisher({ sendHighWaterMark: 1_100_000, linger: 0 })
  const sync = new lib.Reply({ linger: 0 })
  await pub.bind("tcp://127.0.0.1:*")
  await sync.bind("tcp://127.0.0.1:*")
  print({ endpoint: pub.lastEndpoint, sync: sync.lastEndpoint })

  // The zguide's robust syncpub: Hellos until everyone has synced; a subscriber syncs once it has
  // a Hello, i.e. once its subscription has reached us. They are paced (~1 per ms) only so that
  // no large backlog of Hellos sits ahead of the burst; nothing relies on the timing.
  let synced = 0
  const syncing = (async () => {
    while (synced < subscribers) {
      await sync.receive()
      synced++
      await sync.send("")
    }
  })()
  let hellos = 0
  while (synced < subscribers) {
    await pub.send("Hello")
    hellos++
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
  await syncing

  const started = now()
  for (let i = 0; i < count; i++) await pub.send("Rhubarb")
  await pub.send("END")
  const sent = now()
  const dropped = ours ? pub.dropped : undefined
  print({ started, sent, hellos, publisherDropped: dropped, maxRssKiB: maxRssKiB() })

  // The subscribers read the queue out; close once all have END (the orchestrator says `stop`).
  await command("stop")
  pub.close()
  sync.close()
  process.stdin.destroy()
}

async function sjSub(): Promise<void> {
  const sub = new lib.Subscriber({ receiveHighWaterMark: 1_100_000, linger: 0 })
  sub.connect(args[0])
  sub.subscribe()
  const [first] = await sub.receive()
  if (first.toString() !== "Hello") throw new Error(`expected Hello, got ${first.toString()}`)

  const req = new lib.Request({ linger: 0 })
  req.connect(args[1])
  await req.send("")
  await req.receive()
  req.close()

  let updates = 0
  let hellos = 1
  let end = 0
  for (;;) {
    const [msg] = await sub.receive()
    if (msg.length === 7) updates++ // Rhubarb
    else if (msg.length === 3) {
      end = now()
      break
    } else hellos++ // Hellos may still be queued ahead of the burst
  }
  sub.close()
  print({ updates, end, hellos, maxRssKiB: maxRssKiB() })
}

const roles: Record<string, () => Promise<void>> = { "fan-pub": fanPub, "fan-sub": fanSub, "sj-pub": sjPub, "sj-sub": sjSub }
if (!(role in roles)) {
  console.error(`unknown role ${role}`)
  process.exit(2)
}
roles[role]().catch((err) => {
  console.error(err)
  process.exit(1)
})
