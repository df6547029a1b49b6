// Side-by-side benchmark of zeromq-rs, zeromq.js (npm `zeromq`, libzmq) and, when available,
// pyzmq (benchmark/pyzmq-peer.py), zmq.rs (benchmark/zmqrs-peer.rs) and libzmq's own C API
// (benchmark/libzmq-peer.c): push→pull throughput,
// CPU per message and peak RSS, in one process and across two, over tcp and ipc (and inproc, in
// one process), plus zeromq-rs's batch API (sendMany/receiveMany) against zeromq.js's per-message
// loop for small messages in one process, and DEALER→ROUTER at 256 B over tcp. Runs alternate
// between the libraries; each run is a fresh process. Prints a table; writes benchmark/results.json.
// `npm run bench` (add `-- --quick` for one round of fewer messages; BENCH_SIZE=256,
// BENCH_MODE=one|two and BENCH_TRANSPORT=tcp|ipc|inproc pick cases).
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { spawnSync } from "node:child_process"
import { startCommand, startPeer as startScript, startPython } from "./spawn-peer"
import { buildLibzmqPeer } from "./libzmq"

/** pyzmq (libzmq 4.3 from pip) joins the run when `python3 -c "import zmq"` works. */
const HAVE_PYZMQ = spawnSync("python3", ["-c", "import zmq"]).status === 0
/** zmq.rs (the `zeromq` crate, pure Rust) joins when its peer builds (`BENCH_ZMQRS=0` skips it). */
const ZMQRS_PEER = path.join(__dirname, "..", "target", "release", "examples", "zmqrs-peer")
const HAVE_ZMQRS =
  process.env.BENCH_ZMQRS !== "0" &&
  spawnSync("cargo", ["build", "--release", "--no-default-features", "--example", "zmqrs-peer"], {
    cwd: path.join(__dirname, ".."),
    stdio: "inherit",
  }).status === 0
/** libzmq's C API, the ceiling for a binding of libzmq, joins when its peer builds (gcc + pyzmq's libzmq). */
const LIBZMQ_PEER = buildLibzmqPeer()
const LIBS = (["zeromq-rs", "zeromq.js", "pyzmq", "zmq.rs", "libzmq"] as const).filter(
  (l) => (l !== "pyzmq" || HAVE_PYZMQ) && (l !== "zmq.rs" || HAVE_ZMQRS) && (l !== "libzmq" || LIBZMQ_PEER),
)
type LibName = "zeromq-rs" | "zeromq.js" | "pyzmq" | "zmq.rs" | "libzmq"
/** The libraries whose peers have no batch API or DEALER/ROUTER mode here: they sit those rows out. */
const PUSH_PULL_ONLY: LibName[] = ["zmq.rs"]
const quick = process.argv.includes("--quick")
const ROUNDS = quick ? 1 : 3
const SIZES: [number, number][] = [
  [16, 200_000],
  [256, 200_000],
  [4096, 100_000],
  [65536, 20_000],
]
  .map(([size, count]): [number, number] => [size, quick ? Math.ceil(count / 4) : count])
  .filter(([size]) => !process.env.BENCH_SIZE || String(size) === process.env.BENCH_SIZE)
const TRANSPORTS = (["tcp", "ipc", "inproc"] as const).filter(
  (t) => !process.env.BENCH_TRANSPORT || t === process.env.BENCH_TRANSPORT,
)
const MODES = ([
  "one process",
  "two processes",
  "one process, batch API",
  "one process, dealer→router",
  "two processes, dealer→router",
  "one process, CURVE",
  "two processes, CURVE",
] as const).filter(
  (m) => !process.env.BENCH_MODE || m.startsWith(process.env.BENCH_MODE),
)

interface Sample {
  msgsPerSec: number
  cpuUsPerMsg: number
  rssMiB: number
}

const peer = path.join(__dirname, "peer.ts")
let ipcCounter = 0

function address(transport: string): string {
  if (transport === "tcp") return "tcp://127.0.0.1:*"
  ipcCounter += 1
  if (transport === "inproc") return `inproc://zmqrs-bench-${ipcCounter}`
  return `ipc://${path.join(os.tmpdir(), `zmqrs-bench-${process.pid}-${ipcCounter}.sock`)}`
}

const pyPeer = path.join(__dirname, "pyzmq-peer.py")

