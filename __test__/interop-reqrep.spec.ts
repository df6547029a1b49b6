// Interop: our Request, Reply, Dealer, Router and Pair against independent libzmq peers (zeromq.js
// and pyzmq) in child processes, with our socket binding and connecting. Options and the broker:
// interop-broker.spec.ts; shared pieces: helpers/interop-kit.ts.
//
// The peers (see helpers/reqrep-peers.ts) send text frames `<name>:<i>:<j>` and echo what they receive
// with `<name>:` prefixed to every non-empty frame, so each test knows exactly what must come back.
// Tests are serial: each one spawns peer processes, and this runs on a 2-core machine.
import {
  Request,
  Reply,
  Dealer,
  Router,
  Pair,
} from "../index"
import {
  peerFrame,
} from "./helpers/reqrep-peers"
import {
  KINDS,
  SIDES,
  type Transport,
  assertGeneratedId,
  echoOf,
  finished,
  link,
  msgOf,
  ours,
  peerTest,
  step,
  txt,
  txts,
  where,
} from "./helpers/interop-kit"

for (const kind of KINDS) {
  for (const ourSide of SIDES) {
    // ---- Request <-> Reply ----------------------------------------------------------------------------

    for (const transport of ["tcp", "ipc"] as Transport[]) {
      peerTest(kind, `our Request -> their rep, 5 x 2 frames (${where(ourSide, transport)})`, async t => {
        const req = ours(t, new Request())
        const peer = await link(t, req, kind, ourSide, { role: "rep", count: 5 }, transport)
        const replies: string[][] = []
        for (let i = 0; i < 5; i++) {
          await step(req.send(msgOf("ours", i, 2)), `our send() of request ${i}`)
          replies.push(txt(await step(req.receive(), `our receive() of reply ${i}`)))
        }
        const requests = Array.from({ length: 5 }, (_, i) => msgOf("ours", i, 2))
        t.deepEqual(replies, requests.map(m => echoOf("rep", m)))
        const result = await finished(t, peer)
        t.deepEqual(txts(result.received), requests, "what their rep received")
      })
    }

    peerTest(kind, `their req -> our Reply, 5 x 2 frames (${where(ourSide)})`, async t => {
      const rep = ours(t, new Reply())
      const peer = await link(t, rep, kind, ourSide, { role: "req", count: 5, parts: 2 })
      const requests: string[][] = []
      for (let i = 0; i < 5; i++) {
        const request = txt(await step(rep.receive(), `our receive() of request ${i}`))
        requests.push(request)
        await step(rep.send(echoOf("ours", request)), `our send() of reply ${i}`)
      }
      const expected = Array.from({ length: 5 }, (_, i) => msgOf("req", i, 2))
      t.deepEqual(requests, expected, "requests our Reply received (no envelope)")
      const result = await finished(t, peer)
      t.deepEqual(txts(result.received), expected.map(m => echoOf("ours", m)), "replies their req received")
    })

    // ---- Request <-> Router -----------------------------------------------------------------------------

    peerTest(kind, `our Request -> their router sees [id, "", body] (${where(ourSide)})`, async t => {
      const req = ours(t, new Request())
      const peer = await link(t, req, kind, ourSide, { role: "router", count: 3 })
      const replies: string[][] = []
      for (let i = 0; i < 3; i++) {
        await step(req.send(peerFrame("ours", i, 0)), `our send() of request ${i}`)
        replies.push(txt(await step(req.receive(), `our receive() of reply ${i}`)))
      }
      t.deepEqual(replies, [0, 1, 2].map(i => [`router:${peerFrame("ours", i, 0)}`]))
      const result = await finished(t, peer)
      t.is(result.ids.length, 1, "their router saw exactly one routing id")
      assertGeneratedId(t, result.ids[0], "our Request without routingId")
      t.deepEqual(
        result.received.map(m => [m[0].toString("hex"), ...txt(m.slice(1))]),
        [0, 1, 2].map(i => [result.ids[0]?.toString("hex"), "", peerFrame("ours", i, 0)]),
        "their router received [id, empty delimiter, body]",
      )
    })

    peerTest(kind, `their req (routingId) -> our Router sees [id, "", body] (${where(ourSide)})`, async t => {
      const router = ours(t, new Router())
      const peer = await link(t, router, kind, ourSide, { role: "req", count: 3, routingId: "their-req" })
      const seen: string[][] = []
      for (let i = 0; i < 3; i++) {
        const msg = txt(await step(router.receive(), `our receive() of request ${i}`))
        seen.push(msg)
        if (msg.length !== 3) break
        await step(router.send([msg[0], "", `ours:${msg[2]}`]), `our send() of reply ${i}`)
      }
      t.deepEqual(seen, [0, 1, 2].map(i => ["their-req", "", peerFrame("req", i, 0)]))
      const result = await finished(t, peer)
      t.deepEqual(txts(result.received), [0, 1, 2].map(i => [`ours:${peerFrame("req", i, 0)}`]))
    })

    // ---- Dealer <-> Router ------------------------------------------------------------------------------

    for (const routingId of ["client-1", undefined]) {
      const idText = routingId ? `routingId "${routingId}"` : "generated id"
      peerTest(kind, `our Dealer (${idText}) <-> their router, 3 x 3 frames (${where(ourSide)})`, async t => {
        const dealer = ours(t, new Dealer(routingId ? { routingId } : {}))
        const peer = await link(t, dealer, kind, ourSide, { role: "router", count: 3 })
        const sent = [0, 1, 2].map(i => msgOf("ours", i, 3))
        for (const [i, msg] of sent.entries()) await step(dealer.send(msg), `our send() of message ${i}`)
        const got: string[][] = []
        for (let i = 0; i < 3; i++) got.push(txt(await step(dealer.receive(), `our receive() of message ${i}`)))
        t.deepEqual(got, sent.map(m => echoOf("router", m)), "what our Dealer got back")
        const result = await finished(t, peer)
        t.is(result.ids.length, 1, "their router saw exactly one routing id")
        const id = result.ids[0]
        if (routingId) t.is(id?.toString("latin1"), routingId, "the routing id their router saw")
        else assertGeneratedId(t, id, "our Dealer without routingId")
        t.deepEqual(
          result.received.map(m => [m[0].toString("hex"), ...txt(m.slice(1))]),
          sent.map(m => [id?.toString("hex"), ...m]),
          "their router received [id, ...frames]",
        )
      })

      peerTest(kind, `their dealer (${idText}) <-> our Router, 3 x 3 frames (${where(ourSide)})`, async t => {
        const router = ours(t, new Router())
        const peer = await link(t, router, kind, ourSide, { role: "dealer", count: 3, parts: 3, routingId })
        const got: Buffer[][] = []
        for (let i = 0; i < 3; i++) {
          const msg = await step(router.receive(), `our receive() of message ${i}`)
          got.push(msg)
          await step(router.send([msg[0], ...echoOf("ours", txt(msg.slice(1)))]), `our send() of reply ${i}`)
        }
        const ids = new Set(got.map(m => m[0].toString("hex")))
        t.is(ids.size, 1, `our Router saw one routing id, not ${[...ids].join(", ")}`)
        const id = got[0][0]
        if (routingId) t.is(id.toString("latin1"), routingId, "the routing id our Router saw")
        else assertGeneratedId(t, id, "their dealer without routingId")
        const expected = [0, 1, 2].map(i => msgOf("dealer", i, 3))
        t.deepEqual(got.map(m => txt(m.slice(1))), expected, "frames after the routing id")
        const result = await finished(t, peer)
        t.deepEqual(txts(result.received), expected.map(m => echoOf("ours", m)), "what their dealer got back")
      })
    }

    // ---- Dealer <-> Reply -------------------------------------------------------------------------------

    peerTest(kind, `our Dealer <-> their rep, with empty delimiter (${where(ourSide)})`, async t => {
      const dealer = ours(t, new Dealer())
      const peer = await link(t, dealer, kind, ourSide, { role: "rep", count: 3 })
      const sent = [0, 1, 2].map(i => ["", ...msgOf("ours", i, 2)])
      for (const [i, msg] of sent.entries()) await step(dealer.send(msg), `our send() of message ${i}`)
      const got: string[][] = []
      for (let i = 0; i < 3; i++) got.push(txt(await step(dealer.receive(), `our receive() of reply ${i}`)))
      t.deepEqual(got, sent.map(m => echoOf("rep", m)), "replies keep the empty delimiter")
      const result = await finished(t, peer)
      t.deepEqual(txts(result.received), sent.map(m => m.slice(1)), "their rep received the bodies")
    })

    peerTest(kind, `their dealer (empty delimiter) <-> our Reply (${where(ourSide)})`, async t => {
      const rep = ours(t, new Reply())
      const peer = await link(t, rep, kind, ourSide, { role: "dealer", count: 3, parts: 2, delimiter: true })
      const requests: string[][] = []
      for (let i = 0; i < 3; i++) {
        const request = txt(await step(rep.receive(), `our receive() of request ${i}`))
        requests.push(request)
        await step(rep.send(echoOf("ours", request)), `our send() of reply ${i}`)
      }
      const expected = [0, 1, 2].map(i => msgOf("dealer", i, 2))
      t.deepEqual(requests, expected, "our Reply received the bodies without the delimiter")
      const result = await finished(t, peer)
      t.deepEqual(txts(result.received), expected.map(m => ["", ...echoOf("ours", m)]), "their dealer's replies")
    })

    // ---- Pair <-> Pair ----------------------------------------------------------------------------------

    for (const transport of ["tcp", "ipc"] as Transport[]) {
      peerTest(kind, `our Pair <-> their pair, both ways at once (${where(ourSide, transport)})`, async t => {
        const pair = ours(t, new Pair())
        const peer = await link(t, pair, kind, ourSide, { role: "pair", count: 4 }, transport)
        const sent = [0, 1, 2, 3].map(i => msgOf("ours", i, 3))
        const sending = (async () => {
          for (const [i, msg] of sent.entries()) await step(pair.send(msg), `our send() of message ${i}`)
        })()
        sending.catch(() => undefined)
        const got: string[][] = []
        for (let i = 0; i < 4; i++) got.push(txt(await step(pair.receive(), `our receive() of message ${i}`)))
        await sending
        t.deepEqual(got, [0, 1, 2, 3].map(i => msgOf("pair", i, 1)), "what our Pair received")
        const result = await finished(t, peer)
        t.deepEqual(txts(result.received), sent, "what their pair received")
      })
    }
  }
}
