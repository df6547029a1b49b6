// The article's library module: what a worker does with a job, and how many jobs the demo runs.
// Timings come from the environment so a test can run the demo fast.

/** How long one job takes (the article sleeps 2 s); ZERO_JOB_MS overrides it. */
export const JOB_MS = Number(process.env.ZERO_JOB_MS ?? 2000)

/** How many jobs the demo pushes; ZERO_JOBS overrides it. */
export const JOBS = Number(process.env.ZERO_JOBS ?? 10)

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Processes one job: waits JOB_MS, then reports it. */
export async function handleJob(job: Buffer[]): Promise<void> {
  await sleep(JOB_MS)
  console.log("Received Job", job[0].toString())
}
