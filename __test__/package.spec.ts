// Packaging: what `npm pack` puts in the main package, and a user's install of the packed main
// package and this platform's prebuilt package (npm/<platform>) into an empty folder, with no Rust
// toolchain on PATH and no registry, then TypeScript consumers (ES module and CommonJS) doing a
// push/pull round trip. Serial: npm and tsc are heavy on 2 cores.
import test from "ava"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const root = path.join(__dirname, "..")
const npm = process.platform === "win32" ? "npm.cmd" : "npm"

/** This machine's napi-rs platform name, as in npm/<platform> (only linux-x64-gnu is built here). */
const platform = "linux-x64-gnu"
const addon = path.join(root, `zeromq-rs.${platform}.node`)
const supported = process.platform === "linux" && process.arch === "x64" && fs.existsSync(addon)

/** PATH without any directory that holds cargo or rustc: the user has no Rust. */
function pathWithoutRust(): string {
  return (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((dir) => !["cargo", "rustc"].some((tool) => fs.existsSync(path.join(dir, tool))))
    .join(path.delimiter)
}

/** The Node binaries the consumers run on: this one, and Node 22 when ZEROMQ_RS_NODE22 names one. */
const nodes = [process.execPath, ...(process.env.ZEROMQ_RS_NODE22 ? [process.env.ZEROMQ_RS_NODE22] : [])]

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
}

/** Packs the package in `dir` into `dest` without running its scripts; returns the tarball's path. */
function pack(dir: string, dest: string): string {
  const out = run(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", dest], dir)
  const [{ filename }] = JSON.parse(out) as { filename: string }[]
  return path.join(dest, filename)
}

test.serial("the main package holds exactly the runtime files and the docs npm always adds", (t) => {
  const out = run(npm, ["pack", "--ignore-scripts", "--dry-run", "--json"], root)
  const [{ files }] = JSON.parse(out) as { files: { path: string }[] }[]
  const paths = files.map((f) => f.path).sort()
  const lib = fs.readdirSync(path.join(root, "lib")).map((f) => `lib/${f}`)
  t.deepEqual(paths, ["LICENSE", "README.md", "binding.d.ts", "binding.js", "index.d.ts", "index.js", "index.mjs", "package.json", ...lib].sort())
})

test.serial("every platform package names its binary, os, cpu and the main package's version", (t) => {
  const main = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
  const dirs = fs.readdirSync(path.join(root, "npm")).sort()
  t.deepEqual(dirs, ["darwin-arm64", "darwin-x64", "linux-arm64-gnu", "linux-x64-gnu", "linux-x64-musl", "win32-x64-msvc"])
  for (const dir of dirs) {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "npm", dir, "package.json"), "utf8"))
    t.is(pkg.name, `zeromq-rs-${dir}`)
    t.is(pkg.version, main.version)
    t.deepEqual(pkg.files, [`zeromq-rs.${dir}.node`])
    t.is(pkg.main, `zeromq-rs.${dir}.node`)
    t.true(pkg.os.length === 1 && pkg.cpu.length === 1, dir)
    t.is(main.optionalDependencies[pkg.name], main.version, `${pkg.name} is an optional dependency`)
  }
})

test.serial("ESM and CommonJS entries export the same names", async (t) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cjs = Object.keys(require("..")).sort()
  const esm = await import(path.join(root, "index.mjs"))
  t.deepEqual(Object.keys(esm).filter((k) => k !== "default").sort(), cjs)
})

test.serial("without the platform package or a local build, loading fails with ERR_ZEROMQ_RS_NO_ADDON and says what to do", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeromq-rs-noaddon-"))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  for (const file of ["index.js", "binding.js", "package.json"]) fs.copyFileSync(path.join(root, file), path.join(dir, file))
  fs.cpSync(path.join(root, "lib"), path.join(dir, "lib"), { recursive: true })
  const probe = "try { require('./') } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })) }"
  const { code, message } = JSON.parse(run(process.execPath, ["-e", probe], dir).trim())
  t.is(code, "ERR_ZEROMQ_RS_NO_ADDON")
  t.regex(message, /prebuilt package zeromq-rs-[a-z0-9-]+ nor a local build/)
  t.regex(message, /npm run build/)
})

const installed = supported ? test.serial : test.skip
installed("packed tarballs install without Rust or a registry, and TypeScript consumers (ESM, CommonJS) run", (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "zeromq-rs-pack-"))
  t.teardown(() => fs.rmSync(work, { recursive: true, force: true }))
  // This platform's package, as the release workflow assembles it: its package.json and the binary.
  const platformDir = path.join(work, platform)
  fs.mkdirSync(platformDir)
  for (const file of ["package.json", "README.md"]) fs.copyFileSync(path.join(root, "npm", platform, file), path.join(platformDir, file))
  fs.copyFileSync(addon, path.join(platformDir, path.basename(addon)))
  const platformTarball = pack(platformDir, work)
  const mainTarball = pack(root, work)

  const app = path.join(work, "app")
  fs.cpSync(path.join(__dirname, "fixtures", "consumer"), app, { recursive: true })
  fs.writeFileSync(
    path.join(app, "package.json"),
    JSON.stringify({
      name: "consumer",
      private: true,
      dependencies: { "zeromq-rs": `file:${mainTarball}`, [`zeromq-rs-${platform}`]: `file:${platformTarball}` },
    }),
  )
  const env = { ...process.env, PATH: pathWithoutRust(), npm_config_offline: "true", npm_config_audit: "false", npm_config_fund: "false" }
  t.throws(() => run("cargo", ["--version"], app, env), undefined, "no cargo on the consumer's PATH")
  run(npm, ["install"], app, env)
  t.false(fs.existsSync(path.join(app, "node_modules", "zeromq-rs", "src")), "no sources installed")
  t.false(fs.readdirSync(path.join(app, "node_modules", "zeromq-rs")).some((f) => f.endsWith(".node")), "the binary comes from the platform package")
  // The consumers compile against the installed types, with @types/node from this repository.
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc")
  fs.symlinkSync(path.join(root, "node_modules", "@types"), path.join(app, "node_modules", "@types"))
  run(process.execPath, [tsc, "-p", "tsconfig.json"], app, env)
  for (const node of nodes) {
    for (const [file, kind] of [["out/esm.mjs", "esm"], ["out/cjs.cjs", "cjs"]]) {
      const line = JSON.parse(run(node, [file], app, env).trim())
      t.deepEqual(line, { kind, received: `from ${kind}`, version: "4.3.5" }, `${kind} on ${run(node, ["--version"], app).trim()}`)
    }
  }
})

const node22 = process.env.ZEROMQ_RS_NODE22
if (node22 === undefined) {
  console.log("package.spec: the Node 22 consumer run is skipped: set ZEROMQ_RS_NODE22 to a node 22 binary (.ci/run installs one)")
}
const node22Test = supported && node22 !== undefined ? test.serial : test.skip
node22Test("ZEROMQ_RS_NODE22 is a Node 22 that loads the addon", (t) => {
  t.regex(run(node22 as string, ["--version"], root).trim(), /^v22\./)
  const out = run(node22 as string, ["-e", "const z = require('./'); const p = new z.Pair(); p.close(); console.log(typeof z.Push)"], root)
  t.is(out.trim(), "function")
})
