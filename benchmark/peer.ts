// One benchmark process. Modes: "both" (push and pull in this process), "recv" (bind a PULL,
// print the endpoint, receive), "send" (connect a PUSH and send). Prints one JSON line of results.
// Both libraries expose the same zeromq.js v6 API, so one code path measures either.

interface Lib {
  Push: new () => { bind(a: string): Promise<void>; connect(a: string): void; send(m: Buffer): Promise<void>; close(): void; lastEndpoint: string | null; linger: number }
  Pull: new () => { bind(a: string): Promise<void>; connect(a: string): void; receive(): Promise<Buffer[]>; close(): void; lastEndpoint: string | null }
}

const [mode, libName, address, sizeText, countText] = process.argv.slice(2)
const size = Number(sizeText)
const count = Number(countText)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lib: Lib = libName === "zeromq-rs" ? require("..") : require("zeromq")

function report(extra: Record<string, number | string>): void {
  const usage = process.resourceUsage()
  console.log(JSON.stringify({ maxRssKiB: usage.maxRSS, ...extra }))
}

async function sendAll(push: InstanceType<Lib["Push"]>): Promise<void> {
  const buf = Buffer.alloc(size, 7)
  for (let i = 0; i < count; i++) await push.send(buf)
}

async function receiveAll(pull: InstanceType<Lib["Pull"]>): Promise<{ ns: number; cpuUs: number }> {
  await pull.receive()
  const start = process.hrtime.bigint()
  const cpu = process.cpuUsage()
  for (let i = 1; i < count; i++) await pull.receive()
  const used = process.cpuUsage(cpu)
  return { ns: Number(process.hrtime.bigint() - start), cpuUs: used.user + used.system }
}

async function main(): Promise<void> {
  if (mode === "both") {
    const pull = new lib.Pull()
    await pull.bind(address)
    const push = new lib.Push()
    push.connect(pull.lastEndpoint!)
    const cpu = process.cpuUsage()
    const start = process.hrtime.bigint()
    const received = receiveAll(pull)
    await sendAll(push)
    await received
    const ns = Number(process.hrtime.bigint() - start)
    const used = process.cpuUsage(cpu)
    report({ msgsPerSec: count / (ns / 1e9), cpuUsPerMsg: (used.user + used.system) / count })
    push.close()
    pull.close()
  } else if (mode === "recv") {
    const pull = new lib.Pull()
    await pull.bind(address)
    console.log(JSON.stringify({ endpoint: pull.lastEndpoint }))
    const { ns, cpuUs } = await receiveAll(pull)
    report({ msgsPerSec: (count - 1) / (ns / 1e9), cpuUs })
    pull.close()
  } else {
    const push = new lib.Push()
    push.linger = -1
    push.connect(address)
    const cpu = process.cpuUsage()
    await sendAll(push)
    // Count the CPU the I/O thread spends flushing too: report only when the receiver is done.
    await new Promise((resolve) => process.stdin.once("data", resolve))
    const used = process.cpuUsage(cpu)
    report({ cpuUs: used.user + used.system })
    push.close()
    process.stdin.destroy()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
