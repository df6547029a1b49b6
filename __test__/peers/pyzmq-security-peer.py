#!/usr/bin/env python3
"""Security interop peer backed by pyzmq (libzmq), run as a child process by
__test__/security-interop.spec.ts; same config and output as zeromqjs-security-peer.js."""
import json
import os
import sys
import threading

import zmq

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import bind_or_connect, emit  # noqa: E402


def zap_handler(ctx, policy):
    handler = ctx.socket(zmq.ROUTER)
    handler.linger = 0
    handler.bind("inproc://zeromq.zap.01")

    def serve():
        try:
            while True:
                peer, delimiter, version, rid, domain, _address, _identity, mechanism, *creds = handler.recv_multipart()
                emit({"zap": {"domain": domain.decode(), "mechanism": mechanism.decode(), "credentials": [c.hex() for c in creds]}})
                status = b"200" if policy == "allow" else b"400"
                handler.send_multipart([peer, delimiter, version, rid, status, b"", b"peer-user", b""])
        except zmq.ZMQError:
            pass

    threading.Thread(target=serve, daemon=True).start()


def main():
    cfg = json.loads(sys.argv[1])
    ctx = zmq.Context()
    if cfg.get("zap"):
        zap_handler(ctx, cfg["zap"])
    sock = ctx.socket(zmq.PAIR)
    sock.linger = 0
    sock.zap_domain = b"interop"
    if cfg["mechanism"] == "curve":
        if cfg["server"]:
            sock.curve_server = True
        else:
            sock.curve_serverkey = cfg["serverKey"].encode()
        sock.curve_publickey = cfg["publicKey"].encode()
        sock.curve_secretkey = cfg["secretKey"].encode()
    elif cfg["server"]:
        sock.plain_server = True
    else:
        sock.plain_username = cfg["username"].encode()
        sock.plain_password = cfg["password"].encode()
    bind_or_connect(sock, cfg)

    def exchange():
        try:
            msg = sock.recv_multipart()
            emit({"received": [f.decode() for f in msg]})
            sock.send_multipart([b"peer", b"reply"])
        except zmq.ZMQError:
            pass

    threading.Thread(target=exchange, daemon=True).start()
    sys.stdin.read()
    os._exit(0)


main()
