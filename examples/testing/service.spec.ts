// ava tests of service.ts (the same cases as the Jest file). Run: npx ava --config examples/testing/ava.config.mjs
import test from "ava"
import { askUppercase, startUppercaseService, type Service } from "./service"

let service: Service

test.before(async () => {
  service = await startUppercaseService()
})

test.after.always(async () => {
  await service.close()
})

test("answers with the text upper-cased", async (t) => {
  t.is(await askUppercase(service.endpoint, "hello"), "HELLO")
})

test.serial("serves several clients one after another", async (t) => {
  const replies = []
  for (const word of ["a", "b", "c"]) replies.push(await askUppercase(service.endpoint, word))
  t.deepEqual(replies, ["A", "B", "C"])
})

test("a client of a service that is not there fails with EAGAIN after its deadline", async (t) => {
  const gone = await startUppercaseService()
  await gone.close()
  await t.throwsAsync(askUppercase(gone.endpoint, "anyone?", 200), { code: "EAGAIN" })
})
