// REQUEST/REPLY behaviour: lock-step alternation, routing, envelopes, relaxed/correlate.
import test from "ava"
import type { Reply, Request } from "../index"
import { bound, sockets, texts, within } from "./helpers/sockets"

const EFSM = { code: "EFSM", message: "Operation cannot be accomplished in current state" }

/** Marks `p` handled (a failing test may leave it to reject at teardown) and returns it. */
function background<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {})
  return p
}

/** Answers `n` requests on `rep` with [name, ...request], returning what it saw. */
function serve(rep: Reply, name: string, n: number): Promise<string[][]> {
  return background(
    (async () => {
      const seen: string[][] = []
      for (let i = 0; i < n; i++) {
        const msg = await rep.receive()
        seen.push(msg.map((f) => f.toString()))
        await rep.send([name, ...msg])
      }
      return seen
    })(),
  )
}

/** A Request connected to a fresh bound Reply. */
async function pairUp(s: ReturnType<typeof sockets>, options?: ConstructorParameters<typeof Request>[0]) {
  const rep = s.rep()
  const req = s.req(options)
  req.connect(await bound(rep))
  return { req, rep }
}

test("hello round trip keeps every frame of request and reply", async (t) => {
  const s = sockets(t)
  const { req, rep } = await pairUp(s)
  await req.send(["hello", "", "world"])
  t.deepEqual(texts([await within(rep.receive(), 5000, "request")]), [["hello", "", "world"]])
  await rep.send(["hi", "", "there"])
  t.deepEqual(texts([await within(req.receive(), 5000, "reply")]), [["hi", "", "there"]])
  // A second full round trip works the same way.
  await req.send("again")
  t.deepEqual(texts([await within(rep.receive(), 5000, "request 2")]), [["again"]])
  await rep.send("ok")
  t.deepEqual(texts([await within(req.receive(), 5000, "reply 2")]), [["ok"]])
})

for (const sendTimeout of [0, undefined]) {
  test(`a second send before the reply rejects EFSM at once (sendTimeout ${sendTimeout ?? "default"})`, async (t) => {
    const s = sockets(t)
    const { req, rep } = await pairUp(s, sendTimeout === undefined ? undefined : { sendTimeout })
    await req.send("q1")
    // zeromq.js pends here with the default sendTimeout until the reply arrives: we reject at once.
    const err = await t.throwsAsync(within(req.send("q2"), 1000, "second send"), EFSM)
    t.is((err as { errno?: number }).errno, 156384763)
    // The first request is unaffected: it is answered and the socket can send again.
    t.deepEqual(texts([await within(rep.receive(), 5000, "q1")]), [["q1"]])
    await rep.send("r1")
    t.deepEqual(texts([await within(req.receive(), 5000, "r1")]), [["r1"]])
    await req.send("q3")
    t.deepEqual(texts([await within(rep.receive(), 5000, "q3, not q2")]), [["q3"]])
  })
}

test("Request receive() before any send() rejects EFSM at once (zeromq.js pends forever)", async (t) => {
  const s = sockets(t)
  const { req, rep } = await pairUp(s)
  await t.throwsAsync(within(req.receive(), 1000, "receive before send"), EFSM)
  // And again after a complete round trip, when the socket is back to sending.
  await req.send("q")
  await within(rep.receive(), 5000, "q")
  await rep.send("r")
  await within(req.receive(), 5000, "r")
  await t.throwsAsync(within(req.receive(), 1000, "receive after the reply"), EFSM)
})

test("Reply send() before receive() rejects EFSM", async (t) => {
  const s = sockets(t)
  const { req, rep } = await pairUp(s)
  await t.throwsAsync(within(rep.send("unasked"), 1000, "reply before request"), EFSM)
  // The Reply is still usable and the rejected reply was never sent.
  await req.send("q")
  t.deepEqual(texts([await within(rep.receive(), 5000, "q")]), [["q"]])
  await rep.send("r")
  t.deepEqual(texts([await within(req.receive(), 5000, "r")]), [["r"]])
})

