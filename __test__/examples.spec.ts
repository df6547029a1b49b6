// Every example runs (with short timings) and prints what it promises, so examples never rot.
import test from "ava"
import { execFile, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { ipcEndpoint } from "./helpers/sockets"

const root = path.join(__dirname, "..")

/** Runs an example with tsx and resolves with its stdout lines; rejects unless it exits with 0. */
function run(file: string, env: Record<string, string>, args: string[] = []): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join(root, "examples", file), ...args],
      { cwd: root, env: { ...process.env, ...env }, timeout: 60000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${file} failed: ${err.message}\n${stderr}`))
        else resolve(stdout.trim().split("\n"))
      },
    )
  })
}

/** Whether process `pid` is gone. */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return false
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH"
  }
}

test("zero.ts: pushes 1..10 at once, then receives each job in order", async (t) => {
  const lines = await run("zero.ts", { ZEROMQ_RS_ADDRESS: ipcEndpoint(), ZERO_JOB_MS: "5" })
  const pushes = Array.from({ length: 10 }, (_, i) => `push ${i + 1}`)
  const received = Array.from({ length: 10 }, (_, i) => `Received Job ok ${i + 1}`)
  t.deepEqual(lines, [...pushes, ...received])
})

test("quick-start.ts: the README's quick start runs", async (t) => {
  t.deepEqual(await run("quick-start.ts", {}), ["hello []", "job [ <Buffer 01 02> ]"])
})

test("reqrep.ts: the hello client gets ten Worlds from the server, which then stops", async (t) => {
  const lines = await run("reqrep.ts", { HELLO_ENDPOINT: ipcEndpoint(), HELLO_WORK_MS: "10" })
  t.deepEqual(
    lines.filter((l) => l.startsWith("Received World")),
    Array.from({ length: 10 }, (_, i) => `Received World ${i + 1}`),
  )
  t.is(lines.filter((l) => l === "Received request: Hello").length, 10)
  t.is(lines[lines.length - 1], "Server stopped")
})

for (const mode of ["proxy", "loops"]) {
  test(`broker.ts --mode ${mode}: every request is served and both workers share them`, async (t) => {
    const args = ["--mode", mode, "--clients", "3", "--workers", "2", "--requests", "4", "--work-ms", "20"]
    const endpoints = ["--frontend", ipcEndpoint(), "--backend", ipcEndpoint()]
    const lines = await run("broker.ts", {}, [...args, ...endpoints])
    t.true(lines[0].startsWith(`broker (${mode})`))
    const served = lines.map((l) => /^client (\d) <- worker (\d) \(request (\d)\)$/.exec(l)).filter((m) => m !== null)
    t.is(served.length, 12)
    for (const client of ["1", "2", "3"]) {
      // Each client's requests are answered one after the other.
      const requests = served.filter((m) => m![1] === client).map((m) => m![3])
      t.deepEqual(requests, ["1", "2", "3", "4"], `client ${client}`)
    }
    const byWorker = (w: string) => served.filter((m) => m![2] === w).length
    t.true(byWorker("1") > 0 && byWorker("2") > 0, "both workers served requests")
    t.is(byWorker("1") + byWorker("2"), 12)
    t.true(lines.includes(`worker 1 served ${byWorker("1")} requests`))
    t.true(lines.includes(`worker 2 served ${byWorker("2")} requests`))
    t.is(lines[lines.length - 1], "total: 12 requests from 3 clients")
  })
}

test("pipeline.ts: four workers do all 100 tasks, faster than one would", async (t) => {
  const endpoints = ["--ventilator", ipcEndpoint(), "--sink", ipcEndpoint()]
  const lines = await run("pipeline.ts", {}, ["--workers", "4", "--scale", "0.2", ...endpoints])
  t.is(lines[0], "4 workers ready")
  const total = Number(/^ventilator: sending 100 tasks, total workload (\d+) ms$/.exec(lines[1])?.[1])
  const elapsed = Number(/^sink: 100 results collected in (\d+) ms$/.exec(lines[2])?.[1])
  t.true(total >= 100, lines[1])
  t.true(elapsed > 0, lines[2])
  const shares = lines.map((l) => /^sink: worker (\d) did (\d+) tasks$/.exec(l)).filter((m) => m !== null)
  t.deepEqual(
    shares.map((m) => m![1]),
    ["1", "2", "3", "4"],
  )
  t.true(
    shares.every((m) => Number(m![2]) > 0),
    "every worker did some tasks",
  )
  t.is(
    shares.reduce((sum, m) => sum + Number(m![2]), 0),
    100,
  )
  // Four workers sleep in parallel: the batch takes well under the sum of the workloads.
  t.true(elapsed < total, `elapsed ${elapsed} ms, total workload ${total} ms`)
})

/** The ipc socket files named in the cluster primary's first line. */
function clusterFiles(first: string): string[] {
  const files = [...first.matchAll(/ipc:\/\/(\S+?\.sock)/g)].map((m) => m[1])
  if (files.length !== 2) throw new Error(`no ipc endpoints in: ${first}`)
  return files
}

test("cluster.ts: all workers are ready before the first job; results are right; no ipc files left", async (t) => {
  const lines = await run("cluster.ts", {}, ["--workers", "2", "--jobs", "10", "--chunk", "10000"])
  const files = clusterFiles(lines[0])
  const ready = lines.map((l, i) => ({ i, m: /^worker (\d+) \(pid (\d+)\) ready$/.exec(l) })).filter((r) => r.m)
  t.is(ready.length, 2)
  const start = lines.indexOf("all 2 workers ready: sending 10 jobs")
  const jobs = lines.map((l, i) => ({ i, m: /^job (\d+): (\d+) primes in .* by worker (\d+) \(pid (\d+)\)$/.exec(l) }))
  const results = jobs.filter((r) => r.m)
  t.true(ready.every((r) => r.i < start), "every worker was ready before the jobs went out")
  t.true(
    results.every((r) => r.i > start),
    "no result before the start",
  )
  t.deepEqual(results.map((r) => Number(r.m![1])).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  // Each result names a worker that said it was ready.
  const workers = new Set(ready.map((r) => `${r.m![1]}/${r.m![2]}`))
  t.true(results.every((r) => workers.has(`${r.m![3]}/${r.m![4]}`)))
  t.true(lines.includes("done: 9592 primes below 100000, 10 jobs")) // π(100000) = 9592
  t.true(lines.includes("all workers exited"))
  t.is(lines[lines.length - 1], "no ipc files left: true")
  t.false(files.some((f) => fs.existsSync(f)), "ipc socket files removed")
  t.true(ready.every((r) => gone(Number(r.m![2]))), "worker processes ended")
})

test("cluster.ts: SIGINT stops the primary and its workers and removes the ipc files", async (t) => {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(root, "examples", "cluster.ts"), "--workers", "2", "--jobs", "1000000"],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  )
  const lines: string[] = []
  let partial = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n")
    partial = parts.pop()!
    for (const line of parts) {
      lines.push(line)
      // Interrupt once the jobs are flowing.
      if (line.startsWith("job ") && lines.filter((l) => l.startsWith("job ")).length === 1) child.kill("SIGINT")
    }
  })
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once("close", (c, s) => resolve([c, s])),
  )
  t.is(signal, null)
  t.is(code, 130)
  t.true(
    lines.some((l) => /^stopped \(SIGINT\) after \d+ of 1000000 jobs$/.test(l)),
    lines.join("\n"),
  )
  t.true(lines.includes("all workers exited"))
  t.false(
    clusterFiles(lines[0]).some((f) => fs.existsSync(f)),
    "ipc socket files removed",
  )
  const pids = lines.map((l) => /^worker \d+ \(pid (\d+)\) ready$/.exec(l)).filter((m) => m !== null)
  t.is(pids.length, 2)
  t.true(pids.every((m) => gone(Number(m![1]))), "worker processes ended")
})

test("pubsub.ts: each subscriber averages the temperatures of its own zipcode only", async (t) => {
  const zips = ["10001", "10007"]
  const args = ["--zip", zips.join(","), "--zipcodes", "10000-10009", "--updates", "20", "--verbose"]
  const endpoint = ipcEndpoint()
  const lines = await run("pubsub.ts", {}, [...args, "--endpoint", endpoint])
  t.is(lines[0], `publisher: zipcodes 10000-10009 on ${endpoint}`)
  for (const zip of zips) {
    const updates = lines
      .map((l) => new RegExp(`^subscriber ${zip} received "(\\d{5}) (-?\\d+) (\\d+)"$`).exec(l))
      .filter((m) => m !== null)
    t.is(updates.length, 20, zip)
    t.true(
      updates.every((m) => m![1] === zip),
      `subscriber ${zip} got only its zipcode`,
    )
    const temperatures = updates.map((m) => Number(m![2]))
    const humidities = updates.map((m) => Number(m![3]))
    t.true(temperatures.every((v) => v >= -80 && v <= 134) && humidities.every((v) => v >= 10 && v <= 59))
    const average = (temperatures.reduce((a, b) => a + b, 0) / 20).toFixed(1)
    const result = lines.indexOf(`Average temperature for zipcode '${zip}' was ${average}F (20 updates)`)
    t.true(result > 0, `average ${average} for ${zip}`)
  }
  t.is(lines.filter((l) => l.startsWith("Average temperature")).length, 2)
  const sent = Number(/^publisher: sent (\d+) updates$/.exec(lines[lines.length - 1])?.[1])
  t.true(sent >= 40, lines[lines.length - 1])
})

test("syncpub.ts: the publisher waits for every subscriber, and each receives every update", async (t) => {
  const endpoints = ["--publisher", ipcEndpoint(), "--sync", ipcEndpoint()]
  const lines = await run("syncpub.ts", {}, ["--subscribers", "3", "--count", "10000", ...endpoints])
  t.true(lines[0].startsWith("Waiting for 3 subscribers"), lines[0])
  t.deepEqual(
    lines.filter((l) => l.startsWith("+1 subscriber")),
    ["+1 subscriber (1/3)", "+1 subscriber (2/3)", "+1 subscriber (3/3)"],
  )
  t.is(lines.indexOf("Broadcasting 10000 updates"), 4, "every subscriber synced before the broadcast")
  t.true(lines.some((l) => /^Sent 10000 updates and END in \d+ ms$/.test(l)))
  const received = lines.map((l) => /^Received (\d+) updates \(subscriber (\d+)\)$/.exec(l)).filter((m) => m !== null)
  t.deepEqual(
    received.map((m) => m![1]),
    ["10000", "10000", "10000"],
  )
  t.deepEqual(received.map((m) => m![2]).sort(), ["1", "2", "3"])
  t.is(lines[lines.length - 1], "All 3 subscribers done")
})

test("forwarder.ts: external subscribers get the internal publisher's messages of their topic only", async (t) => {
  const internal = ipcEndpoint()
  const external = ipcEndpoint()
  const args = ["--topics", "sport,weather", "--messages", "5", "--internal", internal, "--external", external]
  const lines = await run("forwarder.ts", {}, args)
  t.is(lines[0], `forwarder: ${internal} -> ${external}`)
  const received = lines.map((l) => /^subscriber (\S+) <- \[(\S+)\] (\S+) update (\d+)$/.exec(l)).filter((m) => m)
  t.is(received.length, 10)
  for (const topic of ["sport", "weather"]) {
    const mine = received.filter((m) => m![1] === topic)
    t.is(mine.length, 5, topic)
    t.true(
      mine.every((m) => m![2] === topic && m![3] === topic),
      `subscriber ${topic} got only ${topic}`,
    )
    // In the order published.
    const numbers = mine.map((m) => Number(m![4]))
    t.deepEqual(
      numbers,
      [...numbers].sort((a, b) => a - b),
    )
    t.true(lines.includes(`subscriber ${topic}: 5 messages`))
  }
  t.false(
    lines.some((l) => l.includes("news update")),
    "nobody subscribed to news",
  )
  t.regex(lines[lines.length - 1], /^publisher: sent \d+ messages \(news, sport, weather\); forwarder stopped$/)
})

test("secure.ts: ZAP refuses the unknown CURVE key with status 400 and admits the known one", async (t) => {
  const lines = await run("secure.ts", {})
  t.is(lines.length, 5)
  t.regex(lines[0], /^zap: refuses \S{8}…$/)
  t.is(lines[1], "stranger: handshake:error:auth, status 400")
  t.regex(lines[2], /^zap: admits \S{8}…$/)
  t.deepEqual(lines.slice(3), ['server: got "hello over CURVE"', 'known client: got "welcome"'])
})
