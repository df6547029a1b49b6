// Proxy: Router/Dealer brokering, Pull/Push pipelines, lifecycle, pause/resume and argument errors.
import test, { ExecutionContext } from "ava"
import { Proxy } from "../index"
import type { Socket } from "../index"
import { bound, isPending, receiveN, sockets, texts, within } from "./helpers/sockets"

/** Marks `p` handled (a failing test may leave it to reject at teardown) and returns it. */
function background<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {})
  return p
}

/** A proxy over `front` and `back`, terminated in teardown (before the sockets close) if still running. */
function proxyOf<F extends Socket, B extends Socket>(t: ExecutionContext, front: F, back: B) {
  const proxy = new Proxy(front, back)
  let running: Promise<void> | undefined
  t.teardown(async () => {
    if (running === undefined) return
    try {
      proxy.terminate()
    } catch {
      // already terminated
    }
    await within(running, 5000, "run() after teardown terminate").catch(() => {})
  })
  return {
    proxy,
    run(): Promise<void> {
      running = background(proxy.run())
      return running
    },
  }
}

/** The error `fn` throws or its promise rejects with, or undefined if it succeeds. */
async function failure(fn: () => unknown): Promise<(Error & { code?: string }) | undefined> {
  try {
    await within(Promise.resolve(fn()), 1000, "operation on a proxied socket")
  } catch (err) {
    return err as Error & { code?: string }
  }
  return undefined
}

test("Router/Dealer proxy: several Requests, several Replys, every reply to its own request", async (t) => {
  const s = sockets(t)
  const router = s.router()
  const dealer = s.dealer()
  const frontEp = await bound(router)
  // The back end connects to bound workers, so its rotation over them is exact from the start.
  for (const name of ["w1", "w2"]) {
    const rep = s.rep()
    dealer.connect(await bound(rep))
    // Each worker serves until teardown closes it.
    background(
      (async () => {
        for (;;) await rep.send([name, ...(await rep.receive())])
      })(),
    )
  }
  const { proxy, run } = proxyOf(t, router, dealer)
  const running = run()
  const clients = [0, 1, 2].map((k) => {
    const req = s.req()
    req.connect(frontEp)
    return background(
      (async () => {
        const replies: string[][] = []
        for (let i = 0; i < 4; i++) {
          await req.send([`c${k}`, String(i)])
          replies.push(texts([await req.receive()])[0])
        }
        return replies
      })(),
    )
  })
  const replies = await within(Promise.all(clients), 10000, "12 replies")
  const workersUsed = new Set<string>()
  replies.forEach((perClient, k) => {
    perClient.forEach((reply, i) => {
      t.is(reply.length, 3)
      t.deepEqual(reply.slice(1), [`c${k}`, String(i)])
      workersUsed.add(reply[0])
    })
  })
  t.deepEqual([...workersUsed].sort(), ["w1", "w2"], "both workers served")
  proxy.terminate()
  await within(running, 5000, "run() after terminate")
})

test("run() resolves after terminate() and both sockets are closed", async (t) => {
  const s = sockets(t)
  const front = s.router()
  const back = s.dealer()
  await bound(front)
  await bound(back)
  const { proxy, run } = proxyOf(t, front, back)
  t.is(proxy.frontEnd, front)
  t.is(proxy.backEnd, back)
  const running = run()
  t.true(await isPending(running), "run() waits while the proxy runs")
  t.false(front.closed)
  proxy.terminate()
  t.is(await within(running, 5000, "run() after terminate"), undefined)
  t.true(front.closed)
  t.true(back.closed)
})

test("run() rejects EINVAL when an end is neither bound nor connected", async (t) => {
  const s = sockets(t)
  const front = s.router()
  const back = s.dealer()
  const err = await t.throwsAsync(new Proxy(front, back).run(), {
    code: "EINVAL",
    message: "Front-end socket must be bound or connected",
  })
  t.is((err as { errno?: number }).errno, 22)
  await bound(front)
  await t.throwsAsync(new Proxy(front, back).run(), {
    code: "EINVAL",
    message: "Back-end socket must be bound or connected",
  })
  // A connected (not bound) back end is enough.
  back.connect("tcp://127.0.0.1:1")
  const { proxy, run } = proxyOf(t, front, back)
  const running = run()
  t.true(await isPending(running))
  proxy.terminate()
  await within(running, 5000, "run() after terminate")
})

