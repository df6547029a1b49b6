// One producer and N worker processes from one command: the producer pushes jobs, the workers
// share them round-robin and report back, and the producer prints each worker's share.
// Run with `npm run example:workers` (WORKERS, ZERO_JOBS, ZERO_JOB_MS, ZEROMQ_RS_ADDRESS configure it).
import { fork } from "node:child_process"
import { close, pull, push } from "zeromq-rs"

const WORKERS = Number(process.env.WORKERS ?? 3)
const JOBS = Number(process.env.ZERO_JOBS ?? 30)
const JOB_MS = Number(process.env.ZERO_JOB_MS ?? 100)

type Report = { kind: "ready" } | { kind: "done"; job: string }

async function worker(): Promise<void> {
  const report = (r: Report) => process.send?.(r)
  // The worker ends when the producer disconnects it.
  process.on("disconnect", () => void close())
  const running = pull(async ([job]) => {
    await new Promise((resolve) => setTimeout(resolve, JOB_MS))
    report({ kind: "done", job: job.toString() })
  })
  report({ kind: "ready" })
  await running
}

async function producer(): Promise<void> {
  const children = Array.from({ length: WORKERS }, () => fork(__filename, ["worker"]))
  const share = new Map<number, number>()
  let ready = 0
  let done = 0
  let wake: () => void = () => {}
  children.forEach((child, index) => {
    share.set(index, 0)
    child.on("message", (r: Report) => {
      if (r.kind === "ready") ready++
      else {
        share.set(index, (share.get(index) ?? 0) + 1)
        done++
      }
      wake()
    })
  })
  const progress = () => new Promise<void>((resolve) => (wake = resolve))
  while (ready < WORKERS) await progress()
  // At most one job in flight per worker: a worker that connects late still gets its turn.
  for (let i = 1; i <= JOBS; i++) {
    while (i - 1 - done >= WORKERS) await progress()
    await push(`job ${i}`)
  }
  while (done < JOBS) await progress()
  for (const [index, count] of share) console.log(`worker ${index + 1}: ${count} jobs`)
  console.log(`total: ${done} jobs`)
  for (const child of children) child.disconnect()
  await close()
}

;(process.argv[2] === "worker" ? worker() : producer()).catch((err) => {
  console.error(err)
  process.exit(1)
})
