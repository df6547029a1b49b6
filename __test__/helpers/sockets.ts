// Test helpers: sockets that close themselves after each test, and bounded waits.
import type { ExecutionContext } from "ava"
import * as os from "node:os"
import * as path from "node:path"
import {
  Dealer,
  Pair,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  Socket,
  Subscriber,
  XPublisher,
  XSubscriber,
} from "../../index"
import type { MessageLike } from "../../index"

/** Creates sockets that are all closed in the test's teardown. */
export function sockets(t: ExecutionContext) {
  const made: Socket[] = []
  t.teardown(() => {
    for (const s of made) s.close()
  })
  /** A factory for one class whose sockets are recorded for the teardown. */
  const maker =
    <O, S extends Socket>(Class: new (options?: O) => S) =>
    (options?: O): S => {
      const s = new Class(options)
      made.push(s)
      return s
    }
  return {
    push: maker(Push),
    pull: maker(Pull),
    req: maker(Request),
    rep: maker(Reply),
    dealer: maker(Dealer),
    router: maker(Router),
    pair: maker(Pair),
    pub: maker(Publisher),
    sub: maker(Subscriber),
    xpub: maker(XPublisher),
    xsub: maker(XSubscriber),
  }
}

/** Binds `s` (to an ephemeral tcp port by default) and returns the resolved endpoint. */
export async function bound(s: Socket, address = "tcp://127.0.0.1:*"): Promise<string> {
  await s.bind(address)
  const ep = s.lastEndpoint
  if (ep === null) throw new Error("bind reported no endpoint")
  return ep
}

let ipcCounter = 0
/** A fresh ipc endpoint path nobody listens on yet. */
export function ipcEndpoint(): string {
  ipcCounter += 1
  return `ipc://${path.join(os.tmpdir(), `zmqrs-test-${process.pid}-${ipcCounter}.sock`)}`
}

/** Rejects if `p` does not settle within `ms`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
  })
  return Promise.race([p, limit]).finally(() => clearTimeout(timer))
}

/** Receives exactly `n` messages from any socket that receives. */
export async function receiveN(pull: { receive(): Promise<Buffer[]> }, n: number): Promise<Buffer[][]> {
  const out: Buffer[][] = []
  while (out.length < n) out.push(await pull.receive())
  return out
}

/** Whether `p` is still pending after the I/O thread has had several turns to settle it. */
export async function isPending(p: Promise<unknown>): Promise<boolean> {
  let settled = false
  p.then(
    () => (settled = true),
    () => (settled = true),
  )
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
  return !settled
}

/** Text of each frame of each message. */
export function texts(msgs: Buffer[][]): string[][] {
  return msgs.map((m) => m.map((f) => f.toString()))
}

/**
 * Sends `marker(0)`, `marker(1)`... every few ms until `receiving` settles, and resolves with what
 * it received: beats the pub/sub slow joiner without a fixed sleep. Rejects after `ms`.
 */
export async function publishUntil<T>(
  pub: { send(message: MessageLike | MessageLike[]): Promise<void> },
  marker: (i: number) => MessageLike | MessageLike[],
  receiving: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  let stop = false
  const stopping = () => {
    stop = true
  }
  receiving.then(stopping, stopping)
  const loop = (async () => {
    for (let i = 0; !stop; i++) {
      await pub.send(marker(i))
      if (!stop) await new Promise((r) => setTimeout(r, 5))
    }
  })()
  loop.catch(() => {})
  try {
    return (await within(Promise.all([receiving, loop]), ms, what))[0]
  } finally {
    stop = true
  }
}

/**
 * Calls `send(0)`, `send(1)`... until one is still unsettled after `ms` and returns that send,
 * its index and when it started; rejects if one of the others fails or none of `limit` waits.
 */
export async function sendUntilPending(
  send: (i: number) => Promise<void>,
  limit: number,
  ms: number,
): Promise<{ pending: Promise<void>; index: number; started: number }> {
  for (let index = 0; index < limit; index++) {
    const started = Date.now()
    const pending = send(index)
    pending.catch(() => {})
    let timer: NodeJS.Timeout | undefined
    const waiting = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), ms)))
    const waited = await Promise.race([pending.then(() => false), waiting]).finally(() => clearTimeout(timer))
    if (waited) return { pending, index, started }
  }
  throw new Error(`none of ${limit} sends waited`)
}
