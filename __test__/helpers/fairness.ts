// Test helper: the fair-queueing check shared by every socket type that receives from many peers.
import type { ExecutionContext } from "ava"
import type { MessageLike } from "../../index"
import { receiveN, texts, within } from "./sockets"

/** A socket end that sends messages. */
interface Sender {
  send(message: MessageLike | MessageLike[]): Promise<void>
}

/**
 * Has each of `senders` (already connected to `receiver`) send `per` messages in a burst and checks
 * that each sender's messages arrive in order and that no sender is served to the end before every
 * other one has started. `receiver` should have a small receive high-water mark so that the
 * senders' queues fill up and the receiver has to choose between them.
 */
export async function checkFairQueueing(
  t: ExecutionContext,
  receiver: { receive(): Promise<Buffer[]> },
  senders: Sender[],
  per: number,
): Promise<void> {
  // One hello from each proves all connections are up before the burst.
  for (const [i, sender] of senders.entries()) await sender.send(`hello ${i}`)
  const hellos = texts(await within(receiveN(receiver, senders.length), 5000, "hellos")).map((m) => m[0])
  t.deepEqual(
    hellos.sort(),
    senders.map((_, i) => `hello ${i}`),
  )
  for (let n = 0; n < per; n++) {
    for (const [i, sender] of senders.entries()) {
      // A Buffer of 1 KiB or more is sent without a copy: each send gets its own.
      const frame = Buffer.alloc(4096)
      frame.writeUInt32LE(n, 0)
      await sender.send([String(i), frame])
    }
  }
  const msgs = await within(receiveN(receiver, senders.length * per), 20000, "burst")
  const from = msgs.map((m) => Number(m[0].toString()))
  const ids = senders.map((_, i) => i)
  for (const i of ids) {
    const seqs = msgs.filter((m) => m[0].toString() === String(i)).map((m) => m[1].readUInt32LE(0))
    t.deepEqual(seqs, Array.from({ length: per }, (_, n) => n), `sender ${i} in order`)
  }
  const firstDone = Math.min(...ids.map((i) => from.lastIndexOf(i)))
  for (const i of ids) t.true(from.indexOf(i) < firstDone, `sender ${i} started before another finished`)
}
