// A ZAP handler (RFC 27) for the security specs: a Router bound at inproc://zeromq.zap.01 in this
// JS environment, answering with the status `decide` returns and recording every request.
import test from "ava"
import { Router } from "../../index"

/** One ZAP request as the handler saw it. */
export interface ZapSeen {
  domain: string
  address: string
  mechanism: string
  credentials: Buffer[]
}

/** The verdict for a request: a status code ("200", "400", ...) and the user id to give. */
export type Decide = (req: ZapSeen) => { status: string; userId?: string }

export interface ZapHandler {
  /** Every request answered so far. */
  seen: ZapSeen[]
  /** Replaces the verdict function (for the next requests). */
  decide: Decide
  close(): void
}

/** Binds the handler; `close()` it when done (one per JS environment at a time). */
export async function startZapHandler(decide: Decide = () => ({ status: "200" })): Promise<ZapHandler> {
  const router = new Router({ linger: 0 })
  await router.bind("inproc://zeromq.zap.01")
  const handler: ZapHandler = { seen: [], decide, close: () => router.close() }
  void (async () => {
    for await (const [peer, delimiter, version, id, domain, address, , mechanism, ...credentials] of router) {
      const req = { domain: String(domain), address: String(address), mechanism: String(mechanism), credentials }
      handler.seen.push(req)
      const { status, userId = "" } = handler.decide(req)
      await router.send([peer, delimiter, version, id, status, status === "200" ? "OK" : "No", userId, ""])
    }
  })().catch(() => {
    // Closed: done.
  })
  return handler
}

/**
 * One handler for the whole spec file (registered with ava's hooks): it admits everything unless
 * a test sets `decide`, and forgets the last test's requests. Returns the getter of the handler.
 */
export function useZapHandler(): () => ZapHandler {
  let handler: ZapHandler | undefined
  test.before(async () => {
    handler = await startZapHandler()
  })
  test.after.always(() => handler?.close())
  test.beforeEach(() => {
    if (handler === undefined) throw new Error("the ZAP handler did not start")
    handler.seen.length = 0
    handler.decide = () => ({ status: "200" })
  })
  return () => {
    if (handler === undefined) throw new Error("the ZAP handler did not start")
    return handler
  }
}
