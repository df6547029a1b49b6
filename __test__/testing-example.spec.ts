// examples/testing: its Jest (ts-jest) and ava tests pass, and Jest exits by itself with
// --detectOpenHandles quiet (every socket closed in afterAll, nothing left pending).
import test from "ava"
import { spawnSync } from "node:child_process"
import * as path from "node:path"

const root = path.join(__dirname, "..")
const bin = (name: string) => path.join(root, "node_modules", ".bin", name)

for (const flags of [[], ["--detectOpenHandles"]]) {
  test.serial(`the Jest tests pass and Jest exits on its own, quietly (${flags.join(" ") || "default"})`, (t) => {
    // No --forceExit. Without --detectOpenHandles a socket left open keeps Jest running ("Jest did
    // not exit one second after the test run has completed") into this timeout.
    const jest = spawnSync(bin("jest"), ["--config", "examples/testing/jest.config.js", ...flags], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
    })
    const output = jest.stdout + jest.stderr
    t.is(jest.status, 0, output)
    t.regex(output, /Tests:\s+3 passed, 3 total/)
    t.notRegex(output, /open handle|did not exit|asynchronous operations/i)
  })
}

test.serial("the ava tests pass", (t) => {
  const ava = spawnSync(bin("ava"), ["--config", "examples/testing/ava.config.mjs"], { cwd: root, encoding: "utf8", timeout: 60_000 })
  const output = ava.stdout + ava.stderr
  t.is(ava.status, 0, output)
  t.regex(output, /3 tests passed/)
})
