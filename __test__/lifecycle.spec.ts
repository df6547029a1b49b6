// Process lifetime, ipc files, wildcard and IPv6 endpoints, and the exported surface.
import test from "ava"
import { spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zmq from "../index"
import { bound, ipcEndpoint, receiveN, sockets, texts, within } from "./helpers/sockets"

const root = path.join(__dirname, "..")

/** Runs a script in a child Node process; resolves with its exit code and run time. */
function runChild(script: string): Promise<{ code: number | null; ms: number; stderr: string; stdout: string }> {
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["-e", script], { cwd: root, stdio: ["ignore", "pipe", "pipe"] })
    let stderr = ""
    let stdout = ""
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()))
    const killer = setTimeout(() => child.kill("SIGKILL"), 15000)
    child.on("exit", (code) => {
      clearTimeout(killer)
      resolve({ code, ms: Date.now() - started, stderr, stdout })
    })
  })
}

test("the process exits promptly with idle open sockets", async (t) => {
  const r = await runChild(`
    const { Push, Pull } = require("./index.js")
    ;(async () => {
      const pull = new Pull(); await pull.bind("tcp://127.0.0.1:*")
      const push = new Push(); push.connect(pull.lastEndpoint)
      await push.send("x"); await pull.receive()
    })()`)
  t.is(r.code, 0, r.stderr)
  t.true(r.ms < 5000, `took ${r.ms} ms`)
})

test("the process exits after linger when queued messages have no peer", async (t) => {
  const r = await runChild(`
    const { Push } = require("./index.js")
    const push = new Push({ linger: 300 })
    push.connect("ipc:///tmp/zmqrs-nobody-${process.pid}.sock")
    push.send("lost").then(() => push.close())`)
  t.is(r.code, 0, r.stderr)
  t.true(r.ms >= 300, `took ${r.ms} ms`)
  t.true(r.ms < 5000, `took ${r.ms} ms`)
})

test("a pending receive keeps the process alive until the socket closes", async (t) => {
  // The timer is unref'd: only the pending receive can keep the process running until it fires.
  const r = await runChild(`
    const { Pull } = require("./index.js")
    ;(async () => {
      const pull = new Pull(); await pull.bind("tcp://127.0.0.1:*")
      setTimeout(() => pull.close(), 200).unref()
      try { await pull.receive() } catch (e) { console.log("ended " + e.code) }
    })()`)
  t.is(r.code, 0, r.stderr)
  t.is(r.stdout.trim(), "ended EAGAIN")
})

test("ipc://* binds a generated path", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const ep = await bound(pull, "ipc://*")
  t.regex(ep, /^ipc:\/\/\/.+\/socket$/)
  t.true(fs.statSync(ep.slice("ipc://".length)).isSocket())
  const push = s.push()
  push.connect(ep)
  await push.send("via ipc")
  t.deepEqual(texts(await within(receiveN(pull, 1), 5000, "ipc message")), [["via ipc"]])
})

test("a stale ipc socket file is replaced on bind; a regular file is not", async (t) => {
  const s = sockets(t)
  const ep = ipcEndpoint()
  const file = ep.slice("ipc://".length)
  // A process that dies without unlinking its socket leaves a stale file behind.
  spawnSync(process.execPath, [
    "-e",
    `require("net").createServer().listen(${JSON.stringify(file)}, () => process.kill(process.pid, "SIGKILL"))`,
  ])
  t.true(fs.statSync(file).isSocket())
  const pull = s.pull()
  await pull.bind(ep)
  const push = s.push()
  push.connect(ep)
  await push.send("fresh")
  t.deepEqual(texts(await within(receiveN(pull, 1), 5000, "message")), [["fresh"]])
  const plain = path.join(os.tmpdir(), `zmqrs-plain-${process.pid}`)
  fs.writeFileSync(plain, "keep me")
  t.teardown(() => fs.rmSync(plain, { force: true }))
  await t.throwsAsync(s.pull().bind(`ipc://${plain}`), { code: "EADDRINUSE" })
  t.is(fs.readFileSync(plain, "utf8"), "keep me")
})

test("tcp://*:* binds every interface and reports the port", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const ep = await bound(pull, "tcp://*:*")
  const m = /^tcp:\/\/0\.0\.0\.0:(\d+)$/.exec(ep)
  t.truthy(m, ep)
  const push = s.push()
  push.connect(`tcp://localhost:${m![1]}`)
  await push.send("any")
  t.deepEqual(texts(await within(receiveN(pull, 1), 5000, "message")), [["any"]])
})

