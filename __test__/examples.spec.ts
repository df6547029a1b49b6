// Every example runs (with short timings) and prints what it promises, so examples never rot.
import test from "ava"
import { execFile } from "node:child_process"
import * as path from "node:path"
import { ipcEndpoint } from "./helpers/sockets"

const root = path.join(__dirname, "..")

/** Runs an example with tsx and resolves with its stdout lines. */
function run(file: string, env: Record<string, string>): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join(root, "examples", file)],
      { cwd: root, env: { ...process.env, ...env }, timeout: 60000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${file} failed: ${err.message}\n${stderr}`))
        else resolve(stdout.trim().split("\n"))
      },
    )
  })
}

test("zero.ts: pushes 1..10 at once, then receives each job in order", async (t) => {
  const lines = await run("zero.ts", { ZEROMQ_RS_ADDRESS: ipcEndpoint(), ZERO_JOB_MS: "5" })
  const pushes = Array.from({ length: 10 }, (_, i) => `push ${i + 1}`)
  const received = Array.from({ length: 10 }, (_, i) => `Received Job ok ${i + 1}`)
  t.deepEqual(lines, [...pushes, ...received])
})

test("workers.ts: three worker processes share all the jobs", async (t) => {
  const lines = await run("workers.ts", { ZEROMQ_RS_ADDRESS: ipcEndpoint(), ZERO_JOB_MS: "10", ZERO_JOBS: "30" })
  const shares = lines.map((l) => /^worker (\d): (\d+) jobs$/.exec(l)).filter((m) => m !== null)
  t.deepEqual(
    shares.map((m) => m![1]),
    ["1", "2", "3"],
  )
  t.is(
    shares.reduce((sum, m) => sum + Number(m![2]), 0),
    30,
  )
  t.is(lines[lines.length - 1], "total: 30 jobs")
})

test("quick-start.ts: the README's quick start runs", async (t) => {
  t.deepEqual(await run("quick-start.ts", {}), ["hello []", "job [ <Buffer 01 02> ]"])
})
