// Security: the key utilities, the security options, CURVE and PLAIN between our own sockets, ZAP
// (admit, deny, malformed replies) and the failures that must drop a connection with an event
// while the socket keeps serving. Serial: one ZAP handler serves this file's environment.
import test from "ava"
import { curveKeyPair, curvePublicKey, z85Decode, z85Encode, capability } from "../index"
import type { Observer, SocketEvent, ZmqError } from "../index"
import { bound, ipcEndpoint, sockets, within } from "./helpers/sockets"
import { useZapHandler } from "./helpers/zap"

const STEP_MS = 5000
const Z85 = /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/

const zapHandler = useZapHandler()

async function nextOf(events: Observer, type: string): Promise<SocketEvent> {
  for (;;) {
    const e = await within(events.receive(), STEP_MS, `a ${type} event`)
    if (e.type === type) return e
  }
}

function curveServerOptions(keys = curveKeyPair()) {
  return { linger: 0, curveServer: true, curvePublicKey: keys.publicKey, curveSecretKey: keys.secretKey }
}

function curveClientOptions(serverKey: string) {
  const keys = curveKeyPair()
  return { linger: 0, curveServerKey: serverKey, curvePublicKey: keys.publicKey, curveSecretKey: keys.secretKey }
}

test.serial("curveKeyPair gives distinct Z85 keys that belong together", t => {
  t.true(capability.curve)
  const a = curveKeyPair()
  const b = curveKeyPair()
  t.regex(a.publicKey, Z85)
  t.regex(a.secretKey, Z85)
  t.not(a.publicKey, b.publicKey)
  t.is(curvePublicKey(a.secretKey), a.publicKey)
  t.is(curvePublicKey(z85Decode(a.secretKey)), a.publicKey)
})

test.serial("z85 follows RFC 32 and rejects malformed input with EINVAL", t => {
  const bytes = Buffer.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b])
  t.is(z85Encode(bytes), "HelloWorld")
  t.deepEqual(z85Decode("HelloWorld"), bytes)
  for (const bad of [() => z85Encode(Buffer.alloc(3)), () => z85Decode("Hell"), () => z85Decode("Hell~"), () => curvePublicKey("short")]) {
    t.is(t.throws<ZmqError>(bad)?.code, "EINVAL")
  }
})

test.serial("security options select the mechanism; keys are validated and read back as Z85", t => {
  const { pair } = sockets(t)
  const s = pair()
  t.is(s.securityMechanism, null)
  s.plainServer = true
  t.is(s.securityMechanism, "plain")
  t.true(s.plainServer)
  s.curveServer = true
  t.is(s.securityMechanism, "curve")
  t.false(s.plainServer)
  s.plainUsername = "user"
  t.is(s.securityMechanism, "plain")
  t.is(s.plainUsername, "user")
  const keys = curveKeyPair()
  t.is(s.curveServerKey, null)
  s.curveServerKey = z85Decode(keys.publicKey)
  t.is(s.curveServerKey, keys.publicKey, "a 32-byte key reads back as Z85")
  t.is(s.securityMechanism, "curve")
  for (const bad of ["", "x".repeat(39), "~".repeat(40), Buffer.alloc(31)]) {
    t.is(t.throws<ZmqError>(() => (s.curvePublicKey = bad))?.code, "EINVAL")
  }
  t.is(t.throws<ZmqError>(() => (s.plainPassword = "p".repeat(256)))?.code, "EINVAL")
  t.throws(() => ((s as unknown as { curveServer: number }).curveServer = 1), { instanceOf: TypeError })
  s.zapDomain = "global"
  t.is(s.zapDomain, "global")
})

for (const transport of ["tcp", "ipc"]) {
  test.serial(`CURVE carries multipart messages both ways with routing ids (${transport})`, async t => {
    const { router, dealer } = sockets(t)
    const keys = curveKeyPair()
    const server = router(curveServerOptions(keys))
    const client = dealer({ ...curveClientOptions(keys.publicKey), routingId: "client-1" })
    const ep = await bound(server, transport === "tcp" ? "tcp://127.0.0.1:*" : ipcEndpoint())
    client.connect(ep)
    await client.send(["a", "", Buffer.alloc(100_000, 7)])
    const [id, a, empty, big] = await within(server.receive(), STEP_MS, "server receive")
    t.is(String(id), "client-1")
    t.is(String(a), "a")
    t.is(empty.length, 0)
    t.true(big.equals(Buffer.alloc(100_000, 7)))
    await server.send([id, "reply"])
    t.deepEqual((await within(client.receive(), STEP_MS, "client receive")).map(String), ["reply"])
  })
}

