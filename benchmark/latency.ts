// Request→reply round-trip latency, 16 B over tcp, zeromq-rs beside zeromq.js (and libzmq's own C
// API, benchmark/libzmq-peer.c, when it builds): a Reply echoes in
// one process, a Request in another times one round trip at a time. Libraries alternate; each
// run is fresh processes; medians of the runs' p50/p99. `npm run bench:latency` (`-- --quick`).
// Writes benchmark/latency.json.
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { startCommand, startPeer } from "./spawn-peer"
import { buildLibzmqPeer } from "./libzmq"

type LibName = "zeromq-rs" | "zeromq.js" | "libzmq"
const LIBZMQ_PEER = buildLibzmqPeer()
const LIBS: LibName[] = LIBZMQ_PEER ? ["zeromq-rs", "zeromq.js", "libzmq"] : ["zeromq-rs", "zeromq.js"]
const quick = process.argv.includes("--quick")
const ROUNDS = quick ? 1 : 3
const COUNT = quick ? 5_000 : 20_000
const peer = path.join(__dirname, "latency-peer.ts")

interface Percentiles {
  p50: number
  p99: number
  mean: number
}

function start(args: string[], onLine: (l: Record<string, unknown>) => void) {
  if (args[1] === "libzmq" && LIBZMQ_PEER) return startCommand(LIBZMQ_PEER, [args[0], ...args.slice(2)], onLine)
  return startPeer(peer, args, onLine)
}

async function runOne(lib: LibName): Promise<Percentiles> {
  let bound!: (ep: string) => void
  const endpoint = new Promise<string>((resolve) => (bound = resolve))
  const rep = start(["rep", lib, "tcp://127.0.0.1:*"], (l) => bound(l.endpoint as string))
  let result: Percentiles | undefined
  const req = start(["req", lib, await endpoint, "16", String(COUNT)], (l) => (result = l as never))
  await req.exited
  rep.child.stdin.end()
  await rep.exited
  if (result === undefined) throw new Error("the req peer printed no result")
  return result
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function main(): Promise<void> {
  const samples: Record<LibName, Percentiles[]> = { "zeromq-rs": [], "zeromq.js": [], libzmq: [] }
  for (let round = 0; round < ROUNDS; round++) {
    for (const lib of round % 2 === 0 ? LIBS : [...LIBS].reverse()) samples[lib].push(await runOne(lib))
  }
  const m = (lib: LibName, key: keyof Percentiles) => median(samples[lib].map((s) => s[key]))
  const row = {
    ours: { p50: m("zeromq-rs", "p50"), p99: m("zeromq-rs", "p99"), mean: m("zeromq-rs", "mean") },
    zeromqjs: { p50: m("zeromq.js", "p50"), p99: m("zeromq.js", "p99"), mean: m("zeromq.js", "mean") },
    libzmq: LIBZMQ_PEER ? { p50: m("libzmq", "p50"), p99: m("libzmq", "p99"), mean: m("libzmq", "mean") } : undefined,
  }
  const c = row.libzmq ? ` ${row.libzmq.p50.toFixed(1)} / ${row.libzmq.p99.toFixed(1)} |` : ""
  console.log(`| workload | zeromq-rs p50 / p99 µs | zeromq.js p50 / p99 µs | p50 ratio | p99 ratio |${c ? " libzmq C p50 / p99 µs |" : ""}`)
  console.log(`|---|---:|---:|---:|---:|${c ? "---:|" : ""}`)
  console.log(
    `| req→rep round trip, 16 B, tcp, two processes | ${row.ours.p50.toFixed(1)} / ${row.ours.p99.toFixed(1)} | ` +
      `${row.zeromqjs.p50.toFixed(1)} / ${row.zeromqjs.p99.toFixed(1)} | ${(row.ours.p50 / row.zeromqjs.p50).toFixed(2)} | ` +
      `${(row.ours.p99 / row.zeromqjs.p99).toFixed(2)} |${c}`,
  )
  const out = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    rounds: ROUNDS,
    roundTrips: COUNT,
    row,
  }
  fs.writeFileSync(path.join(__dirname, quick ? "latency-quick.json" : "latency.json"), JSON.stringify(out, null, 2) + "\n")
  console.log(`\n${out.machine}; ${COUNT} round trips per run, medians of ${ROUNDS} alternating run(s); ratios below 1: zeromq-rs is faster`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
