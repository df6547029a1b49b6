// Pub/sub benchmark, zeromq-rs beside zeromq.js (npm `zeromq`, libzmq), over tcp on 127.0.0.1:
// - fan-out: one Publisher process, 4 Subscriber processes (everything subscribed), 256 B
//   messages at default high-water marks; delivered msgs/s (all subscribers' data messages over
//   first to last receive) and messages dropped. Warm-ups run until every subscriber has one, so
//   the start needs no sleep; END markers repeat until every subscriber has one.
// - slow joiner: the zguide's syncpub/syncsub, 10 subscriber processes synced through
//   Request/Reply, 1 000 000 × Rhubarb + END at high-water marks of 1 100 000; time from the
//   first send until the last subscriber has END, and whether every subscriber got everything.
// Libraries alternate per round; each run is fresh processes; medians. `npm run bench:pubsub`
// (`-- --quick`: one round, fewer messages). Writes benchmark/pubsub.json (pubsub-quick.json).
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { startPeer } from "./spawn-peer"

const LIBS = ["zeromq-rs", "zeromq.js"] as const
type LibName = (typeof LIBS)[number]
const quick = process.argv.includes("--quick")
const ROUNDS = quick ? 1 : 3
const FAN_SUBSCRIBERS = 4
const FAN_SIZE = 256
const FAN_COUNT = quick ? 20_000 : 200_000
const SJ_SUBSCRIBERS = 10
const SJ_COUNT = quick ? 100_000 : 1_000_000
/** A run that takes longer than this is stuck: its processes are killed and the benchmark fails. */
const TIMEOUT_MS = quick ? 60_000 : 300_000
const peer = path.join(__dirname, "pubsub-peer.ts")

type Line = Record<string, unknown>
type Peer = ReturnType<typeof startPeer>

