// zguide node coordination (syncpub / syncsub): a publisher that waits for its subscribers before
// sending, so none of them misses the start (the slow joiner). The publisher binds a Publisher
// (sendHighWaterMark 1 100 000, room for the whole burst) and a Reply sync service, and forks N
// subscribers (examples/syncsub.ts). Each connects a Subscriber, subscribes to everything, and
// once its subscription is known to have reached the publisher sends an empty request on a
// Request; the publisher counts the requests (`+1 subscriber (i/N)`), and when all N are in sends
// 1 000 000 `Rhubarb` and `END`. Every subscriber prints `Received 1000000 updates`.
// The subscribers are child processes, as in the zguide: separate programs racing to connect are
// what the sync is for, and they read the burst on other cores than the publisher's.
// The zguide's subscriber sleeps a second between subscribing and syncing, hoping its subscription
// has arrived by then; instead the publisher sends `Hello` every 10 ms until everyone is synced,
// and a subscriber syncs once it has received a `Hello` (the robust variant the zguide describes).
// Run with `npm run example:syncpub` (10 subscribers, 1 000 000 updates); --subscribers, --count,
// --publisher and --sync (bind endpoints, default tcp://*:5561 and tcp://*:5562) configure it.
import { ChildProcess, fork } from "node:child_process"
import * as path from "node:path"
import { parseArgs } from "node:util"
import { Publisher, Reply } from "zeromq-rs"

const { values: opts } = parseArgs({
  options: {
    subscribers: { type: "string", default: "10" },
    count: { type: "string", default: "1000000" },
    publisher: { type: "string", default: "tcp://*:5561" },
    sync: { type: "string", default: "tcp://*:5562" },
  },
})
const SUBSCRIBERS = Number(opts.subscribers)
const COUNT = Number(opts.count)

/** Resolves with the exit code (or signal name) of `child`. */
function exited(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve, reject) => {
    child.once("error", reject)
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"))
  })
}

/** Ends the subscribers if the publisher fails. */
let stopChildren = () => {}

async function main(): Promise<void> {
  // The whole burst fits in the queue: no update is dropped while a subscriber catches up.
  const pub = new Publisher({ sendHighWaterMark: 1_100_000, linger: 0 })
  const sync = new Reply({ linger: 0 })
  await pub.bind(opts.publisher!)
  await sync.bind(opts.sync!)
  console.log(`Waiting for ${SUBSCRIBERS} subscribers (updates on ${opts.publisher}, sync on ${opts.sync})`)

  const children = Array.from({ length: SUBSCRIBERS }, (_, i) =>
    fork(path.join(__dirname, "syncsub.ts"), [String(i + 1)], {
      env: { ...process.env, SYNC_PUBLISHER: opts.publisher, SYNC_SERVICE: opts.sync },
    }),
  )
  stopChildren = () => children.forEach((child) => child.kill())
  const codes = children.map(exited)
  // A subscriber that fails would leave the publisher waiting for it: stop the run instead.
  const failed = new Promise<never>((_, reject) => {
    for (const code of codes) code.then((c) => c !== 0 && reject(new Error(`a subscriber exited with ${c}`)), reject)
  })
  failed.catch(() => {}) // handled where it is raced

  // Hellos until everyone is synced, one send at a time (chained, so none overlaps the next).
  let hellos = Promise.resolve()
  const hello = setInterval(() => (hellos = hellos.then(() => pub.send("Hello"))), 10)
  let subscribers = 0
  const synced = (async () => {
    for await (const _ of sync) {
      console.log(`+1 subscriber (${++subscribers}/${SUBSCRIBERS})`)
      await sync.send("")
      if (subscribers === SUBSCRIBERS) break
    }
  })()
  await Promise.race([synced, failed])
  clearInterval(hello)
  await hellos

  console.log(`Broadcasting ${COUNT} updates`)
  const started = Date.now()
  for (let i = 0; i < COUNT; i++) await pub.send("Rhubarb")
  await pub.send("END")
  console.log(`Sent ${COUNT} updates and END in ${Date.now() - started} ms`)

  // The queue drains as the subscribers read; close once they all have END (closing the sync
  // service only now lets the last reply go out: linger 0 would drop it).
  await Promise.race([Promise.all(codes), failed])
  pub.close()
  sync.close()
  console.log(`All ${SUBSCRIBERS} subscribers done`)
}

main().catch((err) => {
  console.error(err)
  stopChildren()
  process.exit(1)
})