test("Request round-robins over two Replys", async (t) => {
  const s = sockets(t)
  const rep1 = s.rep()
  const rep2 = s.rep()
  const req = s.req()
  req.connect(await bound(rep1))
  req.connect(await bound(rep2))
  const served = [serve(rep1, "rep1", 3), serve(rep2, "rep2", 3)]
  const answeredBy: string[] = []
  for (let i = 0; i < 6; i++) {
    await req.send(`q${i}`)
    const reply = await within(req.receive(), 5000, `reply ${i}`)
    t.is(reply[1].toString(), `q${i}`)
    answeredBy.push(reply[0].toString())
  }
  t.deepEqual(answeredBy, ["rep1", "rep2", "rep1", "rep2", "rep1", "rep2"])
  const [seen1, seen2] = await within(Promise.all(served), 5000, "servers done")
  t.deepEqual(seen1, [["q0"], ["q2"], ["q4"]])
  t.deepEqual(seen2, [["q1"], ["q3"], ["q5"]])
})

test("Reply fair-queues two Requests and answers each one", async (t) => {
  const s = sockets(t)
  const rep = s.rep()
  const ep = await bound(rep)
  const reqs = [s.req(), s.req()]
  for (const req of reqs) req.connect(ep)
  const clients = reqs.map((req, k) =>
    background(
      (async () => {
        const replies: string[] = []
        for (let i = 0; i < 3; i++) {
          await req.send(`${"AB"[k]}${i}`)
          replies.push(texts([await req.receive()])[0].join("|"))
        }
        return replies
      })(),
    ),
  )
  const seen = (await within(serve(rep, "rep", 6), 5000, "6 requests")).map((m) => m[0])
  // Both clients are served in turns: every pair of consecutive requests has one from each.
  for (let i = 0; i < 6; i += 2) t.deepEqual([seen[i][0], seen[i + 1][0]].sort(), ["A", "B"], seen.join(","))
  t.deepEqual(await within(Promise.all(clients), 5000, "clients done"), [
    ["rep|A0", "rep|A1", "rep|A2"],
    ["rep|B0", "rep|B1", "rep|B2"],
  ])
})

test("a Router sees [id, '', body] from a Request and answers through the envelope", async (t) => {
  const s = sockets(t)
  const router = s.router()
  const req = s.req()
  req.connect(await bound(router))
  await req.send(["p1", "p2"])
  const msg = await within(router.receive(), 5000, "request at router")
  t.is(msg.length, 4)
  t.is(msg[0].length, 5)
  t.deepEqual(texts([msg.slice(1)]), [["", "p1", "p2"]])
  await router.send([msg[0], "", "r1", "r2"])
  t.deepEqual(texts([await within(req.receive(), 5000, "reply")]), [["r1", "r2"]])
})

test("a Reply behind a Router/Dealer broker answers every Request with its own reply", async (t) => {
  const s = sockets(t)
  const front = s.router()
  const back = s.dealer()
  const frontEp = await bound(front)
  const backEp = await bound(back)
  const forward = (from: { receive(): Promise<Buffer[]> }, to: { send(m: Buffer[]): Promise<void> }) =>
    background(
      (async () => {
        for (;;) await to.send(await from.receive())
      })(),
    )
  forward(front, back)
  forward(back, front)
  const rep = s.rep()
  rep.connect(backEp)
  const seenByRep = serve(rep, "worker", 9)
  const reqs = [s.req(), s.req(), s.req()]
  const clients = reqs.map((req, k) => {
    req.connect(frontEp)
    return background(
      (async () => {
        const replies: string[] = []
        for (let i = 0; i < 3; i++) {
          await req.send(["client", String(k), String(i)])
          replies.push(texts([await req.receive()])[0].join(" "))
        }
        return replies
      })(),
    )
  })
  const replies = await within(Promise.all(clients), 5000, "9 replies")
  t.deepEqual(
    replies,
    [0, 1, 2].map((k) => [0, 1, 2].map((i) => `worker client ${k} ${i}`)),
  )
  // The Reply saw only bodies: the broker's envelope was stripped and restored.
  const seen = await within(seenByRep, 5000, "worker done")
  t.true(seen.every((m) => m.length === 3 && m[0] === "client"), JSON.stringify(seen))
})

