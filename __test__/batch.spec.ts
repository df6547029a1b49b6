// The batch API (zeromq-rs only): sendMany queues many messages per native call, receiveMany takes
// what has arrived. Order, multipart and large frames, waiting at the high-water mark, and errors.
import test from "ava"
import { isPending, sockets, texts, within } from "./helpers/sockets"

let counter = 0
const name = () => `inproc://batch-spec-${process.pid}-${++counter}`

/** Receives with receiveMany until `n` messages have come. */
async function receiveAll(pull: { receiveMany(max?: number): Promise<Buffer[][]> }, n: number, max?: number) {
  const out: Buffer[][] = []
  while (out.length < n) out.push(...(await within(pull.receiveMany(max), 5000, `message ${out.length}`)))
  return out
}

test("sendMany and receiveMany over tcp keep order, multipart messages and large frames", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  await pull.bind("tcp://127.0.0.1:*")
  const push = s.push()
  push.connect(pull.lastEndpoint!)
  const big = Buffer.alloc(5000, 3)
  const messages = [
    ...Array.from({ length: 500 }, (_, i) => `m${i}`),
    ["multi", "part"],
    ["with", big],
    ...Array.from({ length: 500 }, (_, i) => Buffer.from(`n${i}`)),
  ]
  await within(push.sendMany(messages), 5000, "sendMany")
  const got = await receiveAll(pull, messages.length)
  t.is(got.length, 1002)
  t.deepEqual(texts(got.slice(0, 3)), [["m0"], ["m1"], ["m2"]])
  t.deepEqual(texts([got[500]]), [["multi", "part"]])
  t.is(got[501][0].toString(), "with")
  t.true(got[501][1].equals(big))
  t.deepEqual(texts([got[1001]]), [["n499"]])
})

test("sendMany waits at the high-water mark and resumes as the receiver takes messages", async (t) => {
  const s = sockets(t)
  const ep = name()
  const pull = s.pull({ receiveHighWaterMark: 5 })
  await pull.bind(ep)
  const push = s.push({ sendHighWaterMark: 5 })
  push.connect(ep)
  const sending = push.sendMany(Array.from({ length: 30 }, (_, i) => String(i)))
  t.true(await isPending(sending), "30 messages do not fit in 5 + 5")
  const got = await receiveAll(pull, 30, 4)
  await within(sending, 5000, "sendMany once all fit")
  t.deepEqual(
    got.map((m) => m[0].toString()),
    Array.from({ length: 30 }, (_, i) => String(i)),
  )
})

test("receiveMany resolves with what is there (up to max), and waits when nothing is", async (t) => {
  const s = sockets(t)
  const ep = name()
  const pull = s.pull()
  await pull.bind(ep)
  const push = s.push()
  push.connect(ep)
  const waiting = pull.receiveMany()
  t.true(await isPending(waiting))
  await push.sendMany(["a", "b", "c"])
  const first = await within(waiting, 5000, "first batch")
  const rest = first.length < 3 ? await receiveAll(pull, 3 - first.length) : []
  t.deepEqual(texts([...first, ...rest]), [["a"], ["b"], ["c"]])
  await push.sendMany(["d", "e", "f"])
  const capped = await within(pull.receiveMany(2), 5000, "a batch of at most 2")
  t.true(capped.length >= 1 && capped.length <= 2, `got ${capped.length}`)
  const others = await receiveAll(pull, 3 - capped.length)
  t.deepEqual(texts([...capped, ...others]), [["d"], ["e"], ["f"]])
})

test("errors: a request out of turn stops sendMany (what came before is sent); bad arguments", async (t) => {
  const s = sockets(t)
  const ep = name()
  const rep = s.rep()
  await rep.bind(ep)
  const req = s.req()
  req.connect(ep)
  await t.throwsAsync(req.sendMany(["first", "second"]), { code: "EFSM" })
  t.deepEqual(texts([await within(rep.receive(), 5000, "the first request")]), [["first"]])
  const push = s.push()
  t.throws(() => push.sendMany("x" as never), { instanceOf: TypeError })
  t.throws(() => push.sendMany([[]]), { instanceOf: TypeError })
  await t.throwsAsync(s.pull().receiveMany(0), { instanceOf: TypeError })
  // The native batch decoder refuses malformed input (an internal error: the JS layer packs)
  // instead of reading past it.
  const handle = (push as unknown as { _h: unknown })._h
  const { fast } = require("../lib/native.js") as { fast: { trySendPacked(h: unknown, b: Buffer): number } }
  t.throws(() => fast.trySendPacked(handle, Buffer.from([1, 0, 0, 0, 9, 0, 0, 0, 1])), { message: "Malformed message batch" })
  t.throws(() => fast.trySendPacked(handle, Buffer.from([0, 0, 0, 0])), { message: "Malformed message batch" })
  // Anything but a socket's handle is refused before it is read.
  t.throws(() => fast.trySendPacked({}, Buffer.from([])), { message: "Not a socket handle" })
  t.throws(() => fast.trySendPacked(handle, "x" as never), { message: "Frame must be a Uint8Array" })
  const pull = s.pull()
  pull.close()
  await t.throwsAsync(pull.receiveMany(), { code: "EBADF" })
})
