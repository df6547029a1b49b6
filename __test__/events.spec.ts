// socket.events (Observer): the events on both ends of tcp connections, how they end, and the
// Observer's modes (receive / for await / on), as zeromq.js shows them (reference-patterns.md §7).
import test from "ava"
import * as net from "node:net"
import type { Observer, SocketEvent } from "../index"
import { startEventPeer } from "./helpers/event-peers"
import { closedByPeer, greeting, rawConnect, ready } from "./helpers/raw-peer"
import { bound, isPending, sockets, within } from "./helpers/sockets"

/** Bound for every wait on an event. */
const STEP_MS = 3000

/** Type and address only (what most assertions compare). */
function brief(e: SocketEvent): { type: string; address?: string } {
  return e.address === undefined ? { type: e.type } : { type: e.type, address: e.address }
}

/** The next `n` events, each within STEP_MS. */
async function take(obs: Observer, n: number, what: string): Promise<SocketEvent[]> {
  const out: SocketEvent[] = []
  while (out.length < n) out.push(await within(obs.receive(), STEP_MS, `${what} (event ${out.length + 1} of ${n})`))
  return out
}

/** Events up to and including the first of `type`, each within STEP_MS. */
async function until(obs: Observer, type: string, what: string): Promise<SocketEvent[]> {
  const out: SocketEvent[] = []
  while (out.length === 0 || out[out.length - 1].type !== type) {
    out.push(await within(obs.receive(), STEP_MS, `${what}; so far ${JSON.stringify(out.map(e => e.type))}`))
  }
  return out
}

/** Every event left (for await, which must end after `end`), within STEP_MS in all. */
async function rest(obs: Observer, what: string): Promise<SocketEvent[]> {
  const out: SocketEvent[] = []
  await within((async () => {
    for await (const e of obs) out.push(e)
  })(), STEP_MS, `${what}; so far ${JSON.stringify(out.map(e => e.type))}`)
  return out
}

/** A tcp port on 127.0.0.1 that was just free (bound by node, then closed). */
async function freePort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>(resolve => srv.listen(0, "127.0.0.1", resolve))
  const { port } = srv.address() as net.AddressInfo
  await new Promise(resolve => srv.close(resolve))
  return port
}

/** A bound server and a client connected to it, both observed from before the bind / connect. */
async function connectedPair(t: Parameters<typeof sockets>[0]) {
  const s = sockets(t)
  const server = s.pair()
  const client = s.pair()
  const serverEvents = server.events
  const clientEvents = client.events
  const ep = await bound(server)
  client.connect(ep)
  const serverSeen = await take(serverEvents, 3, "the server's bind, accept, handshake")
  const clientSeen = await take(clientEvents, 3, "the client's connect:delay, connect, handshake")
  return { server, client, serverEvents, clientEvents, ep, serverSeen, clientSeen }
}

test("bind and connect: the events of both ends, all on the bound endpoint", async t => {
  const { ep, serverSeen, clientSeen } = await connectedPair(t)
  t.regex(ep, /^tcp:\/\/127\.0\.0\.1:\d+$/)
  t.deepEqual(serverSeen.map(brief), [
    { type: "bind", address: ep },
    { type: "accept", address: ep },
    { type: "handshake", address: ep },
  ])
  t.deepEqual(clientSeen.map(brief), [
    { type: "connect:delay", address: ep },
    { type: "connect", address: ep },
    { type: "handshake", address: ep },
  ])
})

test("client close(): the server sees disconnect, the client nothing but end", async t => {
  const { client, serverEvents, clientEvents, ep } = await connectedPair(t)
  client.close()
  t.deepEqual((await take(serverEvents, 1, "the server's disconnect")).map(brief), [{ type: "disconnect", address: ep }])
  t.deepEqual((await rest(clientEvents, "the client's events after close")).map(brief), [{ type: "end" }])
  t.true(clientEvents.closed)
})

test("client disconnect(ep): the server sees disconnect, the client nothing", async t => {
  const { client, serverEvents, clientEvents, ep } = await connectedPair(t)
  client.disconnect(ep)
  t.deepEqual((await take(serverEvents, 1, "the server's disconnect")).map(brief), [{ type: "disconnect", address: ep }])
  client.close()
  t.deepEqual((await rest(clientEvents, "the client's events after disconnect")).map(brief), [{ type: "end" }])
})

