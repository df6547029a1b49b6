// STREAM: raw TCP peers addressed by routing id, with connect/disconnect notifications, as an HTTP
// server (for Node's http client) and as an HTTP client (of Node's http server).
import test from "ava"
import * as http from "node:http"
import { AddressInfo } from "node:net"
import { Stream } from "../index"
import { bound, within } from "./helpers/sockets"

test("as a server: a connection is announced, a request read, a response written", async (t) => {
  const stream = new Stream()
  t.teardown(() => stream.close())
  const port = (await bound(stream)).split(":").pop()
  const response = new Promise<string>((resolve, reject) => {
    http
      .get(`http://127.0.0.1:${port}/foo`, (res) => {
        let body = ""
        res.on("data", (d: Buffer) => (body += d.toString()))
        res.on("end", () => resolve(body))
      })
      .on("error", reject)
  })
  const [id, hello] = await within(stream.receive(), 5000, "connect notification")
  t.is(hello.length, 0)
  t.is(id.length, 5, "a generated routing id")
  const [sameId, request] = await within(stream.receive(), 5000, "request")
  t.deepEqual(sameId, id)
  t.is(request.toString().split("\r\n")[0], "GET /foo HTTP/1.1")
  await stream.send([id, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nHello world!"])
  await stream.send([id, ""]) // closes the connection: the response ends
  t.is(await within(response, 5000, "response"), "Hello world!")
  const [goneId, bye] = await within(stream.receive(), 5000, "disconnect notification")
  t.deepEqual([goneId, bye.length], [id, 0])
  await t.throwsAsync(stream.send([id, "late"]), { code: "EHOSTUNREACH" })
})

test("as a client: a named peer is written to before it is connected", async (t) => {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": 12 })
    res.end("Hello world!")
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  t.teardown(() => server.close())
  const stream = new Stream({ notify: false })
  t.teardown(() => stream.close())
  const port = (server.address() as AddressInfo).port
  stream.connect(`tcp://127.0.0.1:${port}`, { routingId: "web" })
  await stream.send(["web", `GET /foo HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`])
  let body = ""
  while (!body.endsWith("Hello world!")) {
    const [id, data] = await within(stream.receive(), 5000, "response bytes")
    t.is(id.toString(), "web")
    body += data.toString()
  }
  t.regex(body, /^HTTP\/1\.1 200 OK/)
})

test("inproc carries no raw bytes: bind and connect are EPROTONOSUPPORT", async (t) => {
  const stream = new Stream()
  t.teardown(() => stream.close())
  await t.throwsAsync(stream.bind("inproc://stream-spec"), { code: "EPROTONOSUPPORT" })
  t.throws(() => stream.connect("inproc://stream-spec"), { code: "EPROTONOSUPPORT" })
})
