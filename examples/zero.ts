// The article's program on zeromq-rs: push 10 jobs at once, then work through them one by one.
// Run with `npm run example` (ZEROMQ_RS_ADDRESS, ZERO_JOB_MS and ZERO_JOBS configure it).
import { close, pull, push } from "zeromq-rs"
import { handleJob, JOBS } from "./zero-lib"

async function main(): Promise<void> {
  for (let i = 1; i <= JOBS; i++) {
    console.log("push", i)
    // No socket bookkeeping: the first push binds, later ones reuse the socket.
    await push(`ok ${i}`)
  }
  let done = 0
  await pull(async (job) => {
    await handleJob(job)
    if (++done === JOBS) await close()
  })
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