test("server unbind(ep): close {address}, then end once closed", async t => {
  const server = sockets(t).pair()
  const events = server.events
  const ep = await bound(server)
  t.deepEqual((await take(events, 1, "bind")).map(brief), [{ type: "bind", address: ep }])
  await server.unbind(ep)
  t.deepEqual((await take(events, 1, "close after unbind")).map(brief), [{ type: "close", address: ep }])
  server.close()
  t.deepEqual((await rest(events, "the events after close")).map(brief), [{ type: "end" }])
})

test("socket close(): the remaining events, then end; the iterator ends; receive() then fails EBADF", async t => {
  const s = sockets(t)
  const server = s.pair()
  const client = s.pair()
  const events = server.events
  const ep = await bound(server)
  client.connect(ep)
  // A message from the client has arrived: the server's handshake is behind us, none of it read yet.
  await client.send("hello")
  t.deepEqual((await within(server.receive(), STEP_MS, "hello")).map(String), ["hello"])
  server.close()
  const left = await rest(events, "the server's remaining events")
  const types = left.map(e => e.type)
  t.deepEqual(types.slice(0, 3), ["bind", "accept", "handshake"], JSON.stringify(types))
  t.deepEqual(left[left.length - 1], { type: "end" }, JSON.stringify(types))
  // Between handshake and end only the ends of the listener and the connection may appear.
  t.true(types.slice(3, -1).every(x => x === "close" || x === "disconnect"), JSON.stringify(types))
  t.true(events.closed)
  // zeromq.js 6.8.0 (measured): receive() after `end` throws EBADF 9 "Socket is closed" (sync there;
  // a rejection is accepted too). reference-patterns.md §7 says ENOTSOCK: that is `.events` itself.
  await t.throwsAsync(async () => within(events.receive(), STEP_MS, "receive after end"), { code: "EBADF" })
})

test("events.close(): a pending receive() rejects ENOTSOCK, closed is true", async t => {
  const sock = sockets(t).pair()
  const events = sock.events
  const pending = events.receive()
  pending.catch(() => undefined)
  t.true(await isPending(pending))
  events.close()
  t.true(events.closed)
  await t.throwsAsync(within(pending, 1000, "the pending receive after events.close()"), { code: "ENOTSOCK" })
})

test("connect to a port nobody listens on: connect:delay, close, connect:retry {interval} again and again", async t => {
  const ep = `tcp://127.0.0.1:${await freePort()}`
  const dealer = sockets(t).dealer({ reconnectInterval: 50 })
  const events = dealer.events
  dealer.connect(ep)
  const seen = await take(events, 9, "three rounds of connection attempts")
  const round = [
    { type: "connect:delay", address: ep },
    { type: "close", address: ep },
    { type: "connect:retry", address: ep, interval: 50 },
  ]
  const shown = seen.map(e => (e.interval === undefined ? brief(e) : { ...brief(e), interval: e.interval }))
  t.deepEqual(shown, [...round, ...round, ...round])
})

test("bind to a port in use: rejects EADDRINUSE and reports bind:error with its code", async t => {
  const s = sockets(t)
  const first = s.pair()
  const second = s.pair()
  const ep = await bound(first)
  const events = second.events
  await t.throwsAsync(within(second.bind(ep), STEP_MS, "the second bind"), { code: "EADDRINUSE" })
  // zeromq.js emits `close` (no address) first, then bind:error with "127.0.0.1:PORT" (no tcp://).
  const seen = await until(events, "bind:error", "bind:error")
  const failed = seen[seen.length - 1]
  t.is(failed.error?.code, "EADDRINUSE")
  t.true(failed.address?.endsWith(ep.slice("tcp://".length)), `address ${failed.address}`)
  t.false(seen.some(e => e.type === "bind"), JSON.stringify(seen.map(brief)))
})

