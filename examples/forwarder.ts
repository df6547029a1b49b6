// zguide pub/sub forwarder (wuproxy): a bridge between an internal publisher and external
// subscribers. The forwarder is an XSubscriber connected to the internal Publisher and an
// XPublisher bound for the outside, joined by `new Proxy(xsub, xpub)`: messages flow down, and
// the subscribers' subscriptions flow up. A Publisher filters on its own side, so an external
// subscriber receives anything only because its subscription went through the proxy to the
// internal publisher; a topic nobody subscribed to ("news" by default) never leaves it.
// The internal publisher sends [topic, text] messages, cycling through --publish
// (news,sport,weather), until each external subscriber (one per topic of --topics, default
// sport,weather) has received --messages (5) messages of its topic; then the proxy is terminated.
// Run with `npm run example:forwarder -- --topics sport,weather --messages 5`. --internal and
// --external set the bind endpoints (tcp://*:5556 and tcp://*:8100, the zguide's; the others
// connect there, `*` read as localhost).
import { parseArgs } from "node:util"
import { Proxy, Publisher, Subscriber, XPublisher, XSubscriber } from "zeromq-rs"

const { values: opts } = parseArgs({
  options: {
    publish: { type: "string", default: "news,sport,weather" },
    topics: { type: "string", default: "sport,weather" },
    messages: { type: "string", default: "5" },
    internal: { type: "string", default: "tcp://*:5556" },
    external: { type: "string", default: "tcp://*:8100" },
  },
})
const PUBLISHED = opts.publish!.split(",")
const TOPICS = opts.topics!.split(",")
const MESSAGES = Number(opts.messages)
const connectable = (address: string) => address.replace("tcp://*:", "tcp://localhost:")
const tick = () => new Promise((resolve) => setImmediate(resolve))

/** An external subscriber: collects MESSAGES messages of `topic` through the forwarder. */
async function subscriber(topic: string): Promise<void> {
  const sub = new Subscriber({ linger: 0 })
  sub.connect(connectable(opts.external!))
  sub.subscribe(topic)
  let count = 0
  for await (const [received, text] of sub) {
    console.log(`subscriber ${topic} <- [${received.toString()}] ${text.toString()}`)
    if (++count === MESSAGES) break
  }
  sub.close()
  console.log(`subscriber ${topic}: ${count} messages`)
}

async function main(): Promise<void> {
  const internal = new Publisher({ linger: 0 })
  await internal.bind(opts.internal!)

  const xsub = new XSubscriber({ linger: 0 })
  const xpub = new XPublisher({ linger: 0 })
  xsub.connect(connectable(opts.internal!))
  await xpub.bind(opts.external!)
  const proxy = new Proxy(xsub, xpub)
  const forwarding = proxy.run() // resolves once terminated
  console.log(`forwarder: ${opts.internal} -> ${opts.external}`)

  let running = true
  const subscribers = Promise.all(TOPICS.map(subscriber)).finally(() => (running = false))

  // Subscriptions take a moment to travel up (subscriber -> XPublisher -> XSubscriber -> internal
  // publisher): until they arrive, what is published reaches nobody. So keep publishing until
  // every subscriber has its messages, letting the event loop run after each round.
  let sent = 0
  while (running) {
    for (const topic of PUBLISHED) await internal.send([topic, `${topic} update ${++sent}`])
    await tick()
  }
  await subscribers

  proxy.terminate()
  await forwarding
  for (const s of [xsub, xpub, internal]) if (!s.closed) s.close()
  console.log(`publisher: sent ${sent} messages (${PUBLISHED.join(", ")}); forwarder stopped`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
