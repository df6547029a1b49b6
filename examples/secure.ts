// CURVE with ZAP: a Router server that only admits the client keys it knows. Two Dealer clients
// connect with the server's public key; the ZAP handler (a Router bound at
// inproc://zeromq.zap.01, in this process) admits the known one and refuses the other, which
// sees `handshake:error:auth` with status 400. Run with `npm run example:secure`.
import { Dealer, Router, curveKeyPair, z85Encode } from "zeromq-rs"
import type { SocketEvent } from "zeromq-rs"

async function main(): Promise<void> {
  const serverKeys = curveKeyPair()
  const known = curveKeyPair()
  const stranger = curveKeyPair()

  // The ZAP handler: CURVE requests carry the client's 32-byte long-term public key.
  const zap = new Router({ linger: 0 })
  await zap.bind("inproc://zeromq.zap.01")
  void (async () => {
    for await (const [peer, empty, version, id, , , , mechanism, key] of zap) {
      const admitted = mechanism.toString() === "CURVE" && z85Encode(key) === known.publicKey
      console.log(`zap: ${admitted ? "admits" : "refuses"} ${z85Encode(key).slice(0, 8)}…`)
      await zap.send([peer, empty, version, id, admitted ? "200" : "400", admitted ? "OK" : "Unknown key", admitted ? "known-client" : "", ""])
    }
  })()

  const server = new Router({ linger: 0, curveServer: true, curveSecretKey: serverKeys.secretKey })
  await server.bind("tcp://127.0.0.1:*")
  const endpoint = server.lastEndpoint as string

  const clientOptions = (keys: { publicKey: string; secretKey: string }) => ({
    linger: 0,
    curveServerKey: serverKeys.publicKey,
    curvePublicKey: keys.publicKey,
    curveSecretKey: keys.secretKey,
  })

  const refused = new Dealer(clientOptions(stranger))
  const refusal = new Promise<SocketEvent>((resolve) => refused.events.on("handshake:error:auth", resolve))
  refused.connect(endpoint)
  const event = await refusal
  console.log(`stranger: ${event.type}, status ${event.error?.status}`)
  refused.close()

  const client = new Dealer(clientOptions(known))
  client.connect(endpoint)
  await client.send("hello over CURVE")
  const [peer, text] = await server.receive()
  console.log(`server: got "${text.toString()}"`)
  await server.send([peer, "welcome"])
  const [reply] = await client.receive()
  console.log(`known client: got "${reply.toString()}"`)

  client.close()
  server.close()
  zap.close()
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