/** Starts a peer process of `lib` for `args` ([mode, lib, address, size, count]); resolves each JSON line it prints through `onLine`. */
function startPeer(args: string[], onLine: (line: Record<string, unknown>) => void) {
  if (args[1] === "pyzmq") return startPython(pyPeer, [args[0], ...args.slice(2)], onLine)
  if (args[1] === "zmq.rs") return startCommand(ZMQRS_PEER, [args[0], ...args.slice(2)], onLine)
  if (args[1] === "libzmq" && LIBZMQ_PEER) return startCommand(LIBZMQ_PEER, [args[0], ...args.slice(2)], onLine)
  return startScript(peer, args, onLine)
}

/** The batch rows: zeromq-rs with sendMany/receiveMany against zeromq.js's send/receive loop. */
const BATCH_MODE = "one process, batch API"
/** The dealer→router rows: a DEALER sending to a ROUTER (which receives [id, message]). */
const DEALER_MODES = ["one process, dealer→router", "two processes, dealer→router"]
/** The CURVE rows: push→pull 256 B over tcp with CURVE, zeromq-rs beside zeromq.js only. */
const CURVE_MODES = ["one process, CURVE", "two processes, CURVE"]
// eslint-disable-next-line @typescript-eslint/no-require-imports
const serverKeys: { publicKey: string; secretKey: string } = require("..").curveKeyPair()

async function runOne(lib: LibName, mode: string, transport: string, size: number, count: number): Promise<Sample> {
  // Read by the peer process (inherits the environment): zeromq.js has no batch API.
  process.env.BENCH_BATCH = mode === BATCH_MODE && lib === "zeromq-rs" ? "1" : "0"
  process.env.BENCH_PATTERN = DEALER_MODES.includes(mode) ? "dealer-router" : ""
  process.env.BENCH_CURVE = CURVE_MODES.includes(mode) ? `${serverKeys.publicKey} ${serverKeys.secretKey}` : ""
  if (mode.startsWith("one process")) {
    let result: Record<string, number> = {}
    const p = startPeer(["both", lib, address(transport), String(size), String(count)], (l) => (result = l as never))
    await p.exited
    return { msgsPerSec: result.msgsPerSec, cpuUsPerMsg: result.cpuUsPerMsg, rssMiB: result.maxRssKiB / 1024 }
  }
  let endpoint!: (ep: string) => void
  const bound = new Promise<string>((resolve) => (endpoint = resolve))
  let received!: (r: Record<string, number>) => void
  const done = new Promise<Record<string, number>>((resolve) => (received = resolve))
  const recv = startPeer(["recv", lib, address(transport), String(size), String(count)], (l) =>
    "endpoint" in l ? endpoint(l.endpoint as string) : received(l as never),
  )
  let sent: Record<string, number> = {}
  const send = startPeer(["send", lib, await bound, String(size), String(count)], (l) => (sent = l as never))
  const r = await done
  send.child.stdin.write("done\n")
  await Promise.all([recv.exited, send.exited])
  return { msgsPerSec: r.msgsPerSec, cpuUsPerMsg: (r.cpuUs + sent.cpuUs) / count, rssMiB: r.maxRssKiB / 1024 }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function main(): Promise<void> {
  const rows: Record<string, unknown>[] = []
  for (const mode of MODES) {
    for (const transport of TRANSPORTS) {
      // inproc joins sockets of one process only.
      if (transport === "inproc" && mode.startsWith("two processes")) continue
      // The dealer→router rows are the issue's 256 B over tcp.
      if ((DEALER_MODES.includes(mode) || CURVE_MODES.includes(mode)) && transport !== "tcp") continue
      for (const [size, count] of SIZES) {
        // The batch API is for many small messages.
        if (mode === BATCH_MODE && size > 256) continue
        if ((DEALER_MODES.includes(mode) || CURVE_MODES.includes(mode)) && size !== 256) continue
        const samples: Record<LibName, Sample[]> = { "zeromq-rs": [], "zeromq.js": [], pyzmq: [], "zmq.rs": [], libzmq: [] }
        const plain = mode === "one process" || mode === "two processes"
        // zmq.rs has no inproc either.
        const libs = CURVE_MODES.includes(mode)
          ? LIBS.filter((l) => l === "zeromq-rs" || l === "zeromq.js")
          : LIBS.filter((l) => !PUSH_PULL_ONLY.includes(l) || (plain && transport !== "inproc"))
        for (let round = 0; round < ROUNDS; round++) {
          for (const lib of round % 2 === 0 ? libs : [...libs].reverse()) {
            samples[lib].push(await runOne(lib, mode, transport, size, count))
          }
        }
        const m = (lib: LibName, key: keyof Sample) => median(samples[lib].map((s) => s[key]))
        const row = {
          mode,
          transport,
          size,
          ours: { msgsPerSec: m("zeromq-rs", "msgsPerSec"), cpuUsPerMsg: m("zeromq-rs", "cpuUsPerMsg"), rssMiB: m("zeromq-rs", "rssMiB") },
          zeromqjs: { msgsPerSec: m("zeromq.js", "msgsPerSec"), cpuUsPerMsg: m("zeromq.js", "cpuUsPerMsg"), rssMiB: m("zeromq.js", "rssMiB") },
          pyzmq: libs.includes("pyzmq") ? { msgsPerSec: m("pyzmq", "msgsPerSec"), cpuUsPerMsg: m("pyzmq", "cpuUsPerMsg"), rssMiB: m("pyzmq", "rssMiB") } : undefined,
          zmqrs: libs.includes("zmq.rs") ? { msgsPerSec: m("zmq.rs", "msgsPerSec"), cpuUsPerMsg: m("zmq.rs", "cpuUsPerMsg"), rssMiB: m("zmq.rs", "rssMiB") } : undefined,
          libzmq: libs.includes("libzmq") ? { msgsPerSec: m("libzmq", "msgsPerSec"), cpuUsPerMsg: m("libzmq", "cpuUsPerMsg"), rssMiB: m("libzmq", "rssMiB") } : undefined,
        }
        rows.push(row)
        printRow(row)
      }
    }
  }
  const out = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    rounds: ROUNDS,
    rows,
  }
  // Only a full run replaces the figures the README quotes.
  const partial = quick || process.env.BENCH_SIZE || process.env.BENCH_MODE || process.env.BENCH_TRANSPORT
  fs.writeFileSync(path.join(__dirname, partial ? "results-partial.json" : "results.json"), JSON.stringify(out, null, 2) + "\n")
  console.log(`\n${out.machine}; medians of ${ROUNDS} alternating run(s); ratios are zeromq-rs / zeromq.js`)
}

