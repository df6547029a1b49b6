#!/usr/bin/env node
// Security interop peer backed by zeromq.js (libzmq), run as a child process by
// __test__/security-interop.spec.ts: a PAIR that is a CURVE or PLAIN server or client, with a ZAP
// handler of its own when asked. Config (argv[1], JSON): mode, endpoint, mechanism ("curve" |
// "plain"), server (bool), publicKey/secretKey (CURVE, Z85), serverKey (CURVE client), username/
// password (PLAIN client), zap ("allow" | "deny" | absent). Prints {"endpoint"} or {"ready"},
// then {"zap": {...}} per ZAP request and {"received": [...]} for the one message it receives
// (and answers with ["peer", "reply"]); exits when stdin closes.
"use strict"

const zmq = require("zeromq")
const {emit, bindOrConnect, run} = require("./peer-common")

async function zapHandler(policy) {
  const handler = new zmq.Router({linger: 0})
  await handler.bind("inproc://zeromq.zap.01")
  void (async () => {
    for await (const [peer, delimiter, version, id, domain, , , mechanism, ...credentials] of handler) {
      emit({zap: {domain: String(domain), mechanism: String(mechanism), credentials: credentials.map(c => c.toString("hex"))}})
      const status = policy === "allow" ? "200" : "400"
      await handler.send([peer, delimiter, version, id, status, "", "peer-user", ""])
    }
  })().catch(() => undefined)
  return handler
}

function options(cfg) {
  if (cfg.mechanism === "curve") {
    return cfg.server
      ? {curveServer: true, curvePublicKey: cfg.publicKey, curveSecretKey: cfg.secretKey}
      : {curveServerKey: cfg.serverKey, curvePublicKey: cfg.publicKey, curveSecretKey: cfg.secretKey}
  }
  return cfg.server ? {plainServer: true} : {plainUsername: cfg.username, plainPassword: cfg.password}
}

async function main() {
  const cfg = JSON.parse(process.argv[2])
  const handler = cfg.zap ? await zapHandler(cfg.zap) : undefined
  const sock = new zmq.Pair({linger: 0, zapDomain: "interop", ...options(cfg)})
  await bindOrConnect(sock, cfg)
  const stdinClosed = new Promise(resolve => {
    process.stdin.on("end", resolve)
    process.stdin.resume()
  })
  const exchange = (async () => {
    const msg = await sock.receive()
    emit({received: msg.map(String)})
    await sock.send(["peer", "reply"])
  })()
  exchange.catch(() => undefined)
  await stdinClosed
  sock.close()
  if (handler) handler.close()
}

run("zeromqjs-security-peer", main)
