// Interop, options and brokers: probeRouter, correlate/relaxed, mandatory and
// router.connect(address, { routingId }) against zeromq.js and pyzmq peers, and our Proxy(Router,
// Dealer) serving libzmq REQ clients and REP workers. Shared pieces: helpers/interop-kit.ts.
import test, { type ExecutionContext } from "ava"
import {
  Request,
  Dealer,
  Router,
  Proxy,
} from "../index"
import {
  peerFrame,
  startReqRepPeer,
  type PeerKind,
  type ReqRepPeer,
  type ReqRepPeerConfig,
} from "./helpers/reqrep-peers"
import {
  KINDS,
  SIDES,
  bindOurs,
  finished,
  link,
  ours,
  peerTest,
  pyzmqMissing,
  step,
  txt,
  txts,
  where,
} from "./helpers/interop-kit"

// ---- Options: probeRouter, correlate/relaxed, mandatory, router.connect(address, { routingId }) ---------

for (const kind of KINDS) {
  for (const ourSide of SIDES) {
    peerTest(kind, `our Dealer (probeRouter) -> their router gets [id, ""] unasked (${where(ourSide)})`, async t => {
      const dealer = ours(t, new Dealer({ probeRouter: true, routingId: "probe-1" }))
      const peer = await link(t, dealer, kind, ourSide, { role: "router", count: 1 })
      // We send nothing: the only message their router can get is the probe, which it echoes back.
      t.deepEqual(txt(await step(dealer.receive(), "our receive() of the echoed probe")), [""])
      const result = await finished(t, peer)
      t.deepEqual(txts(result.received), [["probe-1", ""]], "their router received the probe")
    })

    peerTest(kind, `our Request (correlate, relaxed) -> their rep: a superseded reply is dropped (${where(ourSide)})`, async t => {
      const req = ours(t, new Request({ correlate: true, relaxed: true }))
      const peer = await link(t, req, kind, ourSide, { role: "rep", count: 3 })
      // Request 0 is superseded by request 1 before its reply is read; that reply must never surface.
      await step(req.send("ours:0:0"), "our send() of request 0")
      await step(req.send("ours:1:0"), "our send() of request 1 (relaxed)")
      t.deepEqual(txt(await step(req.receive(), "our receive() of reply 1")), ["rep:ours:1:0"])
      await step(req.send("ours:2:0"), "our send() of request 2")
      t.deepEqual(txt(await step(req.receive(), "our receive() of reply 2")), ["rep:ours:2:0"])
      const result = await finished(t, peer)
      t.deepEqual(txts(result.received), [["ours:0:0"], ["ours:1:0"], ["ours:2:0"]], "their rep got all three")
    })

    peerTest(kind, `our Request (correlate) -> their router sees [id, request id, "", body] (${where(ourSide)})`, async t => {
      const req = ours(t, new Request({ correlate: true }))
      const peer = await link(t, req, kind, ourSide, { role: "router", count: 1 })
      await step(req.send("ours:0:0"), "our send() of the request")
      // The router's echo alters the request id frame, so our Request rightly drops the reply: not awaited.
      const result = await finished(t, peer)
      t.is(result.received.length, 1)
      const [msg] = result.received
      t.is(msg?.length, 4, `their router received ${JSON.stringify(msg?.map(f => f.toString("hex")))}`)
      t.is(msg?.[1]?.length, 4, "the request id frame is 4 bytes")
      t.deepEqual(txt(msg?.slice(2) ?? []), ["", "ours:0:0"])
    })

    peerTest(kind, `our Router (mandatory) <-> their dealer: unknown id rejects EHOSTUNREACH (${where(ourSide)})`, async t => {
      const router = ours(t, new Router({ mandatory: true }))
      const peer = await link(t, router, kind, ourSide, { role: "dealer", count: 1, routingId: "peer-d" })
      t.deepEqual(txt(await step(router.receive(), "our receive() from their dealer")), ["peer-d", "dealer:0:0"])
      const err = await t.throwsAsync(step(router.send(["nobody", "lost"]), "our send() to an unknown id"))
      t.is((err as { code?: string } | undefined)?.code, "EHOSTUNREACH")
      await step(router.send(["peer-d", "found"]), "our send() to their dealer")
      const result = await finished(t, peer)
      t.deepEqual(txts(result.received), [["found"]])
    })
  }

  // Sent right after connect(): libzmq attaches a pipe named by the connect routingId at once, so the
  // message is queued for the connection rather than dropped as unroutable.
  peerTest(kind, `our Router.connect(address, { routingId }) -> their router, send at once (tcp, ours connects)`, async t => {
    const router = ours(t, new Router({ routingId: "our-router" }))
    const peer = await startReqRepPeer(kind, { role: "router", mode: "bind", endpoint: "tcp://127.0.0.1:*", count: 1 })
    t.teardown(() => peer.kill())
    router.connect(peer.endpoint, { routingId: "their-router" })
    await step(router.send(["their-router", "hello"]), "our send() to their router")
    t.deepEqual(txt(await step(router.receive(), "our receive() of the echo")), ["their-router", "router:hello"])
    const result = await finished(t, peer)
    t.deepEqual(txts(result.received), [["our-router", "hello"]], "their router saw our routingId")
  })
}

