// zguide weather updates (wuserver / wuclient) in one command. A Publisher sends random
// "zipcode temperature humidity" updates; each Subscriber subscribes to one zipcode (the prefix
// "10001 ": the space keeps it from matching a longer code) and prints the average temperature
// over its first N updates. A subscriber misses whatever is published before its subscription
// reaches the publisher (the slow joiner), so the publisher keeps sending until every subscriber
// has its N updates, then everyone stops.
// Run with `npm run example:pubsub -- --zip 10001,10002 --updates 100`. --zipcodes sets the range
// published (10000-10099, a small one so a run is quick; 0-99999 is the zguide's), --verbose
// prints every update a subscriber receives, --endpoint the bind endpoint (tcp://*:5556; the
// subscribers connect there, `*` read as localhost).
import { parseArgs } from "node:util"
import { Publisher, Subscriber } from "zeromq-rs"

const { values: opts } = parseArgs({
  options: {
    zip: { type: "string", default: "10001" },
    updates: { type: "string", default: "100" },
    zipcodes: { type: "string", default: "10000-10099" },
    endpoint: { type: "string", default: "tcp://*:5556" },
    verbose: { type: "boolean", default: false },
  },
})
const ZIPS = opts.zip!.split(",").map((z) => z.trim().padStart(5, "0"))
const UPDATES = Number(opts.updates)
const [LOW, HIGH] = opts.zipcodes!.split("-").map(Number)
if (!(LOW <= HIGH)) throw new Error("--zipcodes is a range such as 10000-10099")
for (const zip of ZIPS) {
  if (!(Number(zip) >= LOW && Number(zip) <= HIGH)) throw new Error(`zipcode ${zip} is not in ${opts.zipcodes}`)
}
const connectable = (address: string) => address.replace("tcp://*:", "tcp://localhost:")
const randomInt = (n: number) => Math.floor(Math.random() * n)
const tick = () => new Promise((resolve) => setImmediate(resolve))

/** Collects UPDATES updates for `zip` and prints their average temperature. */
async function subscriber(zip: string): Promise<void> {
  const sub = new Subscriber({ linger: 0 })
  sub.connect(connectable(opts.endpoint!))
  sub.subscribe(`${zip} `)
  let total = 0
  let count = 0
  for await (const [update] of sub) {
    const text = update.toString()
    if (opts.verbose) console.log(`subscriber ${zip} received "${text}"`)
    const [, temperature] = text.split(" ").map(Number)
    total += temperature
    if (++count === UPDATES) break
  }
  sub.close()
  console.log(`Average temperature for zipcode '${zip}' was ${(total / count).toFixed(1)}F (${count} updates)`)
}

async function main(): Promise<void> {
  const pub = new Publisher({ linger: 0 })
  await pub.bind(opts.endpoint!)
  console.log(`publisher: zipcodes ${LOW}-${HIGH} on ${opts.endpoint}`)

  let running = true
  const subscribers = Promise.all(ZIPS.map(subscriber)).finally(() => (running = false))

  // Publish until every subscriber has what it needs. A send to a subscriber whose queue is full
  // drops the update (pub/sub never blocks), so the publisher lets the event loop run (and the
  // subscribers read) after every hundred updates.
  let sent = 0
  while (running) {
    for (let i = 0; i < 100; i++) {
      const zipcode = String(LOW + randomInt(HIGH - LOW + 1)).padStart(5, "0")
      const temperature = randomInt(215) - 80
      const humidity = randomInt(50) + 10
      await pub.send(`${zipcode} ${temperature} ${humidity}`)
      sent++
    }
    await tick()
  }
  await subscribers
  pub.close()
  console.log(`publisher: sent ${sent} updates`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
