// Socket options beyond the queueing basics: conflate, ipv6, kernel buffer and tcp settings, and
// the read-only securityMechanism/threadSafe, with zeromq.js's defaults.
import test from "ava"
import * as os from "node:os"
import { Dealer, Pair, Pull, Push, Router } from "../index"
import { bound, ipcEndpoint, sockets, texts, within } from "./helpers/sockets"

test("defaults match zeromq.js", (t) => {
  const s = sockets(t)
  const dealer = s.dealer()
  t.is(dealer.sendBufferSize, -1)
  t.is(dealer.receiveBufferSize, -1)
  t.is(dealer.typeOfService, 0)
  t.is(dealer.tcpMaxRetransmitTimeout, 0)
  t.is(dealer.ipv6, false)
  t.is(dealer.conflate, false)
  t.is(dealer.securityMechanism, null)
  t.is(dealer.threadSafe, false)
  t.throws(() => {
    ;(dealer as unknown as { securityMechanism: string }).securityMechanism = "plain"
  }, { instanceOf: TypeError })
  t.throws(() => (dealer.typeOfService = 256), { code: "EINVAL" })
  t.throws(() => (dealer.sendBufferSize = -2), { code: "EINVAL" })
  t.throws(() => new Router({ conflate: true } as never), { instanceOf: TypeError })
  t.throws(() => new Pair({ conflate: true } as never), { instanceOf: TypeError })
})

test("conflate on Push: only the newest unsent message waits for the peer", async (t) => {
  const s = sockets(t)
  const endpoint = ipcEndpoint()
  const push = s.push({ conflate: true })
  push.connect(endpoint)
  // With no peer yet, every send resolves at once and replaces the one before.
  for (let i = 0; i < 10; i++) await push.send(`m${i}`)
  const pull = s.pull()
  await pull.bind(endpoint)
  t.deepEqual(texts([await within(pull.receive(), 5000, "newest message")]), [["m9"]])
  await push.send("marker")
  t.deepEqual(texts([await within(pull.receive(), 5000, "marker")]), [["marker"]])
})

test("conflate on Pull: messages that arrive unread replace each other", async (t) => {
  const s = sockets(t)
  const pull = s.pull({ conflate: true })
  const endpoint = await bound(pull)
  const push = s.push()
  push.connect(endpoint)
  for (let i = 0; i < 200; i++) await push.send(String(i))
  const got: number[] = []
  while (got[got.length - 1] !== 199) {
    const [frame] = await within(pull.receive(), 5000, "messages up to 199")
    got.push(Number(frame.toString()))
  }
  // Always the newest: strictly increasing, and some were replaced before being read.
  t.true(got.every((n, i) => i === 0 || n > got[i - 1]))
  t.true(got.length < 200, `received ${got.length} of 200`)
})

test("buffer sizes, type of service and max retransmit timeout are accepted and traffic flows", async (t) => {
  const s = sockets(t)
  const options = { sendBufferSize: 65536, receiveBufferSize: 65536, typeOfService: 0x10, tcpMaxRetransmitTimeout: 5000 }
  const pull = s.pull(options)
  const push = s.push(options)
  push.connect(await bound(pull))
  await push.send(Buffer.alloc(300000, 1))
  const [frame] = await within(pull.receive(), 5000, "a large message")
  t.is(frame.length, 300000)
  t.is(pull.typeOfService, 0x10)
})

const hasIpv6 = Object.values(os.networkInterfaces()).some((list) =>
  (list ?? []).some((i) => i.family === "IPv6" && i.internal),
)

