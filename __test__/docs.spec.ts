// The API reference: `npm run docs` (typedoc over index.d.ts, warnings as errors) builds, and has a
// page for every socket class and the key utilities.
import test from "ava"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const root = path.join(__dirname, "..")

test("the API reference builds without warnings and covers the classes and functions", (t) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "zeromq-rs-docs-"))
  t.teardown(() => fs.rmSync(out, { recursive: true, force: true }))
  const typedoc = path.join(root, "node_modules", "typedoc", "bin", "typedoc")
  // typedoc.json sets treatWarningsAsErrors: any warning fails the build (and this call).
  const log = execFileSync(process.execPath, [typedoc, "--out", out], { cwd: root, encoding: "utf8" })
  t.notRegex(log, /warning/i)
  for (const page of ["Push", "Pull", "Router", "Dealer", "Publisher", "Subscriber", "Proxy", "Context"]) {
    t.true(fs.existsSync(path.join(out, "classes", `${page}.html`)), page)
  }
  for (const fn of ["curveKeyPair", "z85Encode", "z85Decode"]) t.true(fs.existsSync(path.join(out, "functions", `${fn}.html`)), fn)
  const push = fs.readFileSync(path.join(out, "classes", "Push.html"), "utf8")
  t.regex(push, /sendHighWaterMark/)
})
