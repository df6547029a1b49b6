// Accepted and rejected message parts (zeromq.js's MessageLike, without its "[object Object]" wart).
import test from "ava"
import { MessageLike } from "../index"
import { bound, receiveN, sockets } from "./helpers/sockets"

test("every accepted input type arrives as the expected bytes", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const push = s.push()
  push.connect(await bound(pull))
  const backing = new ArrayBuffer(16)
  new Uint8Array(backing).set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
  const cases: [MessageLike, number[]][] = [
    [Buffer.from("buf"), [...Buffer.from("buf")]],
    [new Uint8Array([1, 2, 3]), [1, 2, 3]],
    // Typed arrays are sent as their own bytes: offset and length respected.
    [new Uint8Array(backing, 4, 3), [5, 6, 7]],
    [new Uint16Array(backing, 2, 2), [3, 4, 5, 6]],
    [new Float64Array([1]), [...new Uint8Array(new Float64Array([1]).buffer)]],
    [new DataView(backing, 8, 2), [9, 10]],
    [backing.slice(0, 2), [1, 2]],
    ["héllo", [...Buffer.from("héllo", "utf8")]],
    [42, [...Buffer.from("42")]],
    [-1.5, [...Buffer.from("-1.5")]],
    [null, []],
  ]
  for (const [input] of cases) await push.send(input)
  await push.send(cases.map(([input]) => input))
  const got = await receiveN(pull, cases.length + 1)
  cases.forEach(([, want], i) => t.deepEqual([...got[i][0]], want, `case ${i}`))
  t.deepEqual(
    got[cases.length].map((f) => [...f]),
    cases.map(([, want]) => want),
  )
})

test("a Buffer changed after send does not change the sent message", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const push = s.push()
  push.connect(await bound(pull))
  const buf = Buffer.from("abc")
  await push.send(buf)
  buf.write("xyz")
  const [[frame]] = await receiveN(pull, 1)
  t.is(frame.toString(), "abc")
})

test("rejected input types are TypeErrors and nothing is sent", async (t) => {
  const s = sockets(t)
  const pull = s.pull({ receiveTimeout: 200 })
  const push = s.push()
  push.connect(await bound(pull))
  const bad: unknown[] = [{ a: 1 }, [{ a: 1 }], undefined, Symbol("s"), () => 1, true, 10n, ["ok", undefined]]
  for (const value of bad) {
    t.throws(() => push.send(value as MessageLike), { instanceOf: TypeError }, String(typeof value))
  }
  t.throws(() => push.send(undefined as unknown as MessageLike), { message: "Message must be present" })
  await push.send("after")
  t.deepEqual((await receiveN(pull, 1))[0].map(String), ["after"])
})