const hasIpv6 = Object.values(os.networkInterfaces()).some((list) =>
  (list ?? []).some((i) => i.family === "IPv6" && i.internal),
)
;(hasIpv6 ? test : test.skip)("IPv6 endpoints bind and connect", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const ep = await bound(pull, "tcp://[::1]:*")
  t.regex(ep, /^tcp:\/\/\[::1\]:\d+$/)
  const push = s.push()
  push.connect(ep)
  await push.send("v6")
  t.deepEqual(texts(await within(receiveN(pull, 1), 5000, "message")), [["v6"]])
})
if (!hasIpv6) console.log("IPv6 test skipped: no IPv6 loopback interface")

test("every class and option declared in index.d.ts exists at runtime", (t) => {
  // index.d.ts and the lib/*.d.ts files it re-exports.
  const files = ["index.d.ts", ...fs.readdirSync(path.join(root, "lib")).filter((f) => f.endsWith(".d.ts")).map((f) => `lib/${f}`)]
  const dts = files.map((f) => fs.readFileSync(path.join(root, f), "utf8")).join("\n")
  const classes = [...dts.matchAll(/export declare (?:abstract )?class (\w+)/g)].map((m) => m[1])
  t.deepEqual(classes.sort(), [
    "Context",
    "Dealer",
    "Observer",
    "Pair",
    "Proxy",
    "Publisher",
    "Pull",
    "Push",
    "Reply",
    "Request",
    "Router",
    "Socket",
    "Stream",
    "Subscriber",
    "XPublisher",
    "XSubscriber",
  ])
  for (const name of classes) t.is(typeof (zmq as Record<string, unknown>)[name], "function", name)
  const optionsOf = (iface: string) => {
    const block = new RegExp(`interface ${iface}(?:<[^>]*>)?(?: extends [\\w, ]+)? \\{([\\s\\S]*?)\\n\\}`).exec(dts)?.[1] ?? ""
    return [...block.matchAll(/^\s+(\w+)\?:/gm)].map((m) => m[1]).sort()
  }
  // The security options are declared in lib/security.d.ts, which index.d.ts re-exports.
  const declared = [...optionsOf("CommonSocketOptions"), ...optionsOf("SecurityOptions")].sort()
  t.true(declared.length >= 20)
  const runtime = Object.keys(zmq.Socket.prototype)
  t.deepEqual(declared, runtime.sort())
  const perClass: [new () => zmq.Socket, string[]][] = [
    [zmq.Request, [...optionsOf("RoutingIdOptions"), ...optionsOf("RequestOptions")]],
    [zmq.Reply, optionsOf("RoutingIdOptions")],
    [zmq.Dealer, [...optionsOf("RoutingIdOptions"), ...optionsOf("DealerOptions"), ...optionsOf("ConflateOptions")]],
    [zmq.Router, [...optionsOf("RoutingIdOptions"), ...optionsOf("RouterOptions")]],
    [zmq.Push, [...declared, ...optionsOf("ConflateOptions")]],
    [zmq.Pull, [...declared, ...optionsOf("ConflateOptions")]],
    [zmq.Pair, declared],
    [zmq.Publisher, [...declared, ...optionsOf("PublisherOptions"), ...optionsOf("ConflateOptions")]],
    [zmq.Subscriber, [...declared, ...optionsOf("SubscriberOptions"), ...optionsOf("ConflateOptions")]],
    [zmq.XPublisher, [...declared, ...optionsOf("XPublisherOptions")]],
    [zmq.XSubscriber, declared],
    [zmq.Stream, [...declared, ...optionsOf("StreamOptions")]],
  ]
  for (const [Class, names] of perClass) {
    const s = new Class()
    t.teardown(() => s.close())
    for (const name of names) t.true(name in s, `${Class.name}.${name}`)
    // Type-specific options exist only where declared: mandatory is a Router's alone.
    t.is("mandatory" in s, Class === zmq.Router, `${Class.name}.mandatory`)
    const conflating = [zmq.Dealer, zmq.Pull, zmq.Push, zmq.Publisher, zmq.Subscriber]
    t.is("conflate" in s, conflating.includes(Class as never), `${Class.name}.conflate`)
  }
})

test("a worker thread's exit closes only that worker's sockets", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const ep = await bound(pull)
  const { Worker } = await import("node:worker_threads")
  const worker = new Worker(
    `const { Push } = require(${JSON.stringify(path.join(root, "index.js"))})
     const push = new Push()
     push.connect(${JSON.stringify(ep)})
     push.send("from worker").then(() => process.exit(0))`,
    { eval: true },
  )
  const code = await new Promise<number>((resolve) => worker.on("exit", resolve))
  t.is(code, 0)
  t.deepEqual(texts(await within(receiveN(pull, 1), 5000, "worker message")), [["from worker"]])
  // The main thread's socket is still open and working.
  t.false(pull.closed)
  const push = s.push()
  push.connect(ep)
  await push.send("from main")
  t.deepEqual(texts(await within(receiveN(pull, 1), 5000, "main message")), [["from main"]])
})
