// zguide "hello world", server side: a Reply socket answers every "Hello" with "World" after a
// second of pretend work. Run alone with `npx tsx examples/hello-server.ts` (next to
// examples/hello-client.ts), or both at once with `npm run example:reqrep`.
// HELLO_ENDPOINT sets the endpoint to bind (default tcp://*:5555), HELLO_WORK_MS the work (1000).
// Stops cleanly on Ctrl-C / SIGTERM.
import { Reply } from "zeromq-rs"

const ENDPOINT = process.env.HELLO_ENDPOINT ?? "tcp://*:5555"
const WORK_MS = Number(process.env.HELLO_WORK_MS ?? 1000)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function main(): Promise<void> {
  const reply = new Reply({ linger: 0 })
  // Closing the socket ends the `for await` loop below, and with it the program.
  const stop = () => {
    reply.close()
    process.off("disconnect", stop) // a "disconnect" listener would keep the process alive
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
  process.once("disconnect", stop) // started by reqrep.ts, and it went away

  await reply.bind(ENDPOINT)
  console.log(`Server listening on ${ENDPOINT}`)
  // When started by examples/reqrep.ts, tell it the server is up.
  process.send?.("listening")

  for await (const [request] of reply) {
    console.log(`Received request: ${request.toString()}`)
    await sleep(WORK_MS) // "do some work"
    if (reply.closed) break
    await reply.send("World")
  }
  console.log("Server stopped")
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
