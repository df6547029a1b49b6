// zguide "hello world", client side: a Request socket sends "Hello" ten times, waiting for each
// "World" before sending the next. Start examples/hello-server.ts first (or use
// `npm run example:reqrep`, which runs both), then `npx tsx examples/hello-client.ts`.
// HELLO_ENDPOINT sets the server endpoint (default tcp://localhost:5555; a `*` host is read as
// localhost, so server and client can share the variable); HELLO_REQUESTS the count (10).
import { Request } from "zeromq-rs"

const ENDPOINT = (process.env.HELLO_ENDPOINT ?? "tcp://localhost:5555").replace("tcp://*:", "tcp://localhost:")
const REQUESTS = Number(process.env.HELLO_REQUESTS ?? 10)

async function main(): Promise<void> {
  const request = new Request({ linger: 0 })
  // connect() returns at once; a request sent before the server is up waits for it.
  request.connect(ENDPOINT)
  console.log(`Connecting to hello world server at ${ENDPOINT}`)

  for (let n = 1; n <= REQUESTS; n++) {
    console.log(`Sending Hello ${n}`)
    await request.send("Hello")
    // A Request must receive the reply before it may send again.
    const [reply] = await request.receive()
    console.log(`Received ${reply.toString()} ${n}`)
  }
  request.close()
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