test.serial("CURVE with the wrong server key is refused with an event; the server keeps serving", async t => {
  const { pair } = sockets(t)
  const keys = curveKeyPair()
  const server = pair(curveServerOptions(keys))
  const events = server.events
  const ep = await bound(server)
  const wrong = pair(curveClientOptions(curveKeyPair().publicKey))
  const wrongEvents = wrong.events
  wrong.connect(ep)
  const e = await nextOf(events, "handshake:error:protocol")
  t.is(e.error?.code, "ERR_ZMTP_CRYPTOGRAPHIC")
  t.is(e.error?.message, "ZMTP protocol error")
  // The client sees the server hang up, as zeromq.js's does: EPIPE, and it tries again.
  const theirs = await nextOf(wrongEvents, "handshake:error:other")
  t.is(theirs.error?.code, "EPIPE")
  t.is((theirs.error as ZmqError).errno, 32)
  await nextOf(wrongEvents, "connect:retry")
  wrong.close()
  const right = pair(curveClientOptions(keys.publicKey))
  right.connect(ep)
  await right.send("after")
  t.deepEqual((await within(server.receive(), STEP_MS, "server receive")).map(String), ["after"])
})

test.serial("a PLAIN client is admitted or refused by ZAP; both sides report a refusal with its status", async t => {
  const { pair } = sockets(t)
  zapHandler().decide = req => (String(req.credentials[1]) === "secret" ? { status: "200", userId: "admin" } : { status: "400" })
  const server = pair({ linger: 0, plainServer: true, zapDomain: "test" })
  const serverEvents = server.events
  const ep = await bound(server)
  const good = pair({ linger: 0, plainUsername: "admin", plainPassword: "secret" })
  good.connect(ep)
  await good.send("in")
  t.deepEqual((await within(server.receive(), STEP_MS, "server receive")).map(String), ["in"])
  t.like(zapHandler().seen[0], { domain: "test", address: "127.0.0.1", mechanism: "PLAIN" })
  t.deepEqual(zapHandler().seen[0].credentials.map(String), ["admin", "secret"])
  good.close()
  const bad = pair({ linger: 0, plainUsername: "admin", plainPassword: "guess" })
  const badEvents = bad.events
  bad.connect(ep)
  const [ours, theirs] = await Promise.all([nextOf(serverEvents, "handshake:error:auth"), nextOf(badEvents, "handshake:error:auth")])
  for (const e of [ours, theirs]) {
    t.is(e.error?.message, "Authentication failure")
    t.is(e.error?.status, 400)
  }
})

test.serial("ZAP gets a CURVE client's long-term public key and can refuse it", async t => {
  const { pair } = sockets(t)
  const keys = curveKeyPair()
  zapHandler().decide = () => ({ status: "500" })
  const server = pair(curveServerOptions(keys))
  const events = server.events
  const ep = await bound(server)
  const options = curveClientOptions(keys.publicKey)
  const client = pair(options)
  client.connect(ep)
  const e = await nextOf(events, "handshake:error:auth")
  t.is(e.error?.status, 500)
  t.is(e.error?.message, "Internal error")
  t.is(zapHandler().seen[0].mechanism, "CURVE")
  t.deepEqual(zapHandler().seen[0].credentials, [z85Decode(options.curvePublicKey)])
})

test.serial("NULL with a ZAP domain asks ZAP too", async t => {
  const { pair } = sockets(t)
  zapHandler().decide = () => ({ status: "300" })
  const server = pair({ linger: 0, zapDomain: "null-domain" })
  const events = server.events
  const client = pair({ linger: 0 })
  client.connect(await bound(server))
  const e = await nextOf(events, "handshake:error:auth")
  t.is(e.error?.status, 300)
  t.like(zapHandler().seen[0], { domain: "null-domain", mechanism: "NULL" })
  t.deepEqual(zapHandler().seen[0].credentials, [])
})

test.serial("a malformed ZAP reply is a ZAP protocol error", async t => {
  const { pair } = sockets(t)
  zapHandler().decide = () => ({ status: "999" })
  const server = pair({ linger: 0, plainServer: true })
  const events = server.events
  const client = pair({ linger: 0, plainUsername: "u" })
  client.connect(await bound(server))
  const e = await nextOf(events, "handshake:error:protocol")
  t.is(e.error?.code, "ERR_ZAP_INVALID_STATUS_CODE")
  t.is(e.error?.message, "ZAP protocol error")
})

test.serial("mechanism mismatch is reported on both sides", async t => {
  const { pair } = sockets(t)
  const a = pair({ linger: 0, plainServer: true })
  const b = pair({ linger: 0, curveServer: true, curveSecretKey: curveKeyPair().secretKey })
  const [ea, eb] = [a.events, b.events]
  b.connect(await bound(a))
  for (const e of await Promise.all([nextOf(ea, "handshake:error:protocol"), nextOf(eb, "handshake:error:protocol")])) {
    t.is(e.error?.code, "ERR_ZMTP_MECHANISM_MISMATCH")
  }
})

test.serial("CURVE options are ignored over inproc, which has no wire (as in libzmq)", async t => {
  const { pair } = sockets(t)
  const keys = curveKeyPair()
  const server = pair(curveServerOptions(keys))
  await server.bind("inproc://security-spec")
  const client = pair(curveClientOptions(keys.publicKey))
  client.connect("inproc://security-spec")
  await client.send("inproc")
  t.deepEqual((await within(server.receive(), STEP_MS, "server receive")).map(String), ["inproc"])
})
