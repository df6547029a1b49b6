#!/usr/bin/env python3
"""Interop peer backed by pyzmq (libzmq), run as a child process by __test__/helpers/peers.ts.

Usage: python3 pyzmq-peer.py '<json-config>'; same protocol and output as zeromqjs-peer.js.
stdout carries JSON lines only; errors go to stderr with exit code 1, a hang exits 2.
"""
import json
import os
import sys
import threading
import time
import traceback

import zmq
from zmq.utils.monitor import recv_monitor_message

HARD_TIMEOUT_S = 20
# Bounded linger: queued messages are delivered on close, but a vanished peer cannot hang the process.
LINGER_MS = 10000


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def hard_timeout():
    sys.stderr.write("pyzmq-peer: hard timeout after %d s\n" % HARD_TIMEOUT_S)
    sys.stderr.flush()
    os._exit(2)


def parse_config(argv):
    if len(argv) != 1:
        raise ValueError("expected exactly one argument: a JSON config")
    cfg = json.loads(argv[0])
    if cfg.get("role") not in ("push", "pull"):
        raise ValueError("bad role: %r" % cfg.get("role"))
    if cfg.get("mode") not in ("bind", "connect"):
        raise ValueError("bad mode: %r" % cfg.get("mode"))
    if not isinstance(cfg.get("endpoint"), str):
        raise ValueError("endpoint must be a string")
    count = cfg.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ValueError("count must be an integer >= 0")
    parts = cfg.get("parts", 1)
    if not isinstance(parts, int) or isinstance(parts, bool) or parts < 1:
        raise ValueError("parts must be an integer >= 1")
    cfg["parts"] = parts
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
    cfg = parse_config(sys.argv[1:])
    ctx = zmq.Context()
    sock = ctx.socket(zmq.PUSH if cfg["role"] == "push" else zmq.PULL)
    sock.setsockopt(zmq.LINGER, LINGER_MS)
    if cfg.get("heartbeatInterval") is not None:
        sock.setsockopt(zmq.HEARTBEAT_IVL, cfg["heartbeatInterval"])
    if cfg.get("heartbeatTimeout") is not None:
        sock.setsockopt(zmq.HEARTBEAT_TIMEOUT, cfg["heartbeatTimeout"])
    # Connections dropped by libzmq (e.g. a heartbeat timeout) are reported so tests can assert none.
    monitor = sock.get_monitor_socket(zmq.EVENT_DISCONNECTED)

    if cfg["mode"] == "bind":
        sock.bind(cfg["endpoint"])
        emit({"endpoint": sock.getsockopt_string(zmq.LAST_ENDPOINT)})
    else:
        sock.connect(cfg["endpoint"])
        emit({"ready": True})

    if cfg["role"] == "push":
        for i in range(cfg["count"]):
            if i > 0 and cfg["interval"] > 0:
                time.sleep(cfg["interval"] / 1000.0)
            sock.send_multipart([frame(i, j, cfg["binary"]) for j in range(cfg["parts"])])
        final = {"sent": cfg["count"]}
    else:
        received = []
        for _ in range(cfg["count"]):
            received.append([f.hex() for f in sock.recv_multipart()])
        final = {"received": received}

    final["disconnects"] = count_disconnects(monitor)
    sock.disable_monitor()
    monitor.close(linger=0)
    sock.close()
    # term() returns once queued messages are delivered (or linger expires).
    ctx.term()
    emit(final)


if __name__ == "__main__":
    timer = threading.Timer(HARD_TIMEOUT_S, hard_timeout)
    timer.daemon = True
    timer.start()
    try:
        main()
    except BaseException:
        sys.stderr.write("pyzmq-peer: " + traceback.format_exc())
        sys.stderr.flush()
        os._exit(1)
    sys.exit(0)
