#!/usr/bin/env python3
"""Side-by-side benchmark: gnatsd against Debian's nats-server with the same load generator.

For each round and each server (alternating A B A B), a fresh server is started on a free
loopback port, every scenario runs once, and the server's CPU seconds and peak RSS are read
from /proc before it is stopped. Prints the median per scenario, the ratio gnatsd /
nats-server, CPU and peak RSS. A benchmark that prints numbers, not a test.

  compare.py --gnatsd build/gnatsd --loadgen build/tests/gnatsd-loadgen [--rounds 5]
             [--msgs 2000000] [--self]   # --self: gnatsd against gnatsd (machine noise)
"""
import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import time

SCENARIOS = [
    ("pub 16B", ["--scenario", "pub", "--size", "16"], "pub"),
    ("pub 128B", ["--scenario", "pub", "--size", "128"], "pub"),
    ("1:1 16B", ["--scenario", "pubsub", "--size", "16"], "sub"),
    ("1:1 128B", ["--scenario", "pubsub", "--size", "128"], "sub"),
    ("1:1 1KiB", ["--scenario", "pubsub", "--size", "1024"], "sub"),
]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(binary, port, extra=()):
    proc = subprocess.Popen([binary, "-a", "127.0.0.1", "-p", str(port), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{binary} did not start")


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_round(name, binary, loadgen, msgs, results):
    port = free_port()
    proc = start(binary, port)
    try:
        for label, args, which in SCENARIOS:
            out = subprocess.run([loadgen, "--url", f"127.0.0.1:{port}", "--msgs", str(msgs)] + args,
                                 capture_output=True, text=True, timeout=600)
            if out.returncode != 0:
                raise RuntimeError(f"{name} {label}: {out.stderr.strip()}")
            rate = float(re.search(rf"^{which}: .* = (\d+) msgs/s", out.stdout, re.M).group(1))
            results.setdefault((name, label), []).append(rate)
        results.setdefault((name, "cpu"), []).append(cpu_seconds(proc.pid))
        results.setdefault((name, "rss"), []).append(peak_rss_mb(proc.pid))
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


CLUSTER_LABEL = "cluster A->B 16B"


def run_cluster_round(name, binary, loadgen, msgs, results):
    """1 publisher on server A -> 1 subscriber on server B of a two-server cluster."""
    pa, pb, ra, rb = free_port(), free_port(), free_port(), free_port()
    a = start(binary, pa, ["-cluster", f"nats://127.0.0.1:{ra}"])
    b = start(binary, pb, ["-cluster", f"nats://127.0.0.1:{rb}", "-routes", f"nats://127.0.0.1:{ra}"])
    try:
        time.sleep(1.5)  # route formation (the load generator also waits for interest)
        out = subprocess.run([loadgen, "--url", f"127.0.0.1:{pa}", "--sub-url", f"127.0.0.1:{pb}",
                              "--msgs", str(msgs), "--scenario", "pubsub", "--size", "16"],
                             capture_output=True, text=True, timeout=600)
        if out.returncode != 0:
            raise RuntimeError(f"{name} cluster: {out.stderr.strip()}")
        rate = float(re.search(r"^sub: .* = (\d+) msgs/s", out.stdout, re.M).group(1))
        results.setdefault((name, CLUSTER_LABEL), []).append(rate)
    finally:
        for p in (a, b):
            p.send_signal(signal.SIGINT)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gnatsd", default="build/gnatsd")
    ap.add_argument("--nats-server", default="/usr/sbin/nats-server")
    ap.add_argument("--loadgen", default="build/tests/gnatsd-loadgen")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--msgs", type=int, default=2_000_000)
    ap.add_argument("--self", action="store_true", help="compare gnatsd with itself")
    a = ap.parse_args()
    other = ("gnatsd#2", a.gnatsd) if a.self else ("nats-server", a.nats_server)
    servers = [("gnatsd", a.gnatsd), other]
    results = {}
    for r in range(a.rounds):
        for name, binary in servers:
            run_round(name, binary, a.loadgen, a.msgs, results)
            run_cluster_round(name, binary, a.loadgen, a.msgs, results)
        print(f"round {r + 1}/{a.rounds} done", flush=True)
    b = other[0]
    print(f"\n{a.rounds} rounds, {a.msgs} messages per run, medians (msgs/s)\n")
    print(f"| scenario | gnatsd | {b} | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for label in [l for l, _, _ in SCENARIOS] + [CLUSTER_LABEL]:
        g = statistics.median(results[("gnatsd", label)])
        n = statistics.median(results[(b, label)])
        print(f"| {label} | {g:,.0f} | {n:,.0f} | {g / n:.2f}x |")
    g_cpu = statistics.median(results[("gnatsd", "cpu")])
    n_cpu = statistics.median(results[(b, "cpu")])
    print(f"| server CPU seconds per round | {g_cpu:.2f} | {n_cpu:.2f} | {g_cpu / n_cpu:.2f}x |")
    g_rss = max(results[("gnatsd", "rss")])
    n_rss = max(results[(b, "rss")])
    print(f"| peak RSS (MiB) | {g_rss:.1f} | {n_rss:.1f} | {g_rss / n_rss:.2f}x |")


if __name__ == "__main__":
    main()