test("a reply to a closed Request is dropped and the Reply receives again", async (t) => {
  const s = sockets(t)
  const rep = s.rep()
  const ep = await bound(rep)
  const gone = s.req()
  gone.connect(ep)
  await gone.send("from gone")
  t.deepEqual(texts([await within(rep.receive(), 5000, "first request")]), [["from gone"]])
  gone.close()
  await t.notThrowsAsync(within(rep.send("nobody hears this"), 1000, "reply to closed"))
  const next = s.req()
  next.connect(ep)
  await next.send("from next")
  t.deepEqual(texts([await within(rep.receive(), 5000, "second request")]), [["from next"]])
  await rep.send("for next")
  t.deepEqual(texts([await within(next.receive(), 5000, "reply to next")]), [["for next"]])
})

test("relaxed + correlate: a new request while waiting; the stale reply is dropped", async (t) => {
  const s = sockets(t)
  const router = s.router()
  const req = s.req({ relaxed: true, correlate: true })
  req.connect(await bound(router))
  await req.send("q1")
  const [id, reqId1, empty1, body1] = await within(router.receive(), 5000, "q1 at router")
  t.is(reqId1.length, 4)
  t.is(empty1.length, 0)
  t.is(body1.toString(), "q1")
  await t.notThrowsAsync(within(req.send("q2"), 1000, "q2 while waiting"))
  const q2 = await within(router.receive(), 5000, "q2 at router")
  t.is(q2.length, 4)
  t.true(q2[0].equals(id))
  t.is(q2[1].length, 4)
  t.false(q2[1].equals(reqId1), "each request has its own id")
  t.deepEqual(texts([q2.slice(2)]), [["", "q2"]])
  // Replies in the server's order: the stale one first, on the same connection.
  await router.send([id, reqId1, "", "r1"])
  await router.send([id, q2[1], "", "r2"])
  t.deepEqual(texts([await within(req.receive(), 5000, "r2")]), [["r2"]])
  // r1 does not turn up later either: the next reply received is r3.
  await req.send("q3")
  const q3 = await within(router.receive(), 5000, "q3 at router")
  await router.send([id, q3[1], "", "r3"])
  t.deepEqual(texts([await within(req.receive(), 5000, "r3")]), [["r3"]])
})

test("relaxed without correlate accepts the stale reply", async (t) => {
  const s = sockets(t)
  const router = s.router()
  const req = s.req({ relaxed: true })
  req.connect(await bound(router))
  await req.send("q1")
  const q1 = await within(router.receive(), 5000, "q1 at router")
  t.deepEqual(texts([q1.slice(1)]), [["", "q1"]])
  await t.notThrowsAsync(within(req.send("q2"), 1000, "q2 while waiting"))
  const q2 = await within(router.receive(), 5000, "q2 at router")
  t.deepEqual(texts([q2.slice(1)]), [["", "q2"]])
  await router.send([q1[0], "", "r1"])
  t.deepEqual(texts([await within(req.receive(), 5000, "stale r1")]), [["r1"]])
})

test("receiveTimeout on a Request waiting for its reply rejects EAGAIN; the reply still comes", async (t) => {
  const s = sockets(t)
  const { req, rep } = await pairUp(s, { receiveTimeout: 100 })
  await req.send("q")
  await within(rep.receive(), 5000, "request")
  await t.throwsAsync(within(req.receive(), 2000, "timed receive"), {
    code: "EAGAIN",
    message: "Operation was not possible or timed out",
  })
  // Still waiting for that reply, not back to sending.
  req.receiveTimeout = -1
  await rep.send("late")
  t.deepEqual(texts([await within(req.receive(), 5000, "late reply")]), [["late"]])
})

test("relaxed: when the Reply vanishes mid-request, a new request to another Reply is answered", async (t) => {
  const s = sockets(t)
  const rep1 = s.rep()
  const rep2 = s.rep()
  const req = s.req({ relaxed: true })
  req.connect(await bound(rep1))
  req.connect(await bound(rep2))
  await req.send("q1")
  t.deepEqual(texts([await within(rep1.receive(), 5000, "q1 at rep1")]), [["q1"]])
  rep1.close()
  // The rotation moves on to rep2 whether or not the Request has noticed rep1 is gone.
  await within(req.send("q2"), 1000, "q2 while q1 is unanswered")
  t.deepEqual(texts([await within(rep2.receive(), 5000, "q2 at rep2")]), [["q2"]])
  await rep2.send("r2")
  t.deepEqual(texts([await within(req.receive(), 5000, "r2")]), [["r2"]])
})