let headerPrinted = false
function printRow(row: { mode: string; transport: string; size: number; ours: Sample; zeromqjs: Sample; pyzmq?: Sample; zmqrs?: Sample; libzmq?: Sample }): void {
  // The other libraries' columns, in a fixed set so every row lines up ("–" where one sat out).
  const shown: [string, Sample | undefined][] = []
  if (HAVE_PYZMQ) shown.push(["pyzmq", row.pyzmq])
  if (HAVE_ZMQRS) shown.push(["zmq.rs", row.zmqrs])
  if (LIBZMQ_PEER) shown.push(["libzmq C", row.libzmq])
  if (!headerPrinted) {
    console.log(
      "| mode | transport | size | zeromq-rs msg/s | zeromq.js msg/s | ratio |" +
        shown.map(([name]) => ` ${name} msg/s | rs / ${name} |`).join("") +
        ` CPU µs/msg (rs / js${HAVE_PYZMQ ? " / py" : ""}${LIBZMQ_PEER ? " / C" : ""}) | CPU ratio (rs / js) | peak RSS MiB (rs / js${HAVE_PYZMQ ? " / py" : ""}) |`,
    )
    console.log(`|---|---|---:|---:|---:|---:|${shown.map(() => "---:|---:|").join("")}---:|---:|---:|`)
    headerPrinted = true
  }
  const k = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${Math.round(n / 1e3)}k`)
  const sizeText = row.size >= 1024 ? `${row.size / 1024} KiB` : `${row.size} B`
  const py = HAVE_PYZMQ ? [row.pyzmq] : []
  const c = LIBZMQ_PEER ? [row.libzmq] : []
  const cpus = [row.ours, row.zeromqjs, ...py, ...c].map((x) => (x ? x.cpuUsPerMsg.toFixed(2) : "–")).join(" / ")
  const rss = [row.ours, row.zeromqjs, ...py].map((x) => (x ? x.rssMiB.toFixed(0) : "–")).join(" / ")
  console.log(
    `| ${row.mode} | ${row.transport} | ${sizeText} | ${k(row.ours.msgsPerSec)} | ${k(row.zeromqjs.msgsPerSec)} | ` +
      `${(row.ours.msgsPerSec / row.zeromqjs.msgsPerSec).toFixed(2)}× | ` +
      shown.map(([, x]) => (x ? `${k(x.msgsPerSec)} | ${(row.ours.msgsPerSec / x.msgsPerSec).toFixed(2)}× | ` : "– | – | ")).join("") +
      `${cpus} | ${(row.ours.cpuUsPerMsg / row.zeromqjs.cpuUsPerMsg).toFixed(2)} | ${rss} |`,
  )
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
