// Jest (ts-jest) tests of service.ts. Run: npx jest --config examples/testing/jest.config.js
// The sockets are closed in afterAll, so Jest exits by itself, quietly even with --detectOpenHandles.
import { afterAll, beforeAll, expect, test } from "@jest/globals"
import { askUppercase, startUppercaseService, type Service } from "./service"

let service: Service

beforeAll(async () => {
  service = await startUppercaseService()
})

afterAll(async () => {
  await service.close()
})

test("answers with the text upper-cased", async () => {
  await expect(askUppercase(service.endpoint, "hello")).resolves.toBe("HELLO")
})

test("serves several clients one after another", async () => {
  const replies = []
  for (const word of ["a", "b", "c"]) replies.push(await askUppercase(service.endpoint, word))
  expect(replies).toEqual(["A", "B", "C"])
})

test("a client of a service that is not there fails with EAGAIN after its deadline", async () => {
  const gone = await startUppercaseService()
  await gone.close()
  await expect(askUppercase(gone.endpoint, "anyone?", 200)).rejects.toMatchObject({ code: "EAGAIN" })
})