/** Runs `body` with the processes it starts; on failure or timeout kills them and rethrows. */
async function withPeers<T>(what: string, body: (start: (args: string[], onLine: (l: Line) => void) => Peer) => Promise<T>): Promise<T> {
  const peers: Peer[] = []
  let failed!: (err: Error) => void
  const failure = new Promise<never>((_, reject) => (failed = reject))
  const start = (args: string[], onLine: (l: Line) => void) => {
    const p = startPeer(peer, args, onLine)
    peers.push(p)
    p.exited.catch(failed)
    return p
  }
  const timer = setTimeout(() => failed(new Error(`${what}: no result after ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS)
  try {
    return await Promise.race([body(start), failure])
  } catch (err) {
    for (const p of peers) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill()
    throw err
  } finally {
    clearTimeout(timer)
  }
}

/** A promise with its resolver. */
function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

interface FanSample {
  msgsPerSec: number
  received: number
  dropped: number
  /** zeromq-rs's `publisher.dropped` over the data messages (null for zeromq.js). */
  publisherDropped: number | null
  publisherSendsPerSec: number
}

async function fanOut(lib: LibName): Promise<FanSample> {
  return withPeers(`fan-out (${lib})`, async (start) => {
    const endpoint = deferred<string>()
    const pubResult = deferred<Line>()
    const pub = start(["fan-pub", lib, String(FAN_SIZE), String(FAN_COUNT)], (l) =>
      "endpoint" in l ? endpoint.resolve(l.endpoint as string) : pubResult.resolve(l),
    )
    const ep = await endpoint.promise
    const subs = Array.from({ length: FAN_SUBSCRIBERS }, () => {
      const ready = deferred<void>()
      const result = deferred<Line>()
      const p = start(["fan-sub", lib, ep], (l) => ("ready" in l ? ready.resolve() : result.resolve(l)))
      return { p, ready: ready.promise, result: result.promise }
    })
    await Promise.all(subs.map((s) => s.ready))
    pub.child.stdin.write("go\n")
    const results = await Promise.all(subs.map((s) => s.result))
    pub.child.stdin.write("stop\n")
    const sent = await pubResult.promise
    await Promise.all([pub.exited, ...subs.map((s) => s.p.exited)])

    const received = results.reduce((n, r) => n + (r.received as number), 0)
    const first = Math.min(...results.filter((r) => (r.received as number) > 0).map((r) => r.first as number))
    const last = Math.max(...results.map((r) => r.last as number))
    return {
      msgsPerSec: received / ((last - first) / 1000),
      received,
      dropped: FAN_SUBSCRIBERS * FAN_COUNT - received,
      publisherDropped: (sent.publisherDropped as number | undefined) ?? null,
      publisherSendsPerSec: FAN_COUNT / (sent.sendSeconds as number),
    }
  })
}

interface SlowJoinerSample {
  ms: number
  /** Updates received by each subscriber. */
  updates: number[]
  complete: boolean
  publisherDropped: number | null
}

async function slowJoiner(lib: LibName): Promise<SlowJoinerSample> {
  return withPeers(`slow joiner (${lib})`, async (start) => {
    const endpoints = deferred<Line>()
    const pubResult = deferred<Line>()
    const pub = start(["sj-pub", lib, String(SJ_COUNT), String(SJ_SUBSCRIBERS)], (l) =>
      "endpoint" in l ? endpoints.resolve(l) : pubResult.resolve(l),
    )
    const eps = await endpoints.promise
    const subs = Array.from({ length: SJ_SUBSCRIBERS }, () => {
      const result = deferred<Line>()
      const p = start(["sj-sub", lib, eps.endpoint as string, eps.sync as string], (l) => result.resolve(l))
      return { p, result: result.promise }
    })
    const results = await Promise.all(subs.map((s) => s.result))
    const sent = await pubResult.promise
    pub.child.stdin.write("stop\n")
    await Promise.all([pub.exited, ...subs.map((s) => s.p.exited)])

    const updates = results.map((r) => r.updates as number)
    return {
      ms: Math.max(...results.map((r) => r.end as number)) - (sent.started as number),
      updates,
      complete: updates.every((n) => n === SJ_COUNT),
      publisherDropped: (sent.publisherDropped as number | undefined) ?? null,
    }
  })
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function rounds<S>(name: string, run: (lib: LibName) => Promise<S>): Promise<Record<LibName, S[]>> {
  const samples: Record<LibName, S[]> = { "zeromq-rs": [], "zeromq.js": [] }
  for (let round = 0; round < ROUNDS; round++) {
    for (const lib of round % 2 === 0 ? LIBS : [...LIBS].reverse()) {
      const s = await run(lib)
      console.error(`${name}, ${lib}, round ${round + 1}: ${JSON.stringify(s)}`)
      samples[lib].push(s)
    }
  }
  return samples
}

const k = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${Math.round(n / 1e3)}k`)
const int = (n: number) => Math.round(n).toLocaleString("en-US").replace(/,/g, " ")

async function main(): Promise<void> {
  const fan = await rounds("fan-out", fanOut)
  const fanRow = Object.fromEntries(
    LIBS.map((lib) => {
      const s = fan[lib]
      const pd = s.map((x) => x.publisherDropped).filter((x): x is number => x !== null)
      return [
        lib,
        {
          msgsPerSec: median(s.map((x) => x.msgsPerSec)),
          dropped: median(s.map((x) => x.dropped)),
          publisherDropped: pd.length ? median(pd) : null,
          publisherSendsPerSec: median(s.map((x) => x.publisherSendsPerSec)),
        },
      ]
    }),
  ) as Record<LibName, Omit<FanSample, "received">>

  const sj = await rounds("slow joiner", slowJoiner)
  const sjRow = Object.fromEntries(
    LIBS.map((lib) => {
      const s = sj[lib]
      return [lib, { ms: median(s.map((x) => x.ms)), complete: s.every((x) => x.complete), runsComplete: s.filter((x) => x.complete).length }]
    }),
  ) as Record<LibName, { ms: number; complete: boolean; runsComplete: number }>

  const rs = fanRow["zeromq-rs"]
  const js = fanRow["zeromq.js"]
  const fanWorkload = `fan-out, 1 pub → ${FAN_SUBSCRIBERS} sub processes, ${FAN_SIZE} B × ${int(FAN_COUNT)}, tcp, delivered msg/s`
  const sjWorkload = `slow joiner (syncpub), 1 pub → ${SJ_SUBSCRIBERS} sub processes, ${int(SJ_COUNT)} × Rhubarb, tcp, time to deliver`
  const lost = (lib: LibName) => {
    const row = fanRow[lib]
    return `${int(row.dropped)}${row.publisherDropped !== null ? ` (publisher.dropped ${int(row.publisherDropped)})` : ""}`
  }
  const all = (lib: LibName) => (sjRow[lib].complete ? "all" : `${sjRow[lib].runsComplete}/${ROUNDS} runs`)
  console.log("| workload | zeromq-rs | zeromq.js | ratio | dropped / complete (rs; js) |")
  console.log("|---|---:|---:|---:|---|")
  console.log(
    `| ${fanWorkload} | ${k(rs.msgsPerSec)} | ${k(js.msgsPerSec)} | ${(rs.msgsPerSec / js.msgsPerSec).toFixed(2)}× | ` +
      `dropped of ${int(FAN_SUBSCRIBERS * FAN_COUNT)}: ${lost("zeromq-rs")}; ${lost("zeromq.js")} |`,
  )
  console.log(
    `| ${sjWorkload} | ${int(sjRow["zeromq-rs"].ms)} ms | ${int(sjRow["zeromq.js"].ms)} ms | ` +
      `${(sjRow["zeromq-rs"].ms / sjRow["zeromq.js"].ms).toFixed(2)} | ` +
      `every subscriber got all ${int(SJ_COUNT)}: ${all("zeromq-rs")}; ${all("zeromq.js")} |`,
  )

  const out = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    rounds: ROUNDS,
    fanOut: { subscribers: FAN_SUBSCRIBERS, size: FAN_SIZE, count: FAN_COUNT, ours: fanRow["zeromq-rs"], zeromqjs: fanRow["zeromq.js"], samples: fan },
    slowJoiner: { subscribers: SJ_SUBSCRIBERS, count: SJ_COUNT, ours: sjRow["zeromq-rs"], zeromqjs: sjRow["zeromq.js"], samples: sj },
  }
  fs.writeFileSync(path.join(__dirname, quick ? "pubsub-quick.json" : "pubsub.json"), JSON.stringify(out, null, 2) + "\n")
  console.log(
    `\n${out.machine}; medians of ${ROUNDS} alternating run(s); ratios are zeromq-rs / zeromq.js ` +
      `(fan-out: above 1 is faster; slow joiner: below 1 is faster)`,
  )
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
