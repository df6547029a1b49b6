// Options about how tcp connections are made and accepted: tcpAcceptFilter, socksProxy (through a
// minimal SOCKS5 server written here), interface (SO_BINDTODEVICE), and the stored-only pgm options.
import test from "ava"
import * as net from "node:net"
import { bound, sockets, texts, within } from "./helpers/sockets"
import { rawConnect } from "./helpers/raw-peer"

/** Resolves with the bytes a raw client receives before the server closes or 64 bytes arrive. */
function firstBytes(sock: net.Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    let got = Buffer.alloc(0)
    const done = () => resolve(got)
    sock.on("data", (d: Buffer) => {
      got = Buffer.concat([got, d])
      if (got.length >= 10) {
        sock.destroy()
        done()
      }
    })
    sock.on("close", done)
    sock.on("error", done)
  })
}

test("tcpAcceptFilter: connections from outside every range are dropped before the greeting", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const endpoint = await bound(pull)
  t.is(pull.tcpAcceptFilter, null)
  pull.tcpAcceptFilter = "10.0.0.0/8"
  const refused = await within(firstBytes(await rawConnect(endpoint)), 5000, "refused connection")
  t.is(refused.length, 0)
  pull.tcpAcceptFilter = "127.0.0.0/8"
  t.is(pull.tcpAcceptFilter, "10.0.0.0/8,127.0.0.0/8")
  const admitted = await within(firstBytes(await rawConnect(endpoint)), 5000, "admitted connection")
  t.is(admitted[0], 0xff, "the ZMTP greeting starts")
  pull.tcpAcceptFilter = null
  t.is(pull.tcpAcceptFilter, null)
  t.throws(() => (pull.tcpAcceptFilter = "10.0.0.0/40"), { code: "EINVAL" })
})

/** A SOCKS5 server (no authentication, CONNECT only) that records the hosts it was asked for. */
async function socksServer(): Promise<{ port: number; asked: string[]; close(): void }> {
  const asked: string[] = []
  const conns = new Set<net.Socket>()
  const server = net.createServer((client) => {
    conns.add(client)
    client.once("data", (hello: Buffer) => {
      if (hello[0] !== 5) return client.destroy()
      client.write(Buffer.from([5, 0]))
      client.once("data", (req: Buffer) => {
        let host: string
        let at: number
        if (req[3] === 3) {
          host = req.subarray(5, 5 + req[4]).toString()
          at = 5 + req[4]
        } else if (req[3] === 1) {
          host = [...req.subarray(4, 8)].join(".")
          at = 8
        } else return client.destroy()
        const port = req.readUInt16BE(at)
        asked.push(`${host}:${port}`)
        const upstream = net.connect(port, host, () => {
          client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]))
          client.pipe(upstream).pipe(client)
        })
        conns.add(upstream)
        upstream.on("error", () => client.destroy())
        client.on("error", () => upstream.destroy())
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as net.AddressInfo).port
  return {
    port,
    asked,
    close() {
      for (const c of conns) c.destroy()
      server.close()
    },
  }
}

test("socksProxy: a tcp connection goes through the proxy, host names unresolved", async (t) => {
  const s = sockets(t)
  const proxy = await socksServer()
  t.teardown(() => proxy.close())
  const pull = s.pull()
  const port = (await bound(pull)).split(":").pop()
  const push = s.push({ socksProxy: `127.0.0.1:${proxy.port}` })
  t.is(push.socksProxy, `127.0.0.1:${proxy.port}`)
  push.connect(`tcp://localhost:${port}`)
  await push.send(["through", "socks"])
  t.deepEqual(texts([await within(pull.receive(), 5000, "message via the proxy")]), [["through", "socks"]])
  t.deepEqual(proxy.asked, [`localhost:${port}`])
  t.throws(() => (push.socksProxy = "no-port-here"), { code: "EINVAL" })
  push.socksProxy = null
  t.is(push.socksProxy, null)
})

test("interface binds tcp sockets to a device: lo works, an unknown one fails", async (t) => {
  const s = sockets(t)
  const pull = s.pull({ interface: "lo" })
  t.is(pull.interface, "lo")
  const push = s.push({ interface: "lo" })
  push.connect(await bound(pull))
  await push.send("over lo")
  t.deepEqual(texts([await within(pull.receive(), 5000, "message over lo")]), [["over lo"]])
  const other = s.pull({ interface: "nosuchdev0" })
  const err = await t.throwsAsync(other.bind("tcp://127.0.0.1:*"))
  t.truthy((err as { code?: string }).code)
  t.throws(() => (other.interface = "a-name-over-15-bytes"), { code: "EINVAL" })
})

test("pgm-only and platform options are stored with zeromq.js's defaults", (t) => {
  const s = sockets(t)
  const dealer = s.dealer()
  t.deepEqual(
    [dealer.affinity, dealer.rate, dealer.recoveryInterval, dealer.multicastHops, dealer.multicastMaxTransportDataUnit, dealer.loopbackFastPath],
    [0, 100, 10000, 1, 1500, false],
  )
  dealer.rate = 1000
  dealer.multicastHops = 4
  t.deepEqual([dealer.rate, dealer.multicastHops], [1000, 4])
  t.throws(() => (dealer.rate = 0), { code: "EINVAL" })
})
