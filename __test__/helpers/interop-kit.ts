// Shared pieces of the request/reply interop specs: the libzmq peers' kinds, our side's binding
// or connecting, bounded steps, and the frames the peers send and echo.
import test, { type ExecutionContext } from "ava"
import {
  peerFrame,
  pyzmqAvailable,
  startReqRepPeer,
  withTimeout,
  type PeerKind,
  type ReqRepPeer,
  type ReqRepPeerConfig,
  type ReqRepResult,
} from "./reqrep-peers"

export type Side = "bind" | "connect"
export type Transport = "tcp" | "ipc"

export const KINDS: PeerKind[] = ["zeromqjs", "pyzmq"]
export const SIDES: Side[] = ["bind", "connect"]
/** Upper bound for any single step (a send, a receive, a peer's result or exit). */
export const STEP_MS = 10000

/** What every test needs of our sockets (Router.connect also takes options, which is compatible). */
export interface Ours {
  bind(address: string): Promise<void>
  connect(address: string): void
  close(): void
  readonly lastEndpoint: string | null
}

export const pyzmqMissing = !pyzmqAvailable()
if (pyzmqMissing) {
  console.log("interop-reqrep.spec: pyzmq tests skipped: `python3 -c \"import zmq\"` fails (pip install pyzmq)")
}

export function peerTest(kind: PeerKind, title: string, impl: (t: ExecutionContext) => Promise<void>): void {
  const name = `${kind}: ${title}`
  if (kind === "pyzmq" && pyzmqMissing) test.skip(name, impl)
  else test.serial(name, impl)
}

export function where(ourSide: Side, transport: Transport = "tcp"): string {
  return `${transport}, ours ${ourSide === "bind" ? "binds" : "connects"}`
}

export function wildcard(transport: Transport): string {
  return transport === "tcp" ? "tcp://127.0.0.1:*" : "ipc://*"
}

export function step<T>(p: Promise<T>, what: string): Promise<T> {
  return withTimeout(p, STEP_MS, what)
}

/** Registers `sock` to be closed in the test's teardown and returns it. */
export function ours<T extends { close(): void }>(t: ExecutionContext, sock: T): T {
  t.teardown(() => sock.close())
  return sock
}

export async function bindOurs(sock: Ours, transport: Transport): Promise<string> {
  await step(sock.bind(wildcard(transport)), "our bind()")
  const endpoint = sock.lastEndpoint
  if (!endpoint) throw new Error("lastEndpoint is empty after bind()")
  return endpoint
}

/** Links our socket and a peer: whichever side binds does so first and the other uses its endpoint. */
export async function link(
  t: ExecutionContext,
  sock: Ours,
  kind: PeerKind,
  ourSide: Side,
  config: Omit<ReqRepPeerConfig, "mode" | "endpoint">,
  transport: Transport = "tcp",
): Promise<ReqRepPeer> {
  let peer: ReqRepPeer
  if (ourSide === "bind") {
    const endpoint = await bindOurs(sock, transport)
    peer = await startReqRepPeer(kind, { ...config, mode: "connect", endpoint })
  } else {
    peer = await startReqRepPeer(kind, { ...config, mode: "bind", endpoint: wildcard(transport) })
    sock.connect(peer.endpoint)
  }
  t.teardown(() => peer.kill())
  return peer
}

/** The peer's report once it has exited cleanly. */
export async function finished(t: ExecutionContext, peer: ReqRepPeer): Promise<ReqRepResult> {
  const result = await step(peer.result, "the peer's result")
  t.is(await step(peer.exited, "the peer to exit"), 0, "the peer's exit code")
  return result
}

/** Frames as text (latin1: byte-exact). */
export function txt(msg: Buffer[]): string[] {
  return msg.map(f => f.toString("latin1"))
}

export function txts(msgs: Buffer[][]): string[][] {
  return msgs.map(txt)
}

/** Message i of `parts` frames named `name`, as text frames. */
export function msgOf(name: string, i: number, parts: number): string[] {
  return Array.from({ length: parts }, (_, j) => peerFrame(name, i, j))
}

/** What a peer (or our echo) named `name` replies to `msg`: empty frames kept, the others prefixed. */
export function echoOf(name: string, msg: string[]): string[] {
  return msg.map(f => (f === "" ? f : `${name}:${f}`))
}

/** A libzmq-generated routing id: 5 bytes, the first one 0. */
export function assertGeneratedId(t: ExecutionContext, id: Buffer | undefined, whose: string): void {
  t.truthy(id, `${whose}: no routing id`)
  if (!id) return
  t.is(id.length, 5, `${whose}: generated routing id ${id.toString("hex")} is not 5 bytes`)
  t.is(id[0], 0, `${whose}: generated routing id ${id.toString("hex")} does not start with a 0 byte`)
}

