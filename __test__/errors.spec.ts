// Every error code users branch on, with zeromq.js's messages, and the warts we fixed.
import test from "ava"
import { Pull, Push } from "../index"
import { bound, ipcEndpoint, sockets } from "./helpers/sockets"

test("bad endpoints reject bind with a code and the address", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  for (const [address, code] of [
    ["garbage", "EINVAL"],
    ["tcp://127.0.0.1", "EINVAL"],
    ["inproc://", "EINVAL"],
    ["ipc://", "EINVAL"],
    ["tcp://*:99999", "EINVAL"],
    ["foo://bar", "EPROTONOSUPPORT"],
    ["pgm://eth0;239.192.1.1:5555", "EPROTONOSUPPORT"],
    ["tcp://no-such-host.invalid:5555", "ENODEV"],
    ["tcp://8.8.8.8:5555", "EADDRNOTAVAIL"],
    [`ipc:///tmp/${"x".repeat(120)}`, "ENAMETOOLONG"],
  ]) {
    const err = await t.throwsAsync(pull.bind(address), { code }, address)
    t.is((err as { address?: string }).address, address)
  }
  const err = await t.throwsAsync(pull.bind("garbage"), { message: "Invalid argument" })
  t.is((err as { errno?: number }).errno, 22)
})

test("a port in use is EADDRINUSE, for another socket and for the same one", async (t) => {
  const s = sockets(t)
  const a = s.pull()
  const ep = await bound(a)
  const b = s.pull()
  const err = await t.throwsAsync(b.bind(ep), { code: "EADDRINUSE", message: "Address already in use" })
  t.is((err as { errno?: number; address?: string }).errno, 98)
  t.is((err as { address?: string }).address, ep)
  await t.throwsAsync(a.bind(ep), { code: "EADDRINUSE" })
  const ipc = ipcEndpoint()
  await a.bind(ipc)
  await t.throwsAsync(b.bind(ipc), { code: "EADDRINUSE" })
})

test("concurrent binds on one socket: the second is EBUSY", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const first = pull.bind("tcp://127.0.0.1:*")
  await t.throwsAsync(pull.bind("tcp://127.0.0.1:*"), {
    code: "EBUSY",
    message: "Socket is blocked by a bind or unbind operation",
  })
  await first
})

test("bad connect endpoints throw synchronously; unreachable ones return at once", (t) => {
  const s = sockets(t)
  const push = s.push()
  for (const address of ["garbage", "tcp://127.0.0.1", "tcp://*:5555", "tcp://127.0.0.1:*"]) {
    const err = t.throws(() => push.connect(address), { code: "EINVAL" }, address)
    t.is((err as { address?: string } | undefined)?.address, address)
  }
  t.throws(() => push.connect("foo://bar"), { code: "EPROTONOSUPPORT" })
  for (const address of ["tcp://no-such-host.invalid:5555", "tcp://127.0.0.1:1", "ipc:///tmp/no-such.sock"]) {
    t.notThrows(() => push.connect(address))
  }
})

test("unknown endpoints: unbind and disconnect are ENOENT", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  await t.throwsAsync(pull.unbind("tcp://127.0.0.1:5555"), { code: "ENOENT", message: "No such endpoint" })
  t.throws(() => pull.disconnect("tcp://127.0.0.1:5555"), { code: "ENOENT" })
})

test("a second concurrent receive is EBUSY, rejected rather than thrown", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  await bound(pull)
  const first = pull.receive()
  let second: Promise<Buffer[]> | undefined
  t.notThrows(() => {
    second = pull.receive()
  })
  await t.throwsAsync(second!, {
    code: "EBUSY",
    message: "Socket is busy reading; only one receive operation may be in progress at any time",
  })
  pull.close()
  await t.throwsAsync(first, { code: "EAGAIN" })
})

test("a second send while one waits is EBUSY; close rejects the waiting one with EAGAIN", async (t) => {
  const s = sockets(t)
  const push = s.push()
  await bound(push)
  const waiting = push.send("a")
  await t.throwsAsync(push.send("b"), {
    code: "EBUSY",
    message: "Socket is busy writing; only one send operation may be in progress at any time",
  })
  push.close()
  const err = await t.throwsAsync(waiting, { code: "EAGAIN", message: "Operation was not possible or timed out" })
  t.is((err as { errno?: number }).errno, 11)
})

test("operations on a closed socket: EBADF, and ENOTSOCK for options", async (t) => {
  const push = new Push()
  const pull = new Pull()
  push.close()
  pull.close()
  t.true(push.closed)
  await t.throwsAsync(push.send("x"), { code: "EBADF", message: "Socket is closed" })
  await t.throwsAsync(pull.receive(), { code: "EBADF" })
  await t.throwsAsync(pull.bind("tcp://127.0.0.1:*"), { code: "EBADF" })
  t.throws(() => push.connect("tcp://127.0.0.1:5555"), { code: "EBADF" })
  t.throws(() => push.linger, { code: "ENOTSOCK", message: "Socket operation on non-socket" })
  t.throws(() => {
    push.linger = 0
  }, { code: "ENOTSOCK" })
  t.notThrows(() => push.close())
})

test("options: defaults, validation and type errors", (t) => {
  const s = sockets(t)
  const push = s.push({ sendHighWaterMark: 10, immediate: true })
  t.is(push.sendHighWaterMark, 10)
  t.is(push.immediate, true)
  t.is(push.receiveHighWaterMark, 1000)
  t.is(push.linger, 1000)
  t.is(push.sendTimeout, -1)
  t.is(push.reconnectInterval, 100)
  t.is(push.handshakeInterval, 30000)
  t.is(push.maxMessageSize, -1)
  t.throws(() => {
    push.sendHighWaterMark = -1
  }, { code: "EINVAL" })
  t.throws(() => {
    push.linger = 1.5
  }, { code: "EINVAL" })
  t.throws(() => {
    ;(push as unknown as { linger: string }).linger = "abc"
  }, { instanceOf: TypeError, message: "Option value must be a number" })
  t.throws(() => {
    ;(push as unknown as { immediate: number }).immediate = 1
  }, { instanceOf: TypeError })
  t.throws(() => new Push({ foo: 1 } as never), { instanceOf: TypeError, message: "Cannot add property foo, object is not extensible" })
  t.throws(() => new Pull({ receiveTimeout: -5 }), { code: "EINVAL" })
})
