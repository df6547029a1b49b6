// zeromq-rs: the ES module entry. The package is CommonJS (index.js); this file names each export
// so that `import { Push, Pull } from "zeromq-rs"` works in ESM (Node cannot see names that
// index.js spreads in). A spec checks that the two entries export the same names.
import zmq from "./index.js"

export const {
  version,
  capability,
  curveKeyPair,
  curvePublicKey,
  z85Encode,
  z85Decode,
  context,
  Context,
  Socket,
  Pair,
  Request,
  Reply,
  Dealer,
  Router,
  Pull,
  Push,
  Publisher,
  Subscriber,
  XPublisher,
  XSubscriber,
  Stream,
  Proxy,
  Observer,
  push,
  pull,
  close,
} = zmq

export default zmq
