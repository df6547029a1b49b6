// PAIR behaviour: one peer at a time, both directions, re-pairing after the peer leaves.
import test from "ava"
import type { Pair } from "../index"
import { bound, ipcEndpoint, isPending, sockets, texts, within } from "./helpers/sockets"

/** Sends `text` from `a` and checks `b` receives exactly it. */
async function roundTrip(t: { deepEqual(a: unknown, b: unknown, m?: string): void }, a: Pair, b: Pair, text: string) {
  await within(a.send(text), 5000, `send ${text}`)
  t.deepEqual(texts([await within(b.receive(), 5000, `receive ${text}`)]), [[text]], text)
}

for (const address of ["tcp://127.0.0.1:*", ipcEndpoint()]) {
  test(`bind/connect round trip both ways, multipart (${address.split(":")[0]})`, async (t) => {
    const s = sockets(t)
    const bound1 = s.pair()
    const connected = s.pair()
    connected.connect(await bound(bound1, address))
    await connected.send(["to", "", "bound"])
    t.deepEqual(texts([await within(bound1.receive(), 5000, "to bound")]), [["to", "", "bound"]])
    await bound1.send(["to", Buffer.from([0, 1, 2]), "connected"])
    const back = await within(connected.receive(), 5000, "to connected")
    t.deepEqual(
      back.map((f) => [...f]),
      [[...Buffer.from("to")], [0, 1, 2], [...Buffer.from("connected")]],
    )
    // Several messages each way keep their order.
    for (let i = 0; i < 5; i++) await bound1.send(String(i))
    for (let i = 0; i < 5; i++) await connected.send(String(i))
    const fromBound: string[] = []
    const fromConnected: string[] = []
    for (let i = 0; i < 5; i++) fromBound.push((await within(connected.receive(), 5000, "b→c"))[0].toString())
    for (let i = 0; i < 5; i++) fromConnected.push((await within(bound1.receive(), 5000, "c→b"))[0].toString())
    t.deepEqual(fromBound, ["0", "1", "2", "3", "4"])
    t.deepEqual(fromConnected, ["0", "1", "2", "3", "4"])
  })
}

test("a second Pair connecting to a paired Pair is refused; the first keeps working", async (t) => {
  const s = sockets(t)
  const host = s.pair()
  const ep = await bound(host)
  const first = s.pair()
  first.connect(ep)
  await roundTrip(t, first, host, "first hello")
  await roundTrip(t, host, first, "host hello")
  const second = s.pair({ sendTimeout: 0 })
  second.connect(ep)
  // Its send may be refused (EAGAIN) or queued on a connection the host ignores: never delivered.
  await second.send("from second").catch(() => {})
  const secondGot = second.receive()
  secondGot.catch(() => {})
  // Round trips with the first peer give the second's connection every chance to land.
  for (let i = 0; i < 5; i++) {
    await roundTrip(t, first, host, `first ${i}`)
    await roundTrip(t, host, first, `host ${i}`)
  }
  t.true(await isPending(host.receive()), "the host received nothing from the second Pair")
  t.true(await isPending(secondGot), "the second Pair received nothing")
})

for (const leave of ["close", "disconnect"] as const) {
  test(`after the first peer leaves (${leave}), a new Pair can pair (zeromq.js never serves it)`, async (t) => {
    const s = sockets(t)
    const host = s.pair()
    const ep = await bound(host)
    const first = s.pair()
    first.connect(ep)
    await roundTrip(t, first, host, "first hello")
    await roundTrip(t, host, first, "host to first")
    if (leave === "close") first.close()
    else first.disconnect(ep)
    const next = s.pair()
    next.connect(ep)
    // Default sendTimeout: waits for the pairing instead of failing.
    await roundTrip(t, next, host, "next hello")
    await roundTrip(t, host, next, "host to next")
  })
}

test("a Pair refused while another was paired gets paired once that one has left", async (t) => {
  const s = sockets(t)
  const host = s.pair()
  const ep = await bound(host)
  const first = s.pair()
  first.connect(ep)
  await roundTrip(t, first, host, "first hello")
  const waiting = s.pair()
  waiting.connect(ep)
  // Proves the host still serves only the first after the waiting one tried to connect.
  await roundTrip(t, host, first, "still first")
  first.close()
  await roundTrip(t, waiting, host, "waiting hello")
  await roundTrip(t, host, waiting, "host to waiting")
})

test("send with no peer and sendTimeout 0 rejects EAGAIN", async (t) => {
  const s = sockets(t)
  const lonely = s.pair({ sendTimeout: 0 })
  await bound(lonely)
  await t.throwsAsync(within(lonely.send("anyone?"), 1000, "send with no peer"), {
    code: "EAGAIN",
    message: "Operation was not possible or timed out",
  })
  const unconnected = s.pair({ sendTimeout: 0 })
  await t.throwsAsync(within(unconnected.send("anyone?"), 1000, "send, never bound"), { code: "EAGAIN" })
})
