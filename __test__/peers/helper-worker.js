// A worker process for the helpers spec: consumes jobs with `pull(handler)` from the address in
// ZEROMQ_RS_ADDRESS and acknowledges each one (job text, pid) to the PULL at ACKS_ENDPOINT.
"use strict"
const { pull, close, Push } = require("../../index.js")

const acks = new Push()
acks.connect(process.env.ACKS_ENDPOINT)

pull(async ([job]) => {
  const text = job.toString()
  await acks.send([text, String(process.pid)])
  if (text === "stop") {
    await close()
    acks.close()
  }
}).catch((err) => {
  console.error(err)
  process.exit(1)
})