test("a raw ZMTP peer announcing PUSH to our bound Push: handshake:error:protocol ERR_ZMTP_*", async t => {
  const push = sockets(t).push()
  const events = push.events
  const ep = await bound(push)
  const raw = await rawConnect(ep)
  t.teardown(() => raw.destroy())
  const closed = closedByPeer(raw)
  raw.write(Buffer.concat([greeting(), ready("PUSH")]))
  const seen = await until(events, "handshake:error:protocol", "the handshake error")
  t.deepEqual(seen.slice(0, 2).map(brief), [
    { type: "bind", address: ep },
    { type: "accept", address: ep },
  ])
  const failed = seen[seen.length - 1]
  t.is(failed.address, ep)
  t.regex(String(failed.error?.code), /^ERR_ZMTP_/)
  t.false(seen.some(e => e.type === "handshake"))
  await within(closed, STEP_MS, "our side to close the raw connection")
})

// libzmq 4.3.5 (zeromq.js) reports a socket-type mismatch as a bare `disconnect` on both ends (no
// handshake:error:protocol; its connecting side then stops retrying): only our side is asserted.
test("our Push connecting to a zeromq.js Push: handshake:error:protocol on our end", async t => {
  const peer = await startEventPeer(t, { lib: "zeromq", type: "push", mode: "bind", endpoint: "tcp://127.0.0.1:*" })
  const push = sockets(t).push()
  const events = push.events
  push.connect(peer.endpoint)
  const seen = await until(events, "handshake:error:protocol", "our handshake error")
  t.deepEqual(seen.slice(0, 2).map(brief), [
    { type: "connect:delay", address: peer.endpoint },
    { type: "connect", address: peer.endpoint },
  ])
  t.regex(String(seen[seen.length - 1].error?.code), /^ERR_ZMTP_/)
  t.false(seen.some(e => e.type === "handshake"))
  // zeromq.js dropped the connection without completing a handshake either.
  await peer.waitEvent("disconnect", STEP_MS, "zeromq.js to drop the connection")
  t.false(peer.events.some(e => e.type === "handshake"), JSON.stringify(peer.events))
})

test("on(): event-emitter mode delivers events; then receive() throws and for await fails", async t => {
  const s = sockets(t)
  const server = s.pair()
  const client = s.pair()
  const events = client.events
  const ep = await bound(server)
  const removed: SocketEvent[] = []
  const dropListener = (e: SocketEvent) => removed.push(e)
  const connected = new Promise<SocketEvent>(resolve => events.on("connect", resolve))
  const handshook = new Promise<SocketEvent>(resolve => events.on("handshake", resolve))
  const emitter = events.on("connect", dropListener)
  t.is(typeof emitter.emit, "function")
  events.off("connect", dropListener)
  client.connect(ep)
  t.deepEqual(brief(await within(connected, STEP_MS, "the connect listener")), { type: "connect", address: ep })
  t.deepEqual(brief(await within(handshook, STEP_MS, "the handshake listener")), { type: "handshake", address: ep })
  t.deepEqual(removed, [], "a listener removed with off() was called")
  t.throws(() => events.receive(), { message: /^Observer is in event emitter mode\./ })
  await t.throwsAsync(async () => {
    for await (const _ of events) break
  }, { message: /^Observer is in event emitter mode\./ })
})

test("a second receive() while one is pending rejects EBUSY; the first gets the next event", async t => {
  const sock = sockets(t).pair()
  const events = sock.events
  const first = events.receive()
  t.true(await isPending(first))
  await t.throwsAsync(events.receive(), { code: "EBUSY" })
  const ep = await bound(sock)
  t.deepEqual(brief(await within(first, STEP_MS, "the pending receive")), { type: "bind", address: ep })
})

test("events is the same Observer on every access", t => {
  const sock = sockets(t).dealer()
  const events = sock.events
  t.is(sock.events, events)
  t.is(sock.events, events)
})

test("events of a closed socket that was never observed: throws ENOTSOCK", t => {
  const sock = sockets(t).dealer()
  sock.close()
  t.throws(() => sock.events, { code: "ENOTSOCK" })
})

test("nothing is recorded before the first access to events", async t => {
  const s = sockets(t)
  const server = s.pair()
  const client = s.pair()
  const ep = await bound(server)
  // Accessed only now: the bind above is not reported; the connection that follows is.
  const events = server.events
  client.connect(ep)
  t.deepEqual((await take(events, 2, "accept, handshake")).map(brief), [
    { type: "accept", address: ep },
    { type: "handshake", address: ep },
  ])
})
