// Runs the zguide hello world pair with one command: starts examples/hello-server.ts as a child
// process, runs examples/hello-client.ts as another, then stops the server.
// Run with `npm run example:reqrep` (HELLO_ENDPOINT, HELLO_WORK_MS and HELLO_REQUESTS are passed on).
import { ChildProcess, fork } from "node:child_process"
import * as path from "node:path"

/** Resolves with the exit code (or signal name) of `child`. */
function exited(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve, reject) => {
    child.once("error", reject)
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"))
  })
}

async function main(): Promise<void> {
  const server = fork(path.join(__dirname, "hello-server.ts"))
  const serverExit = exited(server)
  let client: ChildProcess | undefined
  // Ctrl-C / SIGTERM: pass it on to both, and let them end.
  let interrupted: NodeJS.Signals | undefined
  const interrupt = (signal: NodeJS.Signals) => {
    interrupted = signal
    client?.kill(signal)
    server.kill(signal)
  }
  process.once("SIGINT", interrupt)
  process.once("SIGTERM", interrupt)

  // Start the client once the server reports it is bound (so the output reads in order).
  await new Promise<void>((resolve, reject) => {
    server.once("message", () => resolve())
    serverExit.then((how) => reject(new Error(`server exited early (${how})`)), reject)
  })
  client = fork(path.join(__dirname, "hello-client.ts"))
  const clientCode = await exited(client)

  server.kill("SIGTERM") // the server closes its socket and exits
  const serverCode = await serverExit
  if (interrupted) process.exitCode = 130
  else if (clientCode !== 0 || serverCode !== 0) {
    throw new Error(`client exited with ${clientCode}, server with ${serverCode}`)
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
