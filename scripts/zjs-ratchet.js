#!/usr/bin/env node
// Compatibility ratchet: runs zeromq.js's own unit tests (../shared/zjs-suite) against this
// package and fails if any test listed in zjs-expected-pass.txt does not pass. Tests that pass
// and are not listed yet are printed, so a change that makes more pass can add them.
//   node scripts/zjs-ratchet.js            run the suite and check
//   node scripts/zjs-ratchet.js --update   also rewrite the list with every test that passed
"use strict"

const { spawnSync } = require("node:child_process")
const fs = require("node:fs")
const os = require("node:os")
const path = require("node:path")

const root = path.join(__dirname, "..")
const suite = path.join(root, "..", "shared", "zjs-suite")
const listFile = path.join(__dirname, "zjs-expected-pass.txt")

if (!fs.existsSync(path.join(suite, "run.sh"))) {
  console.log(`zjs-ratchet: ${suite} is absent; skipped`)
  process.exit(0)
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "zjs-ratchet-"))
const run = spawnSync("bash", [path.join(suite, "run.sh")], {
  env: { ...process.env, ZMQ_MODULE: root, WORK_DIR: workDir, PORT_BASE: process.env.PORT_BASE ?? "26000" },
  stdio: ["ignore", "inherit", "inherit"],
})
const summaryFile = path.join(workDir, "results", "summary.json")
if (!fs.existsSync(summaryFile)) {
  console.error(`zjs-ratchet: the suite wrote no results (exit ${run.status}); see the output above`)
  process.exit(1)
}
const summary = JSON.parse(fs.readFileSync(summaryFile, "utf8"))
const key = (t) => `${t.file} › ${t.fullTitle}`
const passed = new Set(summary.tests.filter((t) => t.status === "pass").map(key))
const status = new Map(summary.tests.map((t) => [key(t), t]))
const expected = fs
  .readFileSync(listFile, "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"))

const regressions = expected.filter((k) => !passed.has(k))
const fresh = [...passed].filter((k) => !expected.includes(k)).sort()
console.log(`zjs-ratchet: ${passed.size} of ${summary.tests.length} zeromq.js tests pass; ${expected.length} are required`)
if (fresh.length > 0) {
  console.log(`zjs-ratchet: ${fresh.length} passing test(s) not in ${path.basename(listFile)} yet:`)
  for (const k of fresh) console.log(`  + ${k}`)
}
if (process.argv.includes("--update")) {
  const header = fs
    .readFileSync(listFile, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("#"))
  fs.writeFileSync(listFile, [...header, ...[...passed].sort()].join("\n") + "\n")
  console.log(`zjs-ratchet: wrote ${passed.size} tests to ${listFile}`)
}
if (regressions.length > 0) {
  console.error(`zjs-ratchet: FAILED: ${regressions.length} required test(s) did not pass:`)
  for (const k of regressions) {
    const t = status.get(k)
    console.error(`  - ${k}\n      ${t ? `${t.status}: ${t.message ?? ""}` : "not run"}`)
  }
  process.exit(1)
}
console.log(`zjs-ratchet: ${expected.length} passed, 0 failed`)
