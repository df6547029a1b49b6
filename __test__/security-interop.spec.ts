// Security interop: CURVE and PLAIN (with ZAP admitting and refusing) between our sockets and
// independent libzmq peers, zeromq.js and pyzmq, in child processes (peers/*-security-peer.*),
// each side in each role. Serial: one ZAP handler serves this file, and this runs on 2 cores.
import test, { type ExecutionContext } from "ava"
import { Pair, curveKeyPair, z85Decode } from "../index"
import type { Observer, SocketEvent } from "../index"
import { peerCommand, startChildPeer, type ChildPeer, type PeerKind } from "./helpers/child-peer"
import { pyzmqAvailable } from "./helpers/peers"
import { bound, ipcEndpoint, within } from "./helpers/sockets"
import { useZapHandler } from "./helpers/zap"

const STEP_MS = 10000
const SCRIPTS: Record<PeerKind, string> = { zeromqjs: "zeromqjs-security-peer.js", pyzmq: "pyzmq-security-peer.py" }

interface PeerConfig {
  mechanism: "curve" | "plain"
  server: boolean
  publicKey?: string
  secretKey?: string
  serverKey?: string
  username?: string
  password?: string
  zap?: "allow" | "deny"
}

const zapHandler = useZapHandler()

async function peer(t: ExecutionContext, kind: PeerKind, mode: "bind" | "connect", endpoint: string, config: PeerConfig): Promise<ChildPeer> {
  const p = await startChildPeer({
    command: peerCommand(kind, SCRIPTS),
    config: { mode, endpoint, ...config },
    name: `${kind} security peer`,
    timeoutMs: STEP_MS,
    stdin: true,
  })
  t.teardown(() => p.kill())
  return p
}

function ours(t: ExecutionContext, options: ConstructorParameters<typeof Pair>[0]): Pair {
  const s = new Pair({ linger: 0, ...options })
  t.teardown(() => s.close())
  return s
}

/** We send, the peer reports what it received and answers; both directions are checked. */
async function exchange(t: ExecutionContext, sock: Pair, p: ChildPeer): Promise<void> {
  await within(sock.send(["ours", "hello"]), STEP_MS, "our send()")
  t.deepEqual(await p.next("what the peer received"), { received: ["ours", "hello"] })
  t.deepEqual((await within(sock.receive(), STEP_MS, "our receive()")).map(String), ["peer", "reply"])
}

async function nextOf(events: Observer, type: string): Promise<SocketEvent> {
  for (;;) {
    const e = await within(events.receive(), STEP_MS, `a ${type} event`)
    if (e.type === type) return e
  }
}

for (const kind of ["zeromqjs", "pyzmq"] as PeerKind[]) {
  const serial = kind === "pyzmq" && !pyzmqAvailable() ? test.skip : test.serial

  for (const transport of ["tcp", "ipc"]) {
    serial(`${kind}: their CURVE client -> our CURVE server (${transport})`, async t => {
      const server = curveKeyPair()
      const sock = ours(t, { curveServer: true, curvePublicKey: server.publicKey, curveSecretKey: server.secretKey })
      const ep = await bound(sock, transport === "tcp" ? "tcp://127.0.0.1:*" : ipcEndpoint())
      const client = curveKeyPair()
      const p = await peer(t, kind, "connect", ep, { mechanism: "curve", server: false, serverKey: server.publicKey, ...client })
      await exchange(t, sock, p)
    })
  }

  serial(`${kind}: our CURVE client -> their CURVE server`, async t => {
    const server = curveKeyPair()
    const p = await peer(t, kind, "bind", "tcp://127.0.0.1:*", { mechanism: "curve", server: true, ...server })
    const client = curveKeyPair()
    const sock = ours(t, { curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey })
    sock.connect(p.endpoint)
    await exchange(t, sock, p)
  })

  serial(`${kind}: their PLAIN client -> our PLAIN server, admitted by our ZAP handler`, async t => {
    const sock = ours(t, { plainServer: true, zapDomain: "ours" })
    const p = await peer(t, kind, "connect", await bound(sock), { mechanism: "plain", server: false, username: "them", password: "pw" })
    await exchange(t, sock, p)
    t.like(zapHandler().seen[0], { domain: "ours", mechanism: "PLAIN", address: "127.0.0.1" })
    t.deepEqual(zapHandler().seen[0].credentials.map(String), ["them", "pw"])
  })

  serial(`${kind}: our PLAIN client -> their PLAIN server, admitted by their ZAP handler`, async t => {
    const p = await peer(t, kind, "bind", "tcp://127.0.0.1:*", { mechanism: "plain", server: true, zap: "allow" })
    const sock = ours(t, { plainUsername: "us", plainPassword: "secret" })
    sock.connect(p.endpoint)
    await within(sock.send(["ours", "hello"]), STEP_MS, "our send()")
    const request = await p.next("their ZAP request")
    t.deepEqual(request, { zap: { domain: "interop", mechanism: "PLAIN", credentials: [Buffer.from("us").toString("hex"), Buffer.from("secret").toString("hex")] } })
    t.deepEqual(await p.next("what the peer received"), { received: ["ours", "hello"] })
    t.deepEqual((await within(sock.receive(), STEP_MS, "our receive()")).map(String), ["peer", "reply"])
  })

  serial(`${kind}: their ZAP handler refuses our CURVE client; we report status 400`, async t => {
    const server = curveKeyPair()
    const p = await peer(t, kind, "bind", "tcp://127.0.0.1:*", { mechanism: "curve", server: true, zap: "deny", ...server })
    const client = curveKeyPair()
    const sock = ours(t, { curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey })
    const events = sock.events
    sock.connect(p.endpoint)
    const e = await nextOf(events, "handshake:error:auth")
    t.is(e.error?.status, 400)
    const request = await p.next("their ZAP request")
    t.deepEqual(request, { zap: { domain: "interop", mechanism: "CURVE", credentials: [z85Decode(client.publicKey).toString("hex")] } })
  })

  serial(`${kind}: our ZAP handler refuses their CURVE client`, async t => {
    zapHandler().decide = () => ({ status: "400" })
    const server = curveKeyPair()
    const sock = ours(t, { curveServer: true, curvePublicKey: server.publicKey, curveSecretKey: server.secretKey })
    const events = sock.events
    const client = curveKeyPair()
    await peer(t, kind, "connect", await bound(sock), { mechanism: "curve", server: false, serverKey: server.publicKey, ...client })
    const e = await nextOf(events, "handshake:error:auth")
    t.is(e.error?.status, 400)
    t.deepEqual(zapHandler().seen[0].credentials, [z85Decode(client.publicKey)])
  })
}
