#!/usr/bin/env python3
"""Publish/subscribe interop peer backed by pyzmq (libzmq), run as a child process by
__test__/helpers/pubsub-peers.ts. Roles: pub, sub, xsub, xpub.

Usage: python3 pyzmq-pubsub-peer.py '<json-config>'; same protocol and output as zeromqjs-pubsub-peer.js.
stdout carries JSON lines only; errors go to stderr with exit code 1, a hang exits 2.
"""
import os
import select
import sys

import zmq

# The shared helpers live next to this script; no __pycache__ is left in the repo.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import LINGER_MS, bind_or_connect, emit, hexes, parse_config, run  # noqa: E402

TYPES = {"pub": zmq.PUB, "sub": zmq.SUB, "xsub": zmq.XSUB, "xpub": zmq.XPUB}
# A libzmq sub or xsub whose publisher goes away queues all its subscriptions again for the reconnect,
# so a linger would hold ctx.term() for that long. Everything a sub sends is seen by the test (markers,
# `got` lines) before the sub closes, so it closes at once.
SUB_LINGER_MS = 0


def hex_list(value, what):
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("%s must be hex strings" % what)
    return [bytes.fromhex(v) for v in value]


def hex_messages(value, what):
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError("%s must be an array of messages" % what)
    out = []
    for i, m in enumerate(value):
        frames = hex_list(m, "%s[%d]" % (what, i))
        if not frames:
            raise ValueError("%s[%d] has no frames" % (what, i))
        out.append(frames)
    return out


def optional_hex(value, what):
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("%s must be a hex string" % what)
    return bytes.fromhex(value)


def parse_pubsub_config(argv):
    cfg = parse_config(argv, TYPES)
    cfg["topics"] = hex_list(cfg.get("topics"), "topics")
    cfg["unsubscribe"] = hex_list(cfg.get("unsubscribe"), "unsubscribe")
    cfg["messages"] = hex_messages(cfg.get("messages"), "messages")
    cfg["marker"] = optional_hex(cfg.get("marker"), "marker")
    cfg["end"] = optional_hex(cfg.get("end"), "end")
    interval = cfg.get("interval", 10)
    if not isinstance(interval, int) or isinstance(interval, bool) or interval < 1:
        raise ValueError("interval must be an integer >= 1")
    cfg["interval"] = interval
    cfg["untilEof"] = cfg.get("untilEof") is True
    if cfg["end"] is None:
        raise ValueError("end is required")
    if cfg["role"] == "pub" and cfg["marker"] is None:
        raise ValueError("a pub needs a marker")
    return cfg


def stdin_eof(timeout_s):
    """Whether stdin reached EOF within `timeout_s` (data before EOF is read and dropped)."""
    fd = sys.stdin.fileno()
    readable, _, _ = select.select([fd], [], [], timeout_s)
    return bool(readable) and os.read(fd, 4096) == b""


def wait_eof():
    while not stdin_eof(None):
        pass


def publish(cfg, sock):
    """Sends the configured messages, then the end message; returns what was sent (hex)."""
    sent = []
    for msg in cfg["messages"] + [[cfg["end"]]]:
        sock.send_multipart(msg)
        sent.append(hexes(msg))
    return sent


def pub(cfg, sock):
    """pub: the marker every `interval` ms until stdin ends, then the messages and the end message."""
    markers = 0
    while True:
        sock.send_multipart([cfg["marker"]])
        markers += 1
        if stdin_eof(cfg["interval"] / 1000.0):
            break
    sent = publish(cfg, sock)
    return {"sent": sent, "received": [], "markers": markers}


def sub(cfg, sock):
    """sub, xsub: subscribe, receive until the end message (reporting the first marker), unsubscribe."""
    for topic in cfg["topics"]:
        if cfg["role"] == "sub":
            sock.setsockopt(zmq.SUBSCRIBE, topic)
        else:
            sock.send_multipart([b"\x01" + topic])
    received = []
    marked = False
    while True:
        msg = sock.recv_multipart()
        if cfg["marker"] is not None and msg[0] == cfg["marker"]:
            if not marked:
                emit({"marked": True})
            marked = True
            continue
        if msg[0] == cfg["end"]:
            break
        received.append(hexes(msg))
    for topic in cfg["unsubscribe"]:
        if cfg["role"] == "sub":
            sock.setsockopt(zmq.UNSUBSCRIBE, topic)
        else:
            sock.send_multipart([b"\x00" + topic])
    result = {"sent": [], "received": received, "marked": marked}
    if cfg["untilEof"]:
        # The test reads the result, checks what the unsubscriptions did, then closes our stdin.
        emit(result)
        wait_eof()
        return None
    return result


def xpub(cfg, sock):
    """xpub: print each of `count` subscription messages as it comes, then publish; with untilEof go on
    printing subscription messages until stdin reaches EOF."""
    received = []

    def got(msg):
        received.append(hexes(msg))
        emit({"got": hexes(msg)})

    for _ in range(cfg["count"]):
        got(sock.recv_multipart())
    sent = publish(cfg, sock)
    if cfg["untilEof"]:
        poller = zmq.Poller()
        poller.register(sock, zmq.POLLIN)
        stdin = sys.stdin.fileno()
        poller.register(stdin, zmq.POLLIN)
        while True:
            events = dict(poller.poll())
            if sock in events:
                got(sock.recv_multipart())
            elif stdin in events:
                if os.read(stdin, 4096) == b"":
                    break
    return {"sent": sent, "received": received}


def main():
    cfg = parse_pubsub_config(sys.argv[1:])
    ctx = zmq.Context()
    sock = ctx.socket(TYPES[cfg["role"]])
    sock.setsockopt(zmq.LINGER, SUB_LINGER_MS if cfg["role"] in ("sub", "xsub") else LINGER_MS)

    bind_or_connect(sock, cfg)

    if cfg["role"] == "pub":
        result = pub(cfg, sock)
    elif cfg["role"] == "xpub":
        result = xpub(cfg, sock)
    else:
        result = sub(cfg, sock)

    sock.close()
    # term() returns once queued messages are delivered (or linger expires).
    ctx.term()
    if result is not None:
        emit(result)


if __name__ == "__main__":
    run("pyzmq-pubsub-peer", main)