test("terminate() when not running throws EBADF", (t) => {
  const s = sockets(t)
  const proxy = new Proxy(s.router(), s.dealer())
  const err = t.throws(() => proxy.terminate(), { code: "EBADF", message: "Socket is closed" })
  t.is((err as { errno?: number } | undefined)?.errno, 9)
})

test("frontEnd/backEnd return the sockets given", (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const push = s.push()
  const proxy = new Proxy(pull, push)
  t.is(proxy.frontEnd, pull)
  t.is(proxy.backEnd, push)
})

test("send and receive on a proxied socket fail with EBUSY", async (t) => {
  const s = sockets(t)
  const front = s.router()
  const back = s.dealer()
  await bound(front)
  await bound(back)
  const { proxy, run } = proxyOf(t, front, back)
  const running = run()
  t.true(await isPending(running))
  for (const [name, op] of [
    ["front send", () => front.send(["id", "x"])],
    ["front receive", () => front.receive()],
    ["back send", () => back.send("x")],
    ["back receive", () => back.receive()],
  ] as const) {
    const err = await failure(op)
    t.is(err?.code, "EBUSY", `${name}: ${err?.message}`)
  }
  proxy.terminate()
  await within(running, 5000, "run() after terminate")
})

test("Pull→Push proxy forwards a pipeline, multipart and in order", async (t) => {
  const s = sockets(t)
  const front = s.pull()
  const back = s.push()
  const source = s.push()
  const sink = s.pull()
  source.connect(await bound(front))
  sink.connect(await bound(back))
  const { proxy, run } = proxyOf(t, front, back)
  const running = run()
  for (let i = 0; i < 50; i++) await source.send(["job", String(i), ""])
  const got = texts(await within(receiveN(sink, 50), 10000, "50 jobs"))
  t.deepEqual(
    got,
    Array.from({ length: 50 }, (_, i) => ["job", String(i), ""]),
  )
  proxy.terminate()
  await within(running, 5000, "run() after terminate")
})

test("pause() stops forwarding until resume()", async (t) => {
  const s = sockets(t)
  // Two identical Pull→Push pipelines into one sink: `paused` gets paused, `control` never does.
  const sink = s.pull()
  const paths = [0, 1].map(() => {
    const front = s.pull()
    const back = s.push()
    const source = s.push()
    return { front, back, source }
  })
  for (const { front, back, source } of paths) {
    source.connect(await bound(front))
    sink.connect(await bound(back))
  }
  const [paused, control] = paths.map(({ front, back }) => proxyOf(t, front, back))
  const runs = [paused.run(), control.run()]
  await paths[0].source.send("warm paused")
  await paths[1].source.send("warm control")
  const warm = texts(await within(receiveN(sink, 2), 5000, "warm-up")).map((m) => m[0])
  t.deepEqual(warm.sort(), ["warm control", "warm paused"])
  paused.proxy.pause()
  await paths[0].source.send("sent while paused")
  await paths[1].source.send("marker")
  // The marker took the same kind of path, sent later: it arrives, the paused message does not.
  t.deepEqual(texts([await within(sink.receive(), 5000, "marker")]), [["marker"]])
  const next = sink.receive()
  t.true(await isPending(next), "nothing forwarded while paused")
  t.false(sink.readable)
  paused.proxy.resume()
  t.deepEqual(texts([await within(next, 5000, "after resume")]), [["sent while paused"]])
  paused.proxy.terminate()
  control.proxy.terminate()
  await within(Promise.all(runs), 5000, "both runs end")
})

test("new Proxy() with missing arguments is a TypeError", (t) => {
  const s = sockets(t)
  const AnyProxy = Proxy as unknown as new (...args: unknown[]) => unknown
  t.throws(() => new AnyProxy(), { instanceOf: TypeError, message: "Front-end must be a socket object" })
  t.throws(() => new AnyProxy(s.pull()), { instanceOf: TypeError, message: "Back-end must be a socket object" })
  t.throws(() => new AnyProxy("front", s.push()), { instanceOf: TypeError, message: "Front-end must be a socket object" })
})
