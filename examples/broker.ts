// zguide request-reply broker, N clients : M workers. Clients (Request) connect to the broker's
// front end, workers (Reply) to its back end; the broker (Router in front, Dealer behind) passes
// requests and replies both ways, so the workers share the load. Each worker answers with its
// name, and every line shows who served whom: `client 1 <- worker 2`.
// Run with `npm run example:broker -- --clients 3 --workers 2 --requests 5`.
// --mode proxy (default) uses the built-in `Proxy`; --mode loops forwards with two `for await`
// loops instead. --frontend/--backend set the bind endpoints (default tcp://*:5559 and
// tcp://*:5560; clients and workers connect to them, `*` read as localhost); --work-ms sets how
// long a worker takes per request (default 100).
import { parseArgs } from "node:util"
import { Dealer, Proxy, Reply, Request, Router } from "zeromq-rs"

const { values: opts } = parseArgs({
  options: {
    clients: { type: "string", default: "3" },
    workers: { type: "string", default: "2" },
    requests: { type: "string", default: "5" },
    mode: { type: "string", default: "proxy" },
    frontend: { type: "string", default: "tcp://*:5559" },
    backend: { type: "string", default: "tcp://*:5560" },
    "work-ms": { type: "string", default: "100" },
  },
})
const CLIENTS = Number(opts.clients)
const WORKERS = Number(opts.workers)
const REQUESTS = Number(opts.requests)
const WORK_MS = Number(opts["work-ms"])
if (opts.mode !== "proxy" && opts.mode !== "loops") throw new Error("--mode is proxy or loops")

/** The address to connect to for a bind address: `tcp://*:port` becomes `tcp://localhost:port`. */
const connectable = (address: string) => address.replace("tcp://*:", "tcp://localhost:")
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Counts of requests served, by worker name. */
const served = new Map<string, number>()

function worker(n: number): Reply {
  const name = `worker ${n}`
  served.set(name, 0)
  const reply = new Reply({ linger: 0 })
  reply.connect(connectable(opts.backend!))
  // Answer until the socket is closed (which ends the loop).
  ;(async () => {
    for await (const [request] of reply) {
      await sleep(WORK_MS) // the "work"
      served.set(name, served.get(name)! + 1)
      await reply.send([name, request])
    }
  })().catch((err) => {
    if (!reply.closed) throw err
  })
  return reply
}

async function client(n: number): Promise<void> {
  const request = new Request({ linger: 0 })
  request.connect(connectable(opts.frontend!))
  for (let i = 1; i <= REQUESTS; i++) {
    await request.send(`request ${i} from client ${n}`)
    const [from] = await request.receive()
    console.log(`client ${n} <- ${from.toString()} (request ${i})`)
  }
  request.close()
}

/** Forwards every message from one broker socket to the other until the source is closed. */
async function forward(from: Router | Dealer, to: Router | Dealer): Promise<void> {
  // A Router prefixes each message with the sender's routing id, which the Dealer carries
  // through to the worker and back, so the reply finds its way to the right client.
  for await (const message of from) await to.send(message)
}

async function main(): Promise<void> {
  const frontend = new Router({ linger: 0 })
  const backend = new Dealer({ linger: 0 })
  await frontend.bind(opts.frontend!)
  await backend.bind(opts.backend!)
  console.log(`broker (${opts.mode}): clients -> ${opts.frontend}, workers -> ${opts.backend}`)

  let broker: Promise<unknown>
  let stopBroker: () => void
  if (opts.mode === "proxy") {
    const proxy = new Proxy(frontend, backend)
    broker = proxy.run() // resolves once terminated; the proxy then closes both sockets
    stopBroker = () => proxy.terminate()
  } else {
    broker = Promise.all([forward(frontend, backend), forward(backend, frontend)])
    stopBroker = () => {
      frontend.close()
      backend.close()
    }
  }

  const workers = Array.from({ length: WORKERS }, (_, i) => worker(i + 1))
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i + 1)))

  // Every request has its reply: shut down the workers, then the broker.
  for (const w of workers) w.close()
  stopBroker()
  await broker

  for (const [name, count] of served) console.log(`${name} served ${count} requests`)
  const total = [...served.values()].reduce((a, b) => a + b, 0)
  console.log(`total: ${total} requests from ${CLIENTS} clients`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
