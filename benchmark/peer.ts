// One benchmark process. Modes: "both" (push and pull in this process), "recv" (bind a PULL,
// print the endpoint, receive), "send" (connect a PUSH and send). Prints one JSON line of results.
// Both libraries expose the same zeromq.js v6 API, so one code path measures either. With
// BENCH_BATCH=1 (zeromq-rs only) it sends with sendMany and receives with receiveMany instead;
// with BENCH_PATTERN=dealer-router a DEALER sends to a ROUTER instead of PUSH to PULL; with
// BENCH_CURVE both ends use CURVE.

type Sender = new (options?: object) => { bind(a: string): Promise<void>; connect(a: string): void; send(m: Buffer): Promise<void>; sendMany?(m: Buffer[]): Promise<void>; close(): void; lastEndpoint: string | null; linger: number }
type Receiver = new (options?: object) => { bind(a: string): Promise<void>; connect(a: string): void; receive(): Promise<Buffer[]>; receiveMany?(max?: number): Promise<Buffer[][]>; close(): void; lastEndpoint: string | null }
interface Lib {
  Push: Sender
  Pull: Receiver
  curveKeyPair(): { publicKey: string; secretKey: string }
}

const [mode, libName, address, sizeText, countText] = process.argv.slice(2)
const size = Number(sizeText)
const count = Number(countText)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const module_ = libName === "zeromq-rs" ? require("..") : require("zeromq")
const dealerRouter = process.env.BENCH_PATTERN === "dealer-router"
const lib: Lib = dealerRouter ? { ...module_, Push: module_.Dealer, Pull: module_.Router } : module_

/** BENCH_CURVE="<public> <secret>" (the server's Z85 keys): the receiver is a CURVE server and the sender its client. */
const curve = process.env.BENCH_CURVE ? process.env.BENCH_CURVE.split(" ") : undefined

function receiverOptions(): object {
  return curve ? { curveServer: true, curvePublicKey: curve[0], curveSecretKey: curve[1] } : {}
}

function senderOptions(): object {
  if (!curve) return {}
  const keys = lib.curveKeyPair()
  return { curveServerKey: curve[0], curvePublicKey: keys.publicKey, curveSecretKey: keys.secretKey }
}

function report(extra: Record<string, number | string>): void {
  const usage = process.resourceUsage()
  console.log(JSON.stringify({ maxRssKiB: usage.maxRSS, ...extra }))
}

const batched = process.env.BENCH_BATCH === "1"
/** Messages per sendMany call in batch mode. */
const BATCH = 1000

async function sendAll(push: InstanceType<Lib["Push"]>): Promise<void> {
  const buf = Buffer.alloc(size, 7)
  if (batched && push.sendMany) {
    const batch = new Array<Buffer>(BATCH).fill(buf)
    let sent = 0
    for (; sent + BATCH <= count; sent += BATCH) await push.sendMany(batch)
    if (sent < count) await push.sendMany(batch.slice(0, count - sent))
    return
  }
  for (let i = 0; i < count; i++) await push.send(buf)
}

async function receiveAll(pull: InstanceType<Lib["Pull"]>): Promise<{ ns: number; cpuUs: number }> {
  await pull.receive()
  const start = process.hrtime.bigint()
  const cpu = process.cpuUsage()
  if (batched && pull.receiveMany) {
    for (let i = 1; i < count; ) i += (await pull.receiveMany()).length
  } else {
    for (let i = 1; i < count; i++) await pull.receive()
  }
  const used = process.cpuUsage(cpu)
  return { ns: Number(process.hrtime.bigint() - start), cpuUs: used.user + used.system }
}

async function main(): Promise<void> {
  if (mode === "both") {
    const pull = new lib.Pull(receiverOptions())
    await pull.bind(address)
    const push = new lib.Push(senderOptions())
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
    const pull = new lib.Pull(receiverOptions())
    await pull.bind(address)
    console.log(JSON.stringify({ endpoint: pull.lastEndpoint }))
    const { ns, cpuUs } = await receiveAll(pull)
    report({ msgsPerSec: (count - 1) / (ns / 1e9), cpuUs })
    pull.close()
  } else {
    const push = new lib.Push(senderOptions())
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
