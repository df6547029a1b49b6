// A small service to test: a Reply socket that answers each request with its text upper-cased,
// and a client call with a deadline. `examples/testing/` shows how to test code like this with
// Jest (service.test.ts) and with ava (service.spec.ts).
import { Reply, Request } from "zeromq-rs"

/** A running service: where it listens, and how to stop it. */
export interface Service {
  endpoint: string
  close(): Promise<void>
}

/**
 * Starts the service on `address`. The default binds an ephemeral port on loopback, so parallel
 * test workers never compete for one: ask `endpoint` where it went.
 */
export async function startUppercaseService(address = "tcp://127.0.0.1:*"): Promise<Service> {
  const reply = new Reply({ linger: 0 })
  await reply.bind(address)
  const serving = (async () => {
    // Ends when the socket closes: the iterator finishes instead of throwing.
    for await (const [request] of reply) {
      await reply.send(request.toString().toUpperCase())
    }
  })()
  return {
    endpoint: reply.lastEndpoint as string,
    async close() {
      reply.close()
      await serving
    },
  }
}

/** Asks the service at `endpoint` to upper-case `text`; rejects with EAGAIN after `timeoutMs`. */
export async function askUppercase(endpoint: string, text: string, timeoutMs = 2000): Promise<string> {
  const request = new Request({ linger: 0, receiveTimeout: timeoutMs, sendTimeout: timeoutMs })
  try {
    request.connect(endpoint)
    await request.send(text)
    const [reply] = await request.receive()
    return reply.toString()
  } finally {
    // Every socket a test opens is closed, or Jest reports an open handle and may not exit.
    request.close()
  }
}
