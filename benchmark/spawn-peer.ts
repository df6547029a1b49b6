// Shared by the benchmarks: starts a peer script as a fresh Node process (through tsx) and hands
// each JSON line it prints to `onLine`; `exited` rejects if the peer fails.
import { spawn } from "node:child_process"

/** Starts `script` with `args`; stdin stays open so the caller can signal the peer. */
export function startPeer(script: string, args: string[], onLine: (line: Record<string, unknown>) => void) {
  return startCommand(process.execPath, ["--import", "tsx", script, ...args], onLine)
}

/** Starts a Python `script` (a pyzmq peer) the same way. */
export function startPython(script: string, args: string[], onLine: (line: Record<string, unknown>) => void) {
  return startCommand("python3", [script, ...args], onLine)
}

/** Starts any peer program the same way. */
export function startCommand(command: string, args: string[], onLine: (line: Record<string, unknown>) => void) {
  const child = spawn(command, args, {
    cwd: __dirname,
    stdio: ["pipe", "pipe", "inherit"],
  })
  let buffered = ""
  child.stdout.on("data", (chunk: Buffer) => {
    buffered += chunk.toString()
    let nl
    while ((nl = buffered.indexOf("\n")) >= 0) {
      onLine(JSON.parse(buffered.slice(0, nl)))
      buffered = buffered.slice(nl + 1)
    }
  })
  const exited = new Promise<void>((resolve, reject) =>
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`peer ${args.join(" ")} exited ${code}`)))),
  )
  return { child, exited }
}
