"""What the pyzmq interop peers (pyzmq-peer.py, pyzmq-reqrep-peer.py) share: JSON-line output, the base
config checks, bind-or-connect with its first line, and the run wrapper (hard timeout, exit codes).

stdout carries JSON lines only; errors go to stderr with exit code 1, a hang exits 2.
"""
import json
import os
import sys
import threading
import traceback

import zmq

HARD_TIMEOUT_S = 20
# Bounded linger: queued messages are delivered on close, but a vanished peer cannot hang the process.
LINGER_MS = 10000


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def parse_config(argv, roles):
    """The JSON config in argv, its role in `roles`, mode, endpoint, count and parts (default 1) checked."""
    if len(argv) != 1:
        raise ValueError("expected exactly one argument: a JSON config")
    cfg = json.loads(argv[0])
    if cfg.get("role") not in roles:
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
    return cfg


def hexes(frames):
    return [f.hex() for f in frames]


def bind_or_connect(sock, cfg):
    """Binds (printing the resolved endpoint) or connects (printing ready) as the config says."""
    if cfg["mode"] == "bind":
        sock.bind(cfg["endpoint"])
        emit({"endpoint": sock.getsockopt_string(zmq.LAST_ENDPOINT)})
    else:
        sock.connect(cfg["endpoint"])
        emit({"ready": True})


def run(prog, main):
    """Runs main() under the hard timeout (exit 2); an exception exits 1 with its traceback, success 0."""

    def hard_timeout():
        sys.stderr.write("%s: hard timeout after %d s\n" % (prog, HARD_TIMEOUT_S))
        sys.stderr.flush()
        os._exit(2)

    timer = threading.Timer(HARD_TIMEOUT_S, hard_timeout)
    timer.daemon = True
    timer.start()
    try:
        main()
    except BaseException:
        sys.stderr.write(prog + ": " + traceback.format_exc())
        sys.stderr.flush()
        os._exit(1)
    sys.exit(0)
