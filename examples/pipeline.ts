// zguide divide and conquer (taskvent / taskwork / tasksink) in one command. The ventilator
// pushes 100 tasks with random workloads to the workers; each worker "works" (sleeps) and pushes
// the result to the sink; the sink times the whole batch. More workers, shorter batch: compare
// the sum of the workloads with the elapsed time it prints.
// Run with `npm run example:pipeline -- --workers 4` (default 4). --tasks sets the batch size
// (100), --scale multiplies the zguide's 1..100 ms workloads (1), --ventilator and --sink set the
// bind endpoints (tcp://*:5557 and tcp://*:5558; the others connect there, `*` read as localhost).
import { parseArgs } from "node:util"
import { Pull, Push } from "zeromq-rs"

const { values: opts } = parseArgs({
  options: {
    workers: { type: "string", default: "4" },
    tasks: { type: "string", default: "100" },
    scale: { type: "string", default: "1" },
    ventilator: { type: "string", default: "tcp://*:5557" },
    sink: { type: "string", default: "tcp://*:5558" },
  },
})
const WORKERS = Number(opts.workers)
const TASKS = Number(opts.tasks)
const SCALE = Number(opts.scale)
const connectable = (address: string) => address.replace("tcp://*:", "tcp://localhost:")
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const nWorkers = (n: number) => `${n} worker${n === 1 ? "" : "s"}`

// Messages arriving at the sink: ["ready", worker], ["start", tasks, total ms, start time] or
// ["done", worker, task].
let everyoneReady: () => void
const allReady = new Promise<void>((resolve) => (everyoneReady = resolve))

/** Collects the batch: waits for the start signal, then for every result. */
async function sink(results: Pull): Promise<void> {
  const perWorker = new Map(Array.from({ length: WORKERS }, (_, i) => [`worker ${i + 1}`, 0]))
  let ready = 0
  let started = 0
  let total = 0
  let expected = Infinity
  let done = 0
  for await (const [kind, ...rest] of results) {
    switch (kind.toString()) {
      case "ready":
        if (++ready === WORKERS) everyoneReady()
        break
      case "start":
        // The batch starts when the ventilator sent this (results may overtake it).
        expected = Number(rest[0])
        total = Number(rest[1])
        started = Number(rest[2])
        break
      case "done": {
        const name = rest[0].toString()
        perWorker.set(name, perWorker.get(name)! + 1)
        done++
        break
      }
    }
    if (done === expected) break
  }
  const elapsed = Date.now() - started
  console.log(`sink: ${done} results collected in ${elapsed} ms`)
  for (const [name, count] of perWorker) console.log(`sink: ${name} did ${count} tasks`)
  const speedup = (total / elapsed).toFixed(1)
  console.log(`total workload ${total} ms, elapsed ${elapsed} ms: ${speedup}x with ${nWorkers(WORKERS)}`)
}

/** Sleeps for each task's workload and reports it to the sink, until `tasks` is closed. */
async function worker(name: string, tasks: Pull, results: Push): Promise<void> {
  await results.send(["ready", name])
  for await (const [task, workload] of tasks) {
    await sleep(Number(workload))
    await results.send(["done", name, task])
  }
}

/** Sends the start signal to the sink, then all tasks to the workers. */
async function ventilator(tasks: Push, toSink: Push): Promise<void> {
  const workloads = Array.from({ length: TASKS }, () => Math.max(1, Math.round((1 + Math.random() * 99) * SCALE)))
  const total = workloads.reduce((a, b) => a + b, 0)
  console.log(`ventilator: sending ${TASKS} tasks, total workload ${total} ms`)
  await toSink.send(["start", TASKS, total, Date.now()])
  for (const [i, workload] of workloads.entries()) await tasks.send([i + 1, workload])
}

async function main(): Promise<void> {
  // Sink: Pull bound on 5558.
  const results = new Pull({ linger: 0 })
  await results.bind(opts.sink!)
  const collected = sink(results)

  // Ventilator: Push bound on 5557 for the tasks, and a Push to the sink for the start signal.
  const tasks = new Push({ linger: 0 })
  await tasks.bind(opts.ventilator!)
  const toSink = new Push({ linger: 0 })
  toSink.connect(connectable(opts.sink!))

  // Workers: Pull from the ventilator, Push to the sink.
  const team = Array.from({ length: WORKERS }, (_, i) => {
    const input = new Pull({ linger: 0 })
    input.connect(connectable(opts.ventilator!))
    const output = new Push({ linger: 0 })
    output.connect(connectable(opts.sink!))
    return { input, output, running: worker(`worker ${i + 1}`, input, output) }
  })

  // A Push deals only to the peers connected when it sends, so a late worker would get no tasks
  // (the zguide asks you to press Enter once the workers run). Here each worker says "ready" to
  // the sink; its connection to the ventilator started at the same moment and is up by then.
  await allReady
  console.log(`${nWorkers(WORKERS)} ready`)
  await ventilator(tasks, toSink)
  await collected

  for (const w of team) {
    w.input.close() // ends the worker's loop
    w.output.close()
  }
  await Promise.all(team.map((w) => w.running))
  for (const s of [tasks, toSink, results]) s.close()
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