// ---- Broker: our Proxy(Router, Dealer) between libzmq REQ clients and REP workers ------------------------

interface BrokerScenario {
  clients: PeerKind
  workers: PeerKind
}

async function broker(t: ExecutionContext, s: BrokerScenario): Promise<void> {
  const CLIENTS = ["client-a", "client-b", "client-c"]
  const WORKERS = ["worker-1", "worker-2"]
  const REQUESTS = 5

  const frontEnd = ours(t, new Router())
  const backEnd = ours(t, new Dealer())
  const proxy = new Proxy(frontEnd, backEnd)
  const frontEndpoint = await bindOurs(proxy.frontEnd, "tcp")
  const backEndpoint = await bindOurs(proxy.backEnd, "tcp")
  const running = proxy.run()
  running.catch(() => undefined)
  let terminated = false
  // Registered after the sockets' close(), so it runs first (ava runs teardowns last-in first-out).
  t.teardown(() => {
    if (!terminated) {
      try {
        proxy.terminate()
      } catch {
        // Already terminated, or the failure being reported is that the proxy never ran.
      }
    }
  })

  const start = async (kind: PeerKind, config: ReqRepPeerConfig): Promise<ReqRepPeer> => {
    const peer = await startReqRepPeer(kind, config)
    t.teardown(() => peer.kill())
    return peer
  }
  const workers: ReqRepPeer[] = []
  for (const name of WORKERS) {
    workers.push(
      await start(s.workers, { role: "rep", mode: "connect", endpoint: backEndpoint, count: 0, untilEof: true, name }),
    )
  }
  const clients: ReqRepPeer[] = []
  for (const name of CLIENTS) {
    clients.push(await start(s.clients, { role: "req", mode: "connect", endpoint: frontEndpoint, count: REQUESTS, name }))
  }

  // Every client gets, for each of its requests in turn, that very request echoed by one of the workers.
  const allRequests: string[] = []
  for (const [c, client] of clients.entries()) {
    const result = await finished(t, client)
    const name = CLIENTS[c]
    const requests = Array.from({ length: REQUESTS }, (_, i) => peerFrame(name, i, 0))
    allRequests.push(...requests)
    t.deepEqual(txts(result.sent), requests.map(r => [r]), `${name}'s requests`)
    t.is(result.received.length, REQUESTS, `${name} got ${result.received.length} replies`)
    for (const [i, reply] of txts(result.received).entries()) {
      const ok = reply.length === 1 && WORKERS.some(w => reply[0] === `${w}:${requests[i]}`)
      t.true(ok, `${name}'s reply ${i} is ${JSON.stringify(reply)}, not "<worker>:${requests[i]}"`)
    }
  }

  // Between them the workers served each request exactly once.
  const served: string[] = []
  for (const worker of workers) {
    worker.finish()
    const result = await finished(t, worker)
    for (const msg of txts(result.received)) served.push(msg.join("|"))
  }
  t.deepEqual([...served].sort(), [...allRequests].sort(), "requests the workers served")

  proxy.terminate()
  terminated = true
  await step(running, "proxy.run() to resolve after terminate()")
}

// pyzmq takes both roles in one scenario, so both need it.
const brokerTitle = (s: BrokerScenario): string =>
  `broker: our Proxy(Router, Dealer) serves ${s.clients} REQ clients x3 and ${s.workers} REP workers x2`
for (const s of [
  { clients: "pyzmq", workers: "zeromqjs" },
  { clients: "zeromqjs", workers: "pyzmq" },
] as BrokerScenario[]) {
  if (pyzmqMissing) test.skip(brokerTitle(s), t => broker(t, s))
  else test.serial(brokerTitle(s), t => broker(t, s))
}
