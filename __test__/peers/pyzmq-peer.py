#!/usr/bin/env python3
"""Interop peer backed by pyzmq (libzmq), run as a child process by __test__/helpers/peers.ts.

Usage: python3 pyzmq-peer.py '<json-config>'; same protocol and output as zeromqjs-peer.js.
stdout carries JSON lines only; errors go to stderr with exit code 1, a hang exits 2.
"""
import os
import sys
import time

import zmq
from zmq.utils.monitor import recv_monitor_message

# The shared helpers live next to this script; no __pycache__ is left in the repo.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import LINGER_MS, bind_or_connect, emit, hexes, parse_config, run  # noqa: E402


def parse_push_pull_config(argv):
    cfg = parse_config(argv, ("push", "pull"))
    cfg["binary"] = cfg.get("binary") is True
    cfg["interval"] = cfg.get("interval", 0)
    return cfg


def frame(i, j, binary):
    """Frame j of message i: text f"{i}:{j}", or 256 bytes where byte k = (i + j + k) % 256."""
    if not binary:
        return ("%d:%d" % (i, j)).encode("utf-8")
    return bytes((i + j + k) % 256 for k in range(256))


def count_disconnects(monitor):
    """Drains the monitor socket without blocking; returns how many DISCONNECTED events it held."""
    n = 0
    while monitor.poll(0):
        event = recv_monitor_message(monitor)
        if event["event"] == zmq.EVENT_DISCONNECTED:
            n += 1
    return n


def main():
    cfg = parse_push_pull_config(sys.argv[1:])
    ctx = zmq.Context()
    sock = ctx.socket(zmq.PUSH if cfg["role"] == "push" else zmq.PULL)
    sock.setsockopt(zmq.LINGER, LINGER_MS)
    if cfg.get("heartbeatInterval") is not None:
        sock.setsockopt(zmq.HEARTBEAT_IVL, cfg["heartbeatInterval"])
    if cfg.get("heartbeatTimeout") is not None:
        sock.setsockopt(zmq.HEARTBEAT_TIMEOUT, cfg["heartbeatTimeout"])
    # Connections dropped by libzmq (e.g. a heartbeat timeout) are reported so tests can assert none.
    monitor = sock.get_monitor_socket(zmq.EVENT_DISCONNECTED)

    bind_or_connect(sock, cfg)

    if cfg["role"] == "push":
        for i in range(cfg["count"]):
            if i > 0 and cfg["interval"] > 0:
                time.sleep(cfg["interval"] / 1000.0)
            sock.send_multipart([frame(i, j, cfg["binary"]) for j in range(cfg["parts"])])
        final = {"sent": cfg["count"]}
    else:
        received = []
        for _ in range(cfg["count"]):
            received.append(hexes(sock.recv_multipart()))
        final = {"received": received}

    final["disconnects"] = count_disconnects(monitor)
    sock.disable_monitor()
    monitor.close(linger=0)
    sock.close()
    # term() returns once queued messages are delivered (or linger expires).
    ctx.term()
    emit(final)


if __name__ == "__main__":
    run("pyzmq-peer", main)
