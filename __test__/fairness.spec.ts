// Event-loop fairness: loops of sends or receives that all complete at once still let timers,
// immediates and I/O run (one completion in 512 in a row, or the first after 1 ms of them,
// resolves on the next event-loop turn), as zeromq.js's "should not starve event loop" asks.
// Serial: the tests count event-loop turns, which concurrent tests would add to.
import test from "ava"
import { bound, sockets, within } from "./helpers/sockets"

const MESSAGES = 2500
/** Completions in a row after which one waits for the event loop (lib/fair.js). */
const YIELD_OPS = 512

/** Blocks the thread for `ms` (so that a timer armed before is due; no other task can run). */
function spin(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // busy
  }
}

/** Counts event-loop turns (check phases) until `stop()`. */
function turnCounter() {
  let turns = 0
  let running = true
  const tick = () => {
    if (!running) return
    turns += 1
    setImmediate(tick)
  }
  setImmediate(tick)
  return {
    get turns() {
      return turns
    },
    stop() {
      running = false
    },
  }
}

test.serial("a timer and immediates run during a loop of 2 500 sends that all complete at once", async (t) => {
  const s = sockets(t)
  // Connected to nobody listening: every send is queued for the pending connection at once.
  const push = s.push({ sendHighWaterMark: MESSAGES * 2, linger: 0 })
  push.connect("tcp://127.0.0.1:9")
  let firedAt: number | undefined
  let i = 0
  setTimeout(() => (firedAt = i), 0)
  spin(3) // the timer is due before the first send
  const counter = turnCounter()
  for (; i < MESSAGES; i++) await push.send("x")
  counter.stop()
  t.true(push.writable, "no send had to wait")
  t.not(firedAt, undefined, "the due timer fired during the loop")
  // The first yield lets immediates run; a due timer runs at the next loop turn, so by the second.
  t.true(firedAt! <= 2 * YIELD_OPS, `it fired at send ${firedAt}, within the first ${2 * YIELD_OPS}`)
  t.true(counter.turns >= Math.floor(MESSAGES / YIELD_OPS), `${counter.turns} event-loop turns`)
})

test.serial("a timer and immediates run during a loop of 2 500 receives from a full queue", async (t) => {
  const s = sockets(t)
  const pull = s.pull({ receiveHighWaterMark: MESSAGES * 2, linger: 0 })
  const push = s.push({ sendHighWaterMark: MESSAGES * 2, linger: 0 })
  push.connect(await bound(pull))
  for (let i = 0; i < MESSAGES; i++) await push.send(String(i))
  await within(pull.receive(), 5000, "first message")

  // Receives made while the socket is readable complete at once; in a run of them, the event
  // loop must still get turns. Runs are cut where a receive had to wait (a turn of its own).
  let firedAt: number | undefined
  let i = 1
  setTimeout(() => (firedAt = i), 0)
  spin(3)
  const counter = turnCounter()
  let run = 0
  let longest = 0
  let turnsAtRunStart = counter.turns
  let starved = 0
  for (; i < MESSAGES; i++) {
    if (!pull.readable) {
      run = 0
      turnsAtRunStart = counter.turns
    }
    const msg = await within(pull.receive(), 5000, `message ${i}`)
    t.is(msg[0].toString(), String(i))
    run += 1
    longest = Math.max(longest, run)
    if (run > YIELD_OPS + 1 && counter.turns === turnsAtRunStart) starved = run
  }
  counter.stop()
  t.true(longest > YIELD_OPS, `a run of ${longest} receives completed at once`)
  t.is(starved, 0, "no run of immediate receives went past the limit without an event-loop turn")
  t.not(firedAt, undefined, "the due timer fired during the loop")
})

test.serial("a run of slow immediate sends lets the event loop in every millisecond or so", async (t) => {
  const s = sockets(t)
  const push = s.push({ sendHighWaterMark: 1000, linger: 0 })
  push.connect("tcp://127.0.0.1:9")
  const counter = turnCounter()
  // 100 sends with 0.1 ms of work each: 10 ms, far fewer than the count limit.
  for (let i = 0; i < 100; i++) {
    spin(0.1)
    await push.send("x")
  }
  counter.stop()
  t.true(counter.turns >= 4, `${counter.turns} event-loop turns in 10 ms of sends`)
})

test.serial("sends resolve in order across the turns they wait for", async (t) => {
  const s = sockets(t)
  const push = s.push({ sendHighWaterMark: MESSAGES * 2, linger: 0 })
  push.connect("tcp://127.0.0.1:9")
  const order: number[] = []
  const sends: Promise<void>[] = []
  for (let i = 0; i < MESSAGES; i++) sends.push(push.send(String(i)).then(() => void order.push(i)))
  await Promise.all(sends)
  t.deepEqual(
    order,
    Array.from({ length: MESSAGES }, (_, i) => i),
  )
})
