// Builds benchmark/libzmq-peer.c, the C peer over libzmq itself, against the libzmq 4.3.5 shared
// library that pyzmq's wheel ships (the same version zeromq.js links), so the benchmarks can show
// libzmq's own C figure beside the bindings'. Needs gcc and pyzmq; `BENCH_LIBZMQ=0` skips it.
import * as fs from "node:fs"
import * as path from "node:path"
import { spawnSync } from "node:child_process"

/** Where pyzmq keeps its bundled libzmq, or undefined when pyzmq is absent. */
function pyzmqLibzmq(): string | undefined {
  const found = spawnSync("python3", [
    "-c",
    "import zmq, os, glob; d = os.path.join(os.path.dirname(zmq.__file__), '..', 'pyzmq.libs'); print((glob.glob(d + '/libzmq*.so*') or [''])[0])",
  ])
  const lib = found.status === 0 ? found.stdout.toString().trim() : ""
  return lib === "" ? undefined : path.resolve(lib)
}

/** Builds the C peer once per run; returns its path, or undefined when it cannot be built. */
export function buildLibzmqPeer(): string | undefined {
  if (process.env.BENCH_LIBZMQ === "0") return undefined
  const lib = pyzmqLibzmq()
  if (lib === undefined) return undefined
  const out = path.join(__dirname, "..", "target", "libzmq-peer")
  fs.mkdirSync(path.dirname(out), { recursive: true })
  const cc = spawnSync(
    "gcc",
    ["-O2", "-o", out, path.join(__dirname, "libzmq-peer.c"), lib, `-Wl,-rpath,${path.dirname(lib)}`, "-lpthread"],
    { stdio: "inherit" },
  )
  return cc.status === 0 ? out : undefined
}