test("without ipv6, * binds IPv4 interfaces", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  t.regex(await bound(pull, "tcp://*:*"), /^tcp:\/\/0\.0\.0\.0:\d+$/)
})
;(hasIpv6 ? test : test.skip)("with ipv6, * binds IPv6 and IPv4 interfaces", async (t) => {
  const s = sockets(t)
  const pull = s.pull({ ipv6: true })
  const endpoint = await bound(pull, "tcp://*:*")
  t.regex(endpoint, /^tcp:\/\/\[::\]:\d+$/)
  const port = endpoint.split(":").pop()
  const v4 = s.push()
  v4.connect(`tcp://127.0.0.1:${port}`)
  await v4.send("over IPv4")
  const v6 = s.push()
  v6.connect(`tcp://[::1]:${port}`)
  await v6.send("over IPv6")
  const got = [await within(pull.receive(), 5000, "first"), await within(pull.receive(), 5000, "second")]
  t.deepEqual(texts(got).map((m) => m[0]).sort(), ["over IPv4", "over IPv6"])
})

test("conflate on Dealer keeps the newest reply per peer", async (t) => {
  const s = sockets(t)
  const router = s.router()
  const endpoint = await bound(router)
  const dealer: Dealer = s.dealer({ conflate: true, routingId: "d" })
  dealer.connect(endpoint)
  await dealer.send("hello")
  const [id] = await within(router.receive(), 5000, "hello")
  for (let i = 0; i < 100; i++) await router.send([id, String(i)])
  const got: number[] = []
  while (got[got.length - 1] !== 99) got.push(Number((await within(dealer.receive(), 5000, "replies"))[0].toString()))
  t.true(got.every((n, i) => i === 0 || n > got[i - 1]))
  t.true(got.length < 100, `received ${got.length} of 100`)
})

test("Push and Pull accept conflate as a property too", (t) => {
  const s = sockets(t)
  const push: Push = s.push()
  const pull: Pull = s.pull()
  push.conflate = true
  pull.conflate = true
  t.true(push.conflate && pull.conflate)
})

test.serial("setting a connection option after connect warns, as zeromq.js does; immediate ones do not", async (t) => {
  const s = sockets(t)
  const dealer = s.dealer()
  const warnings: string[] = []
  const listener = (w: Error) => warnings.push(w.message)
  process.on("warning", listener)
  t.teardown(() => process.off("warning", listener))
  dealer.routingId = "before" // no endpoint yet: nothing to warn about
  dealer.connect("inproc://options-spec-warning")
  dealer.linger = 0 // acts at once
  dealer.routingId = "after"
  await new Promise((r) => setImmediate(r))
  t.deepEqual(warnings, ["Socket option will not take effect until next connect/bind."])
})

test("zeromq.js's numeric option accessors map to the named options", (t) => {
  const dealer = sockets(t).dealer() as unknown as Record<string, (...args: unknown[]) => unknown> & Dealer
  t.is(dealer.getBoolOption(39), false)
  dealer.setInt32Option(19, 75)
  t.is(dealer.backlog, 75)
  t.is(dealer.getInt64Option(22), -1)
  dealer.setStringOption(5, "åbç")
  t.is(dealer.routingId, "åbç")
  t.throws(() => dealer.getInt32Option(1234), { code: "EINVAL" })
})

// Serial, as the other warning test: both listen on the process for warnings.
test.serial("the 64-bit affinity mask holds all 64 bits and warns when a value is beyond 2^53", async (t) => {
  const dealer = sockets(t).dealer()
  const warnings: string[] = []
  const listener = (w: Error) => warnings.push(w.message)
  process.on("warning", listener)
  t.teardown(() => process.off("warning", listener))
  dealer.affinity = 3
  t.is(dealer.affinity, 3)
  // JS writes 0xffffffffffffffff as 2^64: it stands for the mask with every bit set.
  dealer.affinity = 0xffffffffffffffff
  t.is(dealer.affinity, 0xffffffffffffffff)
  dealer.affinity = 0xfffffff7fab7fb
  t.is(dealer.affinity, 0xfffffff7fab7fb)
  t.throws(() => (dealer.affinity = -1), { code: "EINVAL" })
  t.throws(() => (dealer.affinity = 2 ** 65), { code: "EINVAL" })
  t.throws(() => (dealer.affinity = 1.5), { code: "EINVAL" })
  await new Promise((r) => setImmediate(r))
  const large = "Value is larger than Number.MAX_SAFE_INTEGER and may have been rounded inaccurately."
  t.deepEqual(warnings, [large, large])
})
