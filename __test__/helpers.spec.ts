// The push()/pull() helpers: the article's scenario, early pushes, concurrency, JSON, shutdown,
// errors, and several worker processes sharing the jobs.
import test from "ava"
import { spawn } from "node:child_process"
import * as path from "node:path"
import { close, pull, push, Pull } from "../index"
import { bound, ipcEndpoint, texts, within } from "./helpers/sockets"

// The helpers are module-level singletons: these tests run one at a time and close them after.
test.afterEach.always(() => close())

/** Collects `n` jobs through `pull(handler)`, then closes the helpers. */
async function collect(n: number, address: string): Promise<string[]> {
  const seen: string[] = []
  await within(
    pull(
      async ([job]) => {
        seen.push(job.toString())
        if (seen.length === n) await close()
      },
      { address },
    ),
    10000,
    `${n} jobs`,
  )
  return seen
}

test.serial("the article: 10 pushes, one pull, all 10 arrive in order", async (t) => {
  const address = ipcEndpoint()
  for (let i = 1; i <= 10; i++) await push(`ok ${i}`, { address })
  t.deepEqual(await collect(10, address), Array.from({ length: 10 }, (_, i) => `ok ${i + 1}`))
})

test.serial("jobs pushed before any worker connects wait for one", async (t) => {
  const address = ipcEndpoint()
  // Resolves at once although nobody is connected: the job is kept.
  await within(push("early", { address }), 2000, "push with no worker")
  await push(["multi", "part"], { address })
  const frames: string[][] = []
  await pull(
    async (job) => {
      frames.push(job.map(String))
      if (frames.length === 2) await close()
    },
    { address },
  )
  t.deepEqual(frames, [["early"], ["multi", "part"]])
})

test.serial("concurrent first calls bind exactly once and keep their order", async (t) => {
  const address = ipcEndpoint()
  await Promise.all(Array.from({ length: 20 }, (_, i) => push(String(i), { address })))
  t.deepEqual(await collect(20, address), Array.from({ length: 20 }, (_, i) => String(i)))
})

test.serial("JSON jobs round-trip with their type", async (t) => {
  interface Job {
    id: number
    tags: string[]
  }
  const address = ipcEndpoint()
  await push.json<Job>({ id: 1, tags: ["a"] }, { address })
  await push.json<Job>({ id: 2, tags: [] }, { address })
  const got: Job[] = []
  for await (const job of pull.json<Job>({ address })) {
    got.push(job)
    if (got.length === 2) break
  }
  t.deepEqual(got, [
    { id: 1, tags: ["a"] },
    { id: 2, tags: [] },
  ])
})

test.serial("close() ends a running pull and the helpers start afresh after it", async (t) => {
  const address = ipcEndpoint()
  const running = pull(() => undefined, { address })
  await close()
  await within(running, 2000, "pull ends on close")
  await push("again", { address })
  t.deepEqual(await collect(1, address), ["again"])
})

test.serial("a second consumer is EBUSY", async (t) => {
  const address = ipcEndpoint()
  const running = pull(() => undefined, { address })
  await t.throwsAsync(pull({ address }).next(), { code: "EBUSY" })
  await close()
  await running
})

test.serial("bind errors reject push and do not poison the next call", async (t) => {
  const squatter = new Pull()
  const address = await bound(squatter)
  await t.throwsAsync(push("x", { address }), { code: "EADDRINUSE" })
  squatter.close()
  await t.throwsAsync(push("x", { address: "tcp://127.0.0.1" }), { code: "EINVAL" })
  const fresh = ipcEndpoint()
  await push("fine", { address: fresh })
  t.deepEqual(await collect(1, fresh), ["fine"])
})

test.serial("several worker processes share the jobs round-robin", async (t) => {
  const address = ipcEndpoint()
  const acks = new Pull()
  t.teardown(() => acks.close())
  const acksEndpoint = await bound(acks)
  const workers = [0, 1, 2].map(() =>
    spawn(process.execPath, [path.join(__dirname, "peers", "helper-worker.js")], {
      env: { ...process.env, ZEROMQ_RS_ADDRESS: address, ACKS_ENDPOINT: acksEndpoint },
      stdio: ["ignore", "inherit", "inherit"],
    }),
  )
  const exits = workers.map((w) => new Promise<number | null>((resolve) => w.on("exit", resolve)))
  t.teardown(() => workers.forEach((w) => w.kill()))
  const ack = async () => texts([await within(acks.receive(), 10000, "ack")])[0]
  // Probe until every worker has answered: then all three connections are up. Bounded by time,
  // not by count: starting three Node processes can take seconds on a loaded 2-core machine.
  const pids = new Set<string>()
  const deadline = Date.now() + 30000
  for (let probe = 0; pids.size < 3 && Date.now() < deadline; probe++) {
    await push(`probe ${probe}`, { address })
    pids.add((await ack())[1])
  }
  t.is(pids.size, 3)
  for (let i = 0; i < 30; i++) await push(`job ${i}`, { address })
  const share = new Map<string, number>()
  for (let i = 0; i < 30; i++) {
    const [, pid] = await ack()
    share.set(pid, (share.get(pid) ?? 0) + 1)
  }
  t.deepEqual([...share.values()], [10, 10, 10])
  for (let i = 0; i < 3; i++) await push("stop", { address })
  for (let i = 0; i < 3; i++) t.is((await ack())[0], "stop")
  t.deepEqual(await within(Promise.all(exits), 10000, "workers exit"), [0, 0, 0])
})
