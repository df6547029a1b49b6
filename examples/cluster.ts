// node:cluster + zeromq-rs: the primary binds a Push (jobs) and a Pull (results) on ipc://
// endpoints and forks one worker per CPU; each worker connects to both and says "ready". Once
// every worker is ready the primary hands out jobs (counting the primes in a range), and prints
// each result and which worker (id and pid) computed it. On completion, or on Ctrl-C / SIGTERM,
// it closes its sockets, ends the workers and removes the ipc socket files.
// Run with `npm run example:cluster -- --workers 4 --jobs 20` (workers default to the CPU count;
// --chunk sets the size of each job's range, default 100000).
import cluster from "node:cluster"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { parseArgs } from "node:util"
import { Pull, Push } from "zeromq-rs"

/** The number of primes in [from, to), by trial division: a job that keeps a CPU busy. */
function countPrimes(from: number, to: number): number {
  let count = 0
  for (let n = Math.max(from, 2); n < to; n++) {
    let prime = true
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false
        break
      }
    }
    if (prime) count++
  }
  return count
}

async function worker(): Promise<void> {
  const id = cluster.worker!.id
  const jobs = new Pull({ linger: 0 })
  const results = new Push({ linger: 0 })
  jobs.connect(process.env.CLUSTER_JOBS!)
  results.connect(process.env.CLUSTER_RESULTS!)
  // Closing the sockets ends the loop below; the primary disconnects us when it is done.
  const stop = () => {
    jobs.close()
    results.close()
  }
  process.once("disconnect", stop)
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)

  await results.send(["ready", id, process.pid])
  for await (const [job, from, to] of jobs) {
    const primes = countPrimes(Number(from), Number(to))
    if (results.closed) break
    await results.send(["result", id, process.pid, job, primes])
  }
}

async function primary(): Promise<void> {
  const { values: opts } = parseArgs({
    options: {
      workers: { type: "string", default: String(os.availableParallelism()) },
      jobs: { type: "string", default: "20" },
      chunk: { type: "string", default: "100000" },
    },
  })
  const WORKERS = Number(opts.workers)
  const JOBS = Number(opts.jobs)
  const CHUNK = Number(opts.chunk)

  // Socket files unique to this run, in the temp dir.
  const base = path.join(os.tmpdir(), `zeromq-rs-cluster-${process.pid}-${Date.now().toString(36)}`)
  const files = [`${base}-jobs.sock`, `${base}-results.sock`]
  const jobs = new Push({ linger: 0 })
  const results = new Pull({ linger: 0 })
  await jobs.bind(`ipc://${files[0]}`)
  await results.bind(`ipc://${files[1]}`)
  console.log(`primary ${process.pid}: jobs on ipc://${files[0]}, results on ipc://${files[1]}`)

  // Why the run stopped early (a signal, a worker dying), or null.
  const run = { stopped: null as string | null }
  const stop = (why: string) => {
    if (run.stopped !== null) return
    run.stopped = why
    jobs.close() // ends the loop below
    results.close()
  }
  process.once("SIGINT", () => stop("SIGINT"))
  process.once("SIGTERM", () => stop("SIGTERM"))

  // Track the workers; one that dies on its own stops the run (its jobs would never finish).
  const live = new Set<number>()
  let allExited: () => void = () => {}
  cluster.on("exit", (w, code, signal) => {
    live.delete(w.id)
    if (!w.exitedAfterDisconnect) stop(`worker ${w.id} exited (${signal ?? code})`)
    if (live.size === 0) allExited()
  })
  const env = { CLUSTER_JOBS: `ipc://${files[0]}`, CLUSTER_RESULTS: `ipc://${files[1]}` }
  for (let i = 0; i < WORKERS; i++) live.add(cluster.fork(env).id)

  let ready = 0
  let sent = 0
  let done = 0
  let primes = 0
  // Keep two jobs per worker in flight: a Push deals round-robin to the connected workers.
  const sendJob = async () => {
    if (sent === JOBS) return
    const job = sent++
    await jobs.send([job + 1, job * CHUNK, (job + 1) * CHUNK])
  }
  try {
    for await (const [kind, id, pid, ...rest] of results) {
      if (kind.toString() === "ready") {
        console.log(`worker ${id} (pid ${pid}) ready`)
        if (++ready < WORKERS) continue
        console.log(`all ${WORKERS} workers ready: sending ${JOBS} jobs`)
        for (let i = 0; i < 2 * WORKERS; i++) await sendJob()
      } else {
        const [job, count] = rest.map(Number)
        const range = `[${(job - 1) * CHUNK}, ${job * CHUNK})`
        console.log(`job ${job}: ${count} primes in ${range} by worker ${id} (pid ${pid})`)
        primes += count
        if (++done === JOBS) break
        await sendJob()
      }
    }
  } catch (err) {
    if (run.stopped === null) throw err // a send cut short by stop() is expected
  }
  if (run.stopped === null) console.log(`done: ${primes} primes below ${JOBS * CHUNK}, ${done} jobs`)
  else console.log(`stopped (${run.stopped}) after ${done} of ${JOBS} jobs`)
  const interrupted = run.stopped
  stop("done")

  // End the workers, and wait for them to go.
  const gone = new Promise<void>((resolve) => (allExited = resolve))
  for (const w of Object.values(cluster.workers ?? {})) if (w?.isConnected()) w.disconnect()
  if (live.size > 0) await gone
  console.log("all workers exited")

  // Closing a bound ipc socket normally removes its file; make sure none is left behind.
  for (const file of files) {
    if (fs.existsSync(file)) {
      fs.rmSync(file, { force: true })
      console.log(`removed ${file}`)
    }
  }
  console.log(`no ipc files left: ${files.every((f) => !fs.existsSync(f))}`)
  if (interrupted === "SIGINT") process.exitCode = 130
  if (interrupted === "SIGTERM") process.exitCode = 143
}

;(cluster.isPrimary ? primary() : worker()).catch((err) => {
  console.error(err)
  process.exit(1)
})
