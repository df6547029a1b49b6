// Large outgoing Buffers (1 KiB or more) are sent without a copy: the engine keeps the Buffer
// alive until it is written, then lets it go; small ones are copied at once. Over inproc within
// one thread the receiver gets the sender's very memory, as with zeromq.js. (Run with --expose-gc.)
import test from "ava"
import { ipcEndpoint, sockets, texts, within } from "./helpers/sockets"

const gc = (globalThis as { gc?: () => void }).gc

const turn = () => new Promise((r) => setImmediate(r))

/**
 * Runs the GC until `ref` is collected (the engine releases lent Buffers from the JS thread). The
 * GC runs in a later job than each `deref()`, which keeps its target alive for the rest of its job.
 */
async function collected(ref: WeakRef<object>): Promise<void> {
  for (;;) {
    await turn()
    gc!()
    await turn()
    if (ref.deref() === undefined) return
  }
}

/** Sends `size` bytes of `fill` from a Buffer nothing else references; returns a weak ref to it. */
async function sendAndForget(push: { send(m: Buffer): Promise<void> }, size: number, fill: number) {
  const buffer = Buffer.alloc(size, fill)
  const ref = new WeakRef(buffer)
  await push.send(buffer)
  return ref
}

test("a large Buffer is kept until written, not copied, and released after", async (t) => {
  if (gc === undefined) return t.fail("run with --expose-gc")
  const s = sockets(t)
  const push = s.push()
  const endpoint = ipcEndpoint()
  push.connect(endpoint) // nobody there yet: the message waits in the queue
  const ref = await sendAndForget(push, 1025, 1)
  gc()
  t.not(ref.deref(), undefined, "the queued Buffer is alive (no copy was made)")
  // Written into the queue by reference: changing it now changes what is sent.
  ref.deref()!.fill(2)
  const pull = s.pull()
  await pull.bind(endpoint)
  const [frame] = await within(pull.receive(), 5000, "the message")
  t.is(frame.length, 1025)
  t.true(frame.every((b) => b === 2), "the receiver sees the Buffer as it was when written")
  await within(collected(ref), 5000, "the Buffer released once written")
})

test("a small Buffer is copied at once: it can be collected while its message waits", async (t) => {
  if (gc === undefined) return t.fail("run with --expose-gc")
  const s = sockets(t)
  const push = s.push()
  const endpoint = "inproc://memory-spec-small"
  push.connect(endpoint)
  const ref = await sendAndForget(push, 1023, 1)
  await within(collected(ref), 5000, "the copied Buffer collected")
  const pull = s.pull()
  await pull.bind(endpoint)
  const [frame] = await within(pull.receive(), 5000, "the message")
  t.deepEqual([frame.length, frame[0]], [1023, 1])
})

test("multipart messages lend only their large frames", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  await pull.bind("inproc://memory-spec-multi")
  const push = s.push()
  push.connect("inproc://memory-spec-multi")
  await push.send(["topic", Buffer.alloc(4096, 9), new Uint8Array(10)])
  const msg = await within(pull.receive(), 5000, "multipart")
  t.deepEqual(
    msg.map((f) => f.length),
    [5, 4096, 10],
  )
  t.is(texts([msg])[0][0], "topic")
  t.true(msg[1].every((b) => b === 9))
})

test("inproc within one thread hands large Buffers over as the same memory, both ways", async (t) => {
  const s = sockets(t)
  const a = s.pair({ linger: 0 })
  const b = s.pair({ linger: 0 })
  await a.bind("inproc://memory-spec-shared")
  b.connect("inproc://memory-spec-shared")
  const orig = Buffer.alloc(2048)
  await a.send(orig)
  const got = await within(b.receive(), 5000, "the message at b")
  await b.send(got)
  const [final] = await within(a.receive(), 5000, "the echo at a")
  final.writeUInt8(0x40, 0)
  t.is(orig[0], 0x40, "the echoed Buffer is the original's memory")
  // Small frames are copies: changing one changes nothing else.
  const small = Buffer.alloc(100)
  await a.send(small)
  const [copy] = await within(b.receive(), 5000, "the small message")
  copy[0] = 1
  t.is(small[0], 0)
})
