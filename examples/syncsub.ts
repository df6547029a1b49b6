// zguide node coordination, subscriber side; examples/syncpub.ts forks N of these (run that one:
// `npm run example:syncpub`). Connects a Subscriber for everything; once a `Hello` shows the
// subscription has reached the publisher, syncs with an empty request on a Request, then counts
// updates until `END` and prints `Received <n> updates`. SYNC_PUBLISHER and SYNC_SERVICE name the
// publisher's endpoints (default tcp://localhost:5561 and 5562, `*` read as localhost); the first
// argument is the subscriber's number, shown in its output.
import { Request, Subscriber } from "zeromq-rs"

const connectable = (address: string) => address.replace("tcp://*:", "tcp://localhost:")
const PUBLISHER = connectable(process.env.SYNC_PUBLISHER ?? "tcp://localhost:5561")
const SERVICE = connectable(process.env.SYNC_SERVICE ?? "tcp://localhost:5562")
const NAME = process.argv[2] ?? "1"

async function main(): Promise<void> {
  const sub = new Subscriber({ linger: 0 })
  sub.connect(PUBLISHER)
  sub.subscribe()

  // The publisher sends `Hello` until everyone is synced: receiving one means the publisher has
  // our subscription, so nothing sent from now on can miss us.
  const [first] = await sub.receive()
  if (first.toString() !== "Hello") throw new Error(`expected Hello, got ${first.toString()}`)

  const sync = new Request({ linger: 0 })
  sync.connect(SERVICE)
  await sync.send("")
  await sync.receive()
  sync.close()

  let updates = 0
  for await (const [update] of sub) {
    const text = update.toString()
    if (text === "END") break
    if (text !== "Hello") updates++ // Hellos may still be queued ahead of the updates
  }
  sub.close()
  console.log(`Received ${updates} updates (subscriber ${NAME})`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
