// The README's quick start, runnable: `npm run example:quick-start`.
import { Pull, Push } from "zeromq-rs"

async function main(): Promise<void> {
  const pull = new Pull()
  await pull.bind("tcp://127.0.0.1:*") // any free port
  const endpoint = pull.lastEndpoint! // e.g. tcp://127.0.0.1:41234

  const push = new Push({ sendHighWaterMark: 1000 })
  push.connect(endpoint) // returns at once; connects in the background

  await push.send("hello") // one frame
  await push.send(["job", Buffer.from([1, 2])]) // multipart

  for await (const [first, ...rest] of pull) {
    console.log(first.toString(), rest)
    if (first.toString() === "job") break
  }

  push.close()
  pull.close()
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
