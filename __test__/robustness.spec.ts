// Hostile peers: garbage, truncated greetings, huge declared lengths, oversized messages. The
// process must live, the bad connection must be dropped, and good peers must still be served.
import test, { ExecutionContext } from "ava"
import { Pull } from "../index"
import { closedByPeer, greeting, longHeader, rawConnect, ready } from "./helpers/raw-peer"
import { bound, receiveN, sockets, texts, within } from "./helpers/sockets"

/** Proves `pull` still serves a well-behaved PUSH. */
async function stillServes(t: ExecutionContext, pull: Pull, ep: string) {
  const push = sockets(t).push()
  push.connect(ep)
  await push.send(["still", "alive"])
  t.deepEqual(texts(await within(receiveN(pull, 1), 5000, "good peer's message")), [["still", "alive"]])
}

test("garbage instead of a greeting is dropped at once", async (t) => {
  const pull = sockets(t).pull()
  const ep = await bound(pull)
  const raw = await rawConnect(ep)
  const closed = closedByPeer(raw)
  raw.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
  await within(closed, 5000, "garbage connection dropped")
  await stillServes(t, pull, ep)
})

test("a truncated greeting is dropped after handshakeInterval", async (t) => {
  const pull = sockets(t).pull({ handshakeInterval: 200 })
  const ep = await bound(pull)
  const raw = await rawConnect(ep)
  const closed = closedByPeer(raw)
  raw.write(greeting().subarray(0, 30))
  await within(closed, 5000, "stalled handshake dropped")
  await stillServes(t, pull, ep)
})

test("a peer of an incompatible type is refused", async (t) => {
  const pull = sockets(t).pull()
  const ep = await bound(pull)
  const raw = await rawConnect(ep)
  const closed = closedByPeer(raw)
  raw.write(Buffer.concat([greeting(), ready("PUB")]))
  await within(closed, 5000, "incompatible peer dropped")
  await stillServes(t, pull, ep)
})

test("a 2^40-byte declared frame does not allocate or crash", async (t) => {
  const pull = sockets(t).pull()
  const ep = await bound(pull)
  const raw = await rawConnect(ep)
  raw.on("error", () => {})
  raw.write(Buffer.concat([greeting(), ready("PUSH"), longHeader(1n << 40n), Buffer.from("only a few bytes")]))
  const rss = process.memoryUsage().rss
  await stillServes(t, pull, ep)
  t.false(pull.readable)
  t.true(process.memoryUsage().rss - rss < 256 * 1024 * 1024)
  raw.destroy()
})

test("maxMessageSize drops a peer that exceeds it, counting all frames", async (t) => {
  const pull = sockets(t).pull({ maxMessageSize: 100 })
  const ep = await bound(pull)
  const raw = await rawConnect(ep)
  const closed = closedByPeer(raw)
  // Two 60-byte frames of one message: 120 bytes in all.
  const frame = (more: boolean) => Buffer.concat([Buffer.from([more ? 1 : 0, 60]), Buffer.alloc(60)])
  raw.write(Buffer.concat([greeting(), ready("PUSH"), frame(true), frame(false)]))
  await within(closed, 5000, "oversized peer dropped")
  t.false(pull.readable)
  await stillServes(t, pull, ep)
})
