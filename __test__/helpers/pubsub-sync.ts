// Marker synchronisation for the in-process pub/sub specs (pub-sub*.spec.ts): slow joiners are beaten by
// publishing markers until one arrives, never by sleeping; a batch ends with END, markers left out.
import type { MessageLike, Publisher, Subscriber } from "../../index"
import { publishUntil, texts, within } from "./sockets"

/** Prefix of every synchronisation marker; no test message starts with it, and "~" sorts after them all. */
export const MARK = "~sync"
/** The marker that ends a batch (it matches the MARK subscription). */
export const END = `${MARK}-end`
/** Subscribers already subscribed to MARK (`synced` subscribes the others once). */
export const marked = new WeakSet<Subscriber>()
export type Msg = MessageLike | MessageLike[]

/**
 * Subscribes `sub` to MARK (once, after its other subscriptions) and publishes markers until it
 * receives one: every subscription `sub` sent before is then in force at `pub`.
 */
export async function synced(pub: Publisher, sub: Subscriber): Promise<void> {
  if (!marked.has(sub)) {
    sub.subscribe(MARK)
    marked.add(sub)
  }
  const first = await publishUntil(pub, (i) => `${MARK}${i}`, sub.receive(), 5000, "a marker")
  if (!first[0].toString().startsWith(MARK)) throw new Error(`not a marker first: ${JSON.stringify(texts([first]))}`)
}

/** Publishes each message, then END. */
export async function publish(pub: Publisher, msgs: Msg[]): Promise<void> {
  for (const m of msgs) await within(pub.send(m), 2000, "publish")
  await pub.send(END)
}

/** What `sub` receives up to END, markers left out. */
export async function upToEnd(sub: { receive(): Promise<Buffer[]> }): Promise<string[][]> {
  const out: Buffer[][] = []
  for (;;) {
    const msg = await within(sub.receive(), 5000, "the end marker")
    const head = msg[0].toString()
    if (head === END) return texts(out)
    if (!head.startsWith(MARK)) out.push(msg)
  }
}
