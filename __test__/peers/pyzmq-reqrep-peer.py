#!/usr/bin/env python3
"""Request/reply interop peer backed by pyzmq (libzmq), run as a child process by
__test__/helpers/reqrep-peers.ts. Roles: req, rep, dealer, router, pair.

Usage: python3 pyzmq-reqrep-peer.py '<json-config>'; same protocol and output as zeromqjs-reqrep-peer.js.
stdout carries JSON lines only; errors go to stderr with exit code 1, a hang exits 2.
"""
import os
import sys

import zmq

# The shared helpers live next to this script; no __pycache__ is left in the repo.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import LINGER_MS, bind_or_connect, emit, hexes, parse_config, run  # noqa: E402

TYPES = {"req": zmq.REQ, "rep": zmq.REP, "dealer": zmq.DEALER, "router": zmq.ROUTER, "pair": zmq.PAIR}


def parse_reqrep_config(argv):
    cfg = parse_config(argv, TYPES)
    if cfg.get("routingId") is not None and not isinstance(cfg["routingId"], str):
        raise ValueError("routingId must be a string")
    cfg["name"] = cfg["name"] if isinstance(cfg.get("name"), str) else cfg["role"]
    cfg["delimiter"] = cfg.get("delimiter") is True
    cfg["untilEof"] = cfg.get("untilEof") is True
    if cfg["untilEof"] and cfg["role"] not in ("rep", "router"):
        raise ValueError("untilEof is for rep and router only")
    return cfg


def message(cfg, i):
    """Message i that req, dealer and pair send: frames f"{name}:{i}:{j}" (a dealer may prepend b"")."""
    frames = [b""] if cfg["role"] == "dealer" and cfg["delimiter"] else []
    frames += [("%s:%d:%d" % (cfg["name"], i, j)).encode("utf-8") for j in range(cfg["parts"])]
    return frames


def echo(cfg, frames):
    """The echo of rep and router: empty frames (delimiters) kept, every other frame prefixed f"{name}:"."""
    prefix = (cfg["name"] + ":").encode("utf-8")
    return [f if len(f) == 0 else prefix + f for f in frames]


def serve(cfg, sock, sent, received, ids):
    """Serves (rep, router) `count` requests, or until stdin reaches EOF with untilEof."""
    poller = zmq.Poller()
    poller.register(sock, zmq.POLLIN)
    stdin = sys.stdin.fileno()
    if cfg["untilEof"]:
        poller.register(stdin, zmq.POLLIN)
    i = 0
    while cfg["untilEof"] or i < cfg["count"]:
        events = dict(poller.poll())
        if sock in events:
            msg = sock.recv_multipart()
            received.append(hexes(msg))
            if cfg["role"] == "router":
                if msg[0].hex() not in ids:
                    ids.append(msg[0].hex())
                reply = [msg[0]] + echo(cfg, msg[1:])
            else:
                reply = echo(cfg, msg)
            sock.send_multipart(reply)
            sent.append(hexes(reply))
            i += 1
        elif stdin in events:
            if os.read(stdin, 4096) == b"":
                break


def main():
    cfg = parse_reqrep_config(sys.argv[1:])
    ctx = zmq.Context()
    sock = ctx.socket(TYPES[cfg["role"]])
    sock.setsockopt(zmq.LINGER, LINGER_MS)
    if cfg.get("routingId") is not None:
        sock.setsockopt(zmq.ROUTING_ID, cfg["routingId"].encode("utf-8"))

    bind_or_connect(sock, cfg)

    sent, received, ids = [], [], []
    if cfg["role"] in ("rep", "router"):
        serve(cfg, sock, sent, received, ids)
    elif cfg["role"] == "req":
        for i in range(cfg["count"]):
            msg = message(cfg, i)
            sock.send_multipart(msg)
            sent.append(hexes(msg))
            received.append(hexes(sock.recv_multipart()))
    else:
        # dealer, pair: send everything, then receive as many messages.
        for i in range(cfg["count"]):
            msg = message(cfg, i)
            sock.send_multipart(msg)
            sent.append(hexes(msg))
        for _ in range(cfg["count"]):
            received.append(hexes(sock.recv_multipart()))

    sock.close()
    # term() returns once queued messages are delivered (or linger expires).
    ctx.term()
    emit({"sent": sent, "received": received, "ids": ids})


if __name__ == "__main__":
    run("pyzmq-reqrep-peer", main)
