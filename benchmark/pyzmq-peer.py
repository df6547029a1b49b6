# One pyzmq benchmark process, the counterpart of peer.ts: modes "both" (push and pull in this
# process, the pull in a thread), "recv" (bind a PULL, print the endpoint, receive) and "send"
# (connect a PUSH and send until told on stdin that the receiver is done). Prints JSON lines as
# peer.ts does. BENCH_PATTERN=dealer-router uses DEALER and ROUTER instead.
import json
import os
import resource
import sys
import threading
import time

import zmq

mode, address, size, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
dealer_router = os.environ.get("BENCH_PATTERN") == "dealer-router"
SEND, RECV = (zmq.DEALER, zmq.ROUTER) if dealer_router else (zmq.PUSH, zmq.PULL)
ctx = zmq.Context()


def cpu_us():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return (u.ru_utime + u.ru_stime) * 1e6


def report(extra):
    extra["maxRssKiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(extra), flush=True)


def bind_receiver():
    pull = ctx.socket(RECV)
    pull.bind(address)
    return pull


def receive_all(pull, out):
    pull.recv_multipart()
    start, cpu = time.perf_counter_ns(), cpu_us()
    for _ in range(1, count):
        pull.recv_multipart()
    out["ns"], out["cpu"] = time.perf_counter_ns() - start, cpu_us() - cpu


def send_all(push):
    buf = b"\x07" * size
    for _ in range(count):
        push.send(buf, copy=size < 1024)


if mode == "both":
    pull = bind_receiver()
    endpoint = pull.getsockopt(zmq.LAST_ENDPOINT).decode()
    push = ctx.socket(SEND)
    push.connect(endpoint)
    result = {}
    cpu, start = cpu_us(), time.perf_counter_ns()
    t = threading.Thread(target=receive_all, args=(pull, result))
    t.start()
    send_all(push)
    t.join()
    ns = time.perf_counter_ns() - start
    report({"msgsPerSec": count / (ns / 1e9), "cpuUsPerMsg": (cpu_us() - cpu) / count})
elif mode == "recv":
    pull = bind_receiver()
    print(json.dumps({"endpoint": pull.getsockopt(zmq.LAST_ENDPOINT).decode()}), flush=True)
    result = {}
    receive_all(pull, result)
    report({"msgsPerSec": (count - 1) / (result["ns"] / 1e9), "cpuUs": result["cpu"]})
else:
    push = ctx.socket(SEND)
    push.setsockopt(zmq.LINGER, -1)
    push.connect(address)
    cpu = cpu_us()
    send_all(push)
    sys.stdin.readline()
    report({"cpuUs": cpu_us() - cpu})
    push.close()
ctx.destroy(linger=0)
