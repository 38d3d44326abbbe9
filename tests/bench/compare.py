#!/usr/bin/env python3
"""Side-by-side benchmark: gnatsd against Debian's nats-server with the same load generator.

Servers alternate (gnatsd, nats-server, gnatsd, ...) for --rounds rounds. In each round each
server is started fresh for every group of scenarios:
  throughput  publish only, 1:1, fan-out 1->5 and a 4-member queue group at 16 B and 128 B
              (1:1 also at 1 KiB), on one server; its CPU seconds and peak RSS are read
              from /proc afterwards
  cluster     1 publisher on server A -> 1 subscriber on server B of a two-server cluster
  latency     request/reply round trips one at a time: p50, p90, p99, p99.9 (--svg FILE:
              every round trip of every round as a histogram, both servers) and the server's
              CPU per round trip; across a route (requester on A, responder on B); and on
              one server beside a 1:1 16B stream on another subject
  conns       --conns idle clients: server memory per connection, then a 1:1 run beside them
  subs        --subs-conns x --subs-per-conn subscriptions: memory per subscription,
              subscribe rate, publish rate to one of them and spread over 100,000 of them
  tls         clients over TLS (certificates made with openssl, gnatsd-tls-bench: the raw
              protocol over OpenSSL, counts exact): 1:1 at 16 B and 1 KiB, handshakes per
              second (connect, plain INFO, TLS handshake, CONNECT, PING/PONG), server CPU
  accounts    request/reply through a service import (p50, p99) and a stream import fanned
              out to subscribers in four accounts, on one server configured with accounts
  safety      hostile and stuck peers: connection churn (connect, CONNECT, PING/PONG, close;
              one at a time and four at a time) with the server's memory before and after; a
              route peer that stops reading while a publisher sends 1 KiB messages at full
              speed for --safety-seconds (the server's peak RSS, the route's peak pending
              bytes, what the publisher got through, when the route was dropped); one
              subscriber that stops reading beside two healthy ones while a publisher asks for
              5,000 msgs/s of 4 KiB (what the healthy ones got, when the slow one was cut)
  gateways    two one-server clusters joined by gateways: a publisher in cluster A and a
              subscriber in cluster B (16 B, 128 B), request/reply from A to a responder in
              B (p50, p99), and publishing on 1,000 subjects in which cluster B has no
              interest (interest-only mode: nothing may cross)
  leafnodes   a leaf server dialling a hub: publisher on the leaf and subscriber on the hub
              (16 B, 128 B), the other way round (128 B), and request/reply with the
              requester on the leaf and the responder on the hub (p50, p99)
  cores       four 1:1 pairs on distinct subjects at once, the server pinned (taskset) to one
              core and then two: what the second core adds
The load generator checks every message count exactly and fails the run otherwise.
Prints medians, the ratio gnatsd / nats-server and whether the issue's target is met.
A benchmark that prints numbers, not a test.

  compare.py --gnatsd build/gnatsd --loadgen build/tests/gnatsd-loadgen [--rounds 5]
             [--msgs 2000000] [--self]   # --self: gnatsd against gnatsd (machine noise)
"""
import argparse
import atexit
import contextlib
import math
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time

HIGHER, LOWER = "higher", "lower"

THROUGHPUT = [
    ("pub 16B", ["--scenario", "pub", "--size", "16"], "pub"),
    ("pub 128B", ["--scenario", "pub", "--size", "128"], "pub"),
    ("1:1 16B", ["--scenario", "pubsub", "--size", "16"], "sub"),
    ("1:1 128B", ["--scenario", "pubsub", "--size", "128"], "sub"),
    ("1:1 1KiB", ["--scenario", "pubsub", "--size", "1024"], "sub"),
    ("fan-out 1->5 16B", ["--scenario", "pubsub", "--subs", "5", "--size", "16"], "sub"),
    ("fan-out 1->5 128B", ["--scenario", "pubsub", "--subs", "5", "--size", "128"], "sub"),
    ("queue 4 members 16B", ["--scenario", "pubsub", "--subs", "4", "--queue", "q", "--size", "16"],
     "sub"),
    ("queue 4 members 128B",
     ["--scenario", "pubsub", "--subs", "4", "--queue", "q", "--size", "128"], "sub"),
]
CLUSTER = [("cluster A->B 16B", "16"), ("cluster A->B 128B", "128")]

# label, unit, better, target ratio (None: reported only)
ROWS = [(label, "msgs/s", HIGHER, 1.3 if "1KiB" not in label else None)
        for label, _, _ in THROUGHPUT] + [(label, "msgs/s", HIGHER, 1.3) for label, _ in CLUSTER] + [
    ("req/reply p50", "us", LOWER, 0.6),
    ("req/reply p90", "us", LOWER, None),
    ("req/reply p99", "us", LOWER, 0.6),
    ("req/reply p99.9", "us", LOWER, None),
    ("server CPU per request", "us", LOWER, 1.0),
    ("req/reply across a route p50", "us", LOWER, 0.6),
    ("req/reply across a route p99", "us", LOWER, 0.6),
    ("req/reply across a route p99.9", "us", LOWER, None),
    ("servers' CPU per request across a route", "us", LOWER, 1.0),
    ("req/reply beside a 1:1 16B stream p50", "us", LOWER, None),
    ("req/reply beside a 1:1 16B stream p99", "us", LOWER, None),
    ("memory per idle connection", "bytes", LOWER, 1.0),
    ("1:1 16B beside the idle connections", "msgs/s", HIGHER, None),
    ("memory per subscription", "bytes", LOWER, 1.0),
    ("subscribe rate", "subs/s", HIGHER, None),
    ("publish to 1 of the subscriptions", "msgs/s", HIGHER, None),
    ("publish spread over 100k of them", "msgs/s", HIGHER, None),
    ("server CPU seconds, throughput group", "s", LOWER, None),
    ("peak RSS, throughput group", "MiB", LOWER, None),
    ("TLS 1:1 16B", "msgs/s", HIGHER, None),
    ("TLS 1:1 1KiB", "msgs/s", HIGHER, None),
    ("TLS handshakes", "conns/s", HIGHER, None),
    ("server CPU seconds, TLS group", "s", LOWER, None),
    ("churn, one connection at a time", "conns/s", HIGHER, 1.0),
    ("churn, four at a time", "conns/s", HIGHER, 1.0),
    ("RSS growth over the churn", "MiB", LOWER, None),
    ("stuck route: server peak RSS", "MiB", LOWER, None),
    ("stuck route: route pending bytes, peak", "MiB", LOWER, None),
    ("stuck route: publisher msgs/s while stuck", "msgs/s", HIGHER, None),
    ("stuck route: dropped after", "s", LOWER, None),
    ("slow consumer: healthy subscribers' rate", "msgs/s", HIGHER, 1.0),
    ("slow consumer: cut after", "s", LOWER, None),
    ("service import req/reply p50", "us", LOWER, None),
    ("service import req/reply p99", "us", LOWER, None),
    ("stream import fan-out to 4 accounts 16B", "msgs/s", HIGHER, None),
    ("supercluster A->B 16B", "msgs/s", HIGHER, None),
    ("supercluster A->B 128B", "msgs/s", HIGHER, None),
    ("supercluster req/reply p50", "us", LOWER, None),
    ("supercluster req/reply p99", "us", LOWER, None),
    ("publish 1,000 subjects without interest in B, 16B", "msgs/s", HIGHER, None),
    ("leaf to hub 16B", "msgs/s", HIGHER, None),
    ("leaf to hub 128B", "msgs/s", HIGHER, None),
    ("hub to leaf 128B", "msgs/s", HIGHER, None),
    ("req/reply through a leafnode p50", "us", LOWER, None),
    ("req/reply through a leafnode p99", "us", LOWER, None),
    ("4 pairs 1:1 16B, server on 1 core", "msgs/s", HIGHER, None),
    ("4 pairs 1:1 16B, server on 2 cores", "msgs/s", HIGHER, None),
    ("scaling, 2 cores over 1", "x", HIGHER, 1.0),
]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def raise_fd_limit():
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Server:
    """One server process on free loopback ports, stopped by PID; `cpus`: pinned to them."""

    def __init__(self, binary, extra=(), cpus=None):
        self.port = free_port()
        pin = ["taskset", "-c", cpus] if cpus else []
        args = [*pin, binary, "-a", "127.0.0.1", "-p", str(self.port), *extra]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     preexec_fn=raise_fd_limit)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{binary} did not start")

    @property
    def url(self):
        return f"127.0.0.1:{self.port}"

    def cpu_seconds(self):
        fields = open(f"/proc/{self.proc.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mib(self):
        for line in open(f"/proc/{self.proc.pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def loadgen(a, what, args):
    out = subprocess.run([a.loadgen, *args], capture_output=True, text=True, timeout=900,
                         preexec_fn=raise_fd_limit)
    if out.returncode != 0:
        raise RuntimeError(f"{what}: {out.stderr.strip() or out.stdout.strip()}")
    return out.stdout


def rate(output, which):
    return float(re.search(rf"^{which}: .* = (\d+) (msgs|subs)/s", output, re.M).group(1))


def run_throughput(a, binary, add):
    s = Server(binary)
    try:
        for label, args, which in THROUGHPUT:
            add(label, rate(loadgen(a, label, ["--url", s.url, "--msgs", str(a.msgs), *args]),
                            which))
        add("server CPU seconds, throughput group", s.cpu_seconds())
        add("peak RSS, throughput group", s.peak_rss_mib())
    finally:
        s.stop()


@contextlib.contextmanager
def route_pair(binary):
    """Servers A and B of one cluster, B routed to A, stopped on leaving."""
    ra, rb = free_port(), free_port()
    sa = Server(binary, ["-cluster", f"nats://127.0.0.1:{ra}"])
    sb = None
    try:
        sb = Server(binary, ["-cluster", f"nats://127.0.0.1:{rb}",
                             "-routes", f"nats://127.0.0.1:{ra}"])
        yield sa, sb
    finally:
        for s in (sa, sb):
            if s:
                s.stop()


def run_cluster(a, binary, add):
    for label, size in CLUSTER:
        with route_pair(binary) as (sa, sb):
            # The load generator waits until the subscriber's interest reached server A.
            out = loadgen(a, label, ["--url", sa.url, "--sub-url", sb.url, "--msgs", str(a.msgs),
                                     "--scenario", "pubsub", "--size", size])
            add(label, rate(out, "sub"))


LATENCIES = {}  # binary -> every request/reply round trip (us) of every round, for --svg


def reqrep(a, url, sub_url=None, samples=None):
    """p50, p90, p99 and p99.9 (us) of a.reqs round trips; the responder on sub_url."""
    args = ["--url", url, "--scenario", "reqrep", "--size", "16", "--msgs", str(a.reqs)]
    if sub_url:
        args += ["--sub-url", sub_url]
    if samples:
        args += ["--latencies", samples]
    out = loadgen(a, "reqrep", args)
    m = re.search(r"p50=([\d.]+) p90=([\d.]+) p99=([\d.]+) p99.9=([\d.]+)", out)
    return [float(m.group(i + 1)) for i in range(4)]


def round_trips(a):
    return a.reqs + min(1000, a.reqs // 10)  # the load generator's warm-up included


def run_latency(a, binary, add):
    """Request/reply one at a time: on one server (also the server's CPU per request), across
    a route (requester on A, responder on B), and on one server beside a 1:1 stream."""
    s = Server(binary)
    samples = os.path.join(tempfile.mkdtemp(prefix="gnatsd-bench-"), "latencies.txt")
    try:
        cpu = s.cpu_seconds()
        ps = reqrep(a, s.url, samples=samples)
        cpu = s.cpu_seconds() - cpu
        for p, v in zip(["p50", "p90", "p99", "p99.9"], ps):
            add(f"req/reply {p}", v)
        add("server CPU per request", cpu / round_trips(a) * 1e6)
        with open(samples) as f:
            LATENCIES.setdefault(binary, []).extend(float(line) for line in f if line.strip())
        # The stream runs until the round trips are done (far more messages than it can send
        # in that time); it is given half a second to be under way.
        stream = subprocess.Popen(
            [a.loadgen, "--url", s.url, "--scenario", "pubsub", "--size", "16", "--msgs",
             "1000000000", "--subject", "bench.stream"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=raise_fd_limit)
        try:
            time.sleep(0.5)
            ps = reqrep(a, s.url)
        finally:
            stream.kill()
            stream.wait()
        add("req/reply beside a 1:1 16B stream p50", ps[0])
        add("req/reply beside a 1:1 16B stream p99", ps[2])
    finally:
        s.stop()
    with route_pair(binary) as (sa, sb):
        cpu = sa.cpu_seconds() + sb.cpu_seconds()
        ps = reqrep(a, sa.url, sub_url=sb.url)
        cpu = sa.cpu_seconds() + sb.cpu_seconds() - cpu
        add("req/reply across a route p50", ps[0])
        add("req/reply across a route p99", ps[2])
        add("req/reply across a route p99.9", ps[3])
        add("servers' CPU per request across a route", cpu / round_trips(a) * 1e6)


def histogram_svg(series, path):
    """Request/reply round trips of each server as a histogram on a log time axis (20 bins per
    decade, 10 us to 10 ms; what falls outside is counted in the end bins), the share of round
    trips per bin, with each server's p50 and p99 marked."""
    colors = ["#1f77b4", "#d62728"]
    lo, hi, per_decade = 1.0, 4.0, 20  # log10 of 10 us .. 10 ms
    bins = int((hi - lo) * per_decade)
    w, h, left, bottom, top, right = 900, 420, 60, 50, 40, 20
    shares = []
    for _, values in series:
        counts = [0] * bins
        for v in values:
            x = math.log10(max(v, 1e-3))
            counts[min(bins - 1, max(0, int((x - lo) * per_decade)))] += 1
        shares.append([c / max(1, len(values)) for c in counts])
    ymax = max(max(s) for s in shares) * 1.1 or 1.0
    px = lambda x: left + (x - lo) / (hi - lo) * (w - left - right)
    py = lambda y: h - bottom - y / ymax * (h - bottom - top)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{w / 2}" y="20" text-anchor="middle" font-size="14">request/reply round '
           f'trips, 16 B, one at a time (share per bin, log time axis)</text>']
    for d in range(int(lo), int(hi) + 1):
        out.append(f'<line x1="{px(d):.1f}" y1="{py(0):.1f}" x2="{px(d):.1f}" y2="{top}" '
                   f'stroke="#ddd"/><text x="{px(d):.1f}" y="{h - bottom + 18}" '
                   f'text-anchor="middle">{10 ** d:,} us</text>')
    out.append(f'<line x1="{left}" y1="{py(0):.1f}" x2="{w - right}" y2="{py(0):.1f}" '
               f'stroke="black"/>')
    for k, ((name, values), share) in enumerate(zip(series, shares)):
        points = " ".join(f"{px(lo + (i + 0.5) / per_decade):.1f},{py(v):.1f}"
                          for i, v in enumerate(share))
        out.append(f'<polyline points="{points}" fill="none" stroke="{colors[k]}" '
                   f'stroke-width="2"/>')
        ordered = sorted(values)
        for q, dash in ((0.5, ""), (0.99, ' stroke-dasharray="4 3"')):
            v = ordered[min(len(ordered) - 1, int(q * len(ordered)))]
            x = px(min(hi, max(lo, math.log10(v))))
            out.append(f'<line x1="{x:.1f}" y1="{py(0):.1f}" x2="{x:.1f}" y2="{top}" '
                       f'stroke="{colors[k]}"{dash}/>')
        out.append(f'<text x="{w - right - 10}" y="{top + 16 + 16 * k}" text-anchor="end" '
                   f'fill="{colors[k]}">{name}: {len(values):,} round trips, p50 '
                   f'{ordered[len(ordered) // 2]:.0f} us (solid), p99 '
                   f'{ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]:.0f} us '
                   f'(dashed)</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def run_scale(a, binary, add):
    s = Server(binary)
    try:
        out = loadgen(a, "conns", ["--url", s.url, "--server-pid", str(s.proc.pid), "--scenario",
                                   "conns", "--conns", str(a.conns), "--msgs", str(a.msgs)])
        add("memory per idle connection",
            float(re.search(r"^memory: (\d+) bytes per connection", out, re.M).group(1)))
        add("1:1 16B beside the idle connections", rate(out, "sub"))
    finally:
        s.stop()
    s = Server(binary)
    try:
        out = loadgen(a, "subs", ["--url", s.url, "--server-pid", str(s.proc.pid), "--scenario",
                                  "subs", "--conns", str(a.subs_conns), "--subs-per-conn",
                                  str(a.subs_per_conn), "--msgs", str(a.msgs)])
        add("memory per subscription",
            float(re.search(r"(\d+) bytes per subscription", out).group(1)))
        add("subscribe rate", rate(out, "subs"))
        add("publish to 1 of the subscriptions", rate(out, "one-subject"))
        add("publish spread over 100k of them", rate(out, "spread"))
    finally:
        s.stop()


_certs = {}


def certificates():
    """A CA and a server certificate for 127.0.0.1, made once per run."""
    if not _certs:
        d = tempfile.mkdtemp(prefix="gnatsd_bench_certs_")
        atexit.register(shutil.rmtree, d, True)
        run = lambda *args: subprocess.run(args, cwd=d, check=True, capture_output=True)
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
            "-keyout", "ca-key.pem", "-out", "ca.pem", "-subj", "/CN=bench-ca")
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server-key.pem",
            "-out", "server.csr", "-subj", "/CN=server")
        with open(os.path.join(d, "server.ext"), "w") as f:
            f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
        run("openssl", "x509", "-req", "-days", "30", "-in", "server.csr", "-CA", "ca.pem",
            "-CAkey", "ca-key.pem", "-CAcreateserial", "-out", "server.pem", "-extfile",
            "server.ext")
        _certs.update(dir=d, ca=os.path.join(d, "ca.pem"), cert=os.path.join(d, "server.pem"),
                      key=os.path.join(d, "server-key.pem"))
    return _certs


def tls_bench(a, what, args):
    out = subprocess.run([a.tls_bench, *args], capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError(f"{what}: {out.stderr.strip() or out.stdout.strip()}")
    return out.stdout


def run_tls(a, binary, add):
    c = certificates()
    s = Server(binary, ["--tls", "--tlscert", c["cert"], "--tlskey", c["key"]])
    try:
        url = ["--url", f"tls://{s.url}", "--ca", c["ca"]]
        msgs = max(a.msgs // 2, 1000)
        for label, size, n in (("TLS 1:1 16B", "16", msgs), ("TLS 1:1 1KiB", "1024", msgs // 4)):
            out = tls_bench(a, label, [*url, "--msgs", str(n), "--size", size])
            add(label, float(re.search(r"^sub: .* = (\d+) msgs/s", out, re.M).group(1)))
        out = tls_bench(a, "handshakes", [*url, "--scenario", "handshakes",
                                           "--msgs", str(max(a.conns // 20, 20))])
        add("TLS handshakes", float(re.search(r"= (\d+) conns/s", out).group(1)))
        add("server CPU seconds, TLS group", s.cpu_seconds())
    finally:
        s.stop()


def run_safety(a, binary, add):
    s = Server(binary)
    try:
        for label, parallel in (("churn, one connection at a time", 1), ("churn, four at a time", 4)):
            out = loadgen(a, label, ["--url", s.url, "--server-pid", str(s.proc.pid), "--scenario",
                                     "churn", "--msgs", str(a.churn), "--subs", str(parallel)])
            add(label, float(re.search(r"= (\d+) conns/s", out).group(1)))
        m = re.search(r"RSS ([\d.]+) MiB before, [\d.]+ MiB right after, ([\d.]+) MiB 2 s later",
                      out)
        add("RSS growth over the churn", float(m.group(2)) - float(m.group(1)))
    finally:
        s.stop()
    route, http = free_port(), free_port()
    s = Server(binary, ["-cluster", f"nats://127.0.0.1:{route}", "-m", str(http)])
    try:
        secs = a.safety_seconds
        out = loadgen(a, "stuck-route", ["--url", s.url, "--route-url", f"127.0.0.1:{route}",
                                         "--http-port", str(http), "--server-pid",
                                         str(s.proc.pid), "--scenario", "stuck-route", "--size",
                                         "1024", "--seconds", str(secs)])
        add("stuck route: server peak RSS", float(re.search(r"([\d.]+) MiB peak", out).group(1)))
        add("stuck route: route pending bytes, peak",
            float(re.search(r"pending_size peak (\d+) bytes", out).group(1)) / 2**20)
        dropped = re.search(r"closed by the server after ([\d.]+) s", out)
        add("stuck route: dropped after", float(dropped.group(1)) if dropped else secs)
        add("stuck route: publisher msgs/s while stuck",
            float(re.search(r"while the route was stuck: \d+ msgs in [\d.]+ s \((\d+) msgs/s",
                            out).group(1)))
    finally:
        s.stop()
    http = free_port()
    s = Server(binary, ["-m", str(http)])
    try:
        out = loadgen(a, "slow-consumer", ["--url", s.url, "--http-port", str(http), "--scenario",
                                           "slow-consumer", "--subs", "2", "--size", "4096",
                                           "--rate", "5000",
                                           "--seconds", str(max(a.safety_seconds, 1))])
        add("slow consumer: healthy subscribers' rate",
            float(re.search(r"healthy subscribers got at least \d+ msgs \((\d+) msgs/s\)",
                            out).group(1)))
        cut = re.search(r"closed by the server after ([\d.]+) s", out)
        add("slow consumer: cut after", float(cut.group(1)) if cut else float("nan"))
    finally:
        s.stop()


# Accounts: a service exported by SVC and imported by CLI (the requester publishes in CLI,
# the responder answers in SVC, the reply finds its way back through the import), and a
# stream exported by PUB and imported by four accounts, one subscriber in each.
ACCOUNTS_CONF = """
accounts {
  SVC: { users: [{user: svc, password: svc}], exports: [{service: "bench.req"}] }
  CLI: { users: [{user: cli, password: cli}],
         imports: [{service: {account: SVC, subject: "bench.req"}}] }
  PUB: { users: [{user: pub, password: pub}], exports: [{stream: "bench"}] }
""" + "".join(f"""  S{i}: {{ users: [{{user: u{i}, password: p}}],
         imports: [{{stream: {{account: PUB, subject: "bench"}}}}] }}
""" for i in range(4)) + "}\n"


def run_accounts(a, binary, add):
    conf = os.path.join(tempfile.mkdtemp(prefix="gnatsd-bench-"), "accounts.conf")
    with open(conf, "w") as f:
        f.write(ACCOUNTS_CONF)
    s = Server(binary, ["-c", conf])
    try:
        out = loadgen(a, "service import", [
            "--url", f"cli:cli@{s.url}", "--sub-url", f"svc:svc@{s.url}",
            "--scenario", "reqrep", "--size", "16", "--msgs", str(a.reqs)])
        m = re.search(r"p50=([\d.]+) p90=([\d.]+) p99=([\d.]+) p99.9=([\d.]+)", out)
        add("service import req/reply p50", float(m.group(1)))
        add("service import req/reply p99", float(m.group(3)))
        out = loadgen(a, "stream import", [
            "--url", f"pub:pub@{s.url}", "--sub-url", f"u%d:p@{s.url}", "--subs", "4",
            "--scenario", "pubsub", "--size", "16", "--msgs", str(a.msgs)])
        add("stream import fan-out to 4 accounts 16B", rate(out, "sub"))
    finally:
        s.stop()


def gateway_conf(name, port, remote, remote_port):
    conf = os.path.join(tempfile.mkdtemp(prefix="gnatsd-bench-"), f"gw_{name}.conf")
    with open(conf, "w") as f:
        f.write(f"gateway {{ name: {name}, listen: 127.0.0.1:{port}, gateways: "
                f"[{{name: {remote}, url: \"nats://127.0.0.1:{remote_port}\"}}] }}\n")
    return conf


def run_gateways(a, binary, add):
    """Clusters A and B (one server each) joined by gateways, both configured with the other.
    The load generator waits until the subscriber's interest has crossed the gateway."""
    ga, gb = free_port(), free_port()
    sa = Server(binary, ["-c", gateway_conf("A", ga, "B", gb)])
    sb = None
    try:
        sb = Server(binary, ["-c", gateway_conf("B", gb, "A", ga)])
        for label, size in (("supercluster A->B 16B", "16"), ("supercluster A->B 128B", "128")):
            out = loadgen(a, label, ["--url", sa.url, "--sub-url", sb.url, "--msgs", str(a.msgs),
                                     "--scenario", "pubsub", "--size", size, "--subject",
                                     f"gw.{size}"])
            add(label, rate(out, "sub"))
        out = loadgen(a, "supercluster reqrep", [
            "--url", sa.url, "--sub-url", sb.url, "--scenario", "reqrep", "--size", "16",
            "--msgs", str(a.reqs)])
        m = re.search(r"p50=([\d.]+) p90=([\d.]+) p99=([\d.]+) p99.9=([\d.]+)", out)
        add("supercluster req/reply p50", float(m.group(1)))
        add("supercluster req/reply p99", float(m.group(3)))
        out = loadgen(a, "no interest", ["--url", sa.url, "--msgs", str(a.msgs), "--scenario",
                                         "pub", "--size", "16", "--subject", "quiet",
                                         "--subjects", "1000"])
        add("publish 1,000 subjects without interest in B, 16B", rate(out, "pub"))
    finally:
        for s in (sa, sb):
            if s:
                s.stop()


def leaf_confs(hub_leaf_port):
    d = tempfile.mkdtemp(prefix="gnatsd-bench-")
    hub, leaf = os.path.join(d, "hub.conf"), os.path.join(d, "leaf.conf")
    with open(hub, "w") as f:
        f.write(f"leafnodes {{ listen: 127.0.0.1:{hub_leaf_port} }}\n")
    with open(leaf, "w") as f:
        f.write(f"leafnodes {{ remotes: [ {{ url: \"nats-leaf://127.0.0.1:{hub_leaf_port}\" }} ] }}\n")
    return hub, leaf


def run_leafnodes(a, binary, add):
    """A hub and a leaf server (both the same program), the leaf dialling the hub: publishers
    on the leaf and subscribers on the hub and the other way round, and request/reply with
    the requester on the leaf and the responder on the hub. The load generator waits until
    the subscriber's interest has crossed the leafnode connection."""
    hub_conf, leaf_conf = leaf_confs(free_port())
    hub = Server(binary, ["-c", hub_conf])
    leaf = None
    try:
        leaf = Server(binary, ["-c", leaf_conf])
        for label, pub, sub, size in (("leaf to hub 16B", leaf, hub, "16"),
                                      ("leaf to hub 128B", leaf, hub, "128"),
                                      ("hub to leaf 128B", hub, leaf, "128")):
            out = loadgen(a, label, ["--url", pub.url, "--sub-url", sub.url, "--msgs", str(a.msgs),
                                     "--scenario", "pubsub", "--size", size, "--subject",
                                     "leaf." + label.replace(" ", ".")])
            add(label, rate(out, "sub"))
        out = loadgen(a, "leafnode reqrep", [
            "--url", leaf.url, "--sub-url", hub.url, "--scenario", "reqrep", "--size", "16",
            "--msgs", str(a.reqs)])
        m = re.search(r"p50=([\d.]+) p90=([\d.]+) p99=([\d.]+) p99.9=([\d.]+)", out)
        add("req/reply through a leafnode p50", float(m.group(1)))
        add("req/reply through a leafnode p99", float(m.group(3)))
    finally:
        for s in (hub, leaf):
            if s:
                s.stop()


def run_cores(a, binary, add):
    """Four independent 1:1 pairs on distinct subjects, at once, with the server pinned to one
    core and then to two (taskset): what the second core adds. The load generators are not
    pinned, so both servers share the machine with them alike."""
    pairs = 4
    rates = {}
    for cpus, label in (("0", "1 core"), ("0,1", "2 cores")):
        s = Server(binary, cpus=cpus)
        try:
            procs = [subprocess.Popen(
                [a.loadgen, "--url", s.url, "--scenario", "pubsub", "--size", "16",
                 "--msgs", str(a.msgs // pairs), "--subject", f"bench.{i}"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                preexec_fn=raise_fd_limit) for i in range(pairs)]
            total = 0.0
            for p in procs:
                out, err = p.communicate(timeout=900)
                if p.returncode != 0:
                    raise RuntimeError(f"cores {label}: {err.strip() or out.strip()}")
                total += rate(out, "sub")
            rates[label] = total
            add(f"{pairs} pairs 1:1 16B, server on {label}", total)
        finally:
            s.stop()
    add("scaling, 2 cores over 1", rates["2 cores"] / rates["1 core"])


GROUPS = {"throughput": run_throughput, "cluster": run_cluster, "latency": run_latency,
          "scale": run_scale, "tls": run_tls, "safety": run_safety, "accounts": run_accounts,
          "cores": run_cores, "gateways": run_gateways, "leafnodes": run_leafnodes}


def fmt(v, unit):
    if unit in ("us", "s", "MiB", "%"):
        return f"{v:,.1f}"
    if unit == "x":
        return f"{v:.2f}"
    return f"{v:,.0f}"


def verdict(ratio, better, target):
    if target is None:
        return ""
    ok = ratio >= target if better == HIGHER else ratio <= target
    return f"{'>=' if better == HIGHER else '<='} {target:.1f}x: {'met' if ok else 'NOT met'}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gnatsd", default="build/gnatsd")
    ap.add_argument("--nats-server", default="/usr/sbin/nats-server")
    ap.add_argument("--loadgen", default="build/tests/gnatsd-loadgen")
    ap.add_argument("--tls-bench", default=None,
                    help="gnatsd-tls-bench (default: next to the load generator)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--msgs", type=int, default=2_000_000)
    ap.add_argument("--reqs", type=int, default=20_000, help="request/reply round trips")
    ap.add_argument("--conns", type=int, default=10_000, help="idle connections")
    ap.add_argument("--subs-conns", type=int, default=1_000)
    ap.add_argument("--subs-per-conn", type=int, default=1_000)
    ap.add_argument("--churn", type=int, default=20_000, help="connections per churn run")
    ap.add_argument("--safety-seconds", type=float, default=25,
                    help="how long the stuck route and the slow consumer runs last")
    ap.add_argument("--groups", default=",".join(GROUPS), help="comma-separated subset")
    ap.add_argument("--self", action="store_true", help="compare gnatsd with itself")
    ap.add_argument("--svg", default=None,
                    help="write the latency group's round trips as a histogram (SVG) here")
    a = ap.parse_args()
    if a.tls_bench is None:
        a.tls_bench = os.path.join(os.path.dirname(a.loadgen), "gnatsd-tls-bench")
    raise_fd_limit()
    other = ("gnatsd#2", a.gnatsd) if a.self else ("nats-server", a.nats_server)
    servers = [("gnatsd", a.gnatsd), other]
    groups = [g for g in a.groups.split(",") if g]
    results = {}
    started = time.time()
    for r in range(a.rounds):
        for name, binary in servers:
            def add(label, value, name=name):
                results.setdefault((name, label), []).append(value)
            for g in groups:
                GROUPS[g](a, binary, add)
        print(f"round {r + 1}/{a.rounds} done ({time.time() - started:.0f} s)", flush=True)
    b = other[0]
    print(f"\n{a.rounds} rounds, {a.msgs:,} messages per throughput run, {a.reqs:,} request/reply"
          f" round trips, {a.conns:,} idle connections, {a.subs_conns * a.subs_per_conn:,}"
          f" subscriptions on {a.subs_conns:,} connections; medians\n")
    print(f"| scenario | unit | gnatsd | {b} | ratio | target |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for label, unit, better, target in ROWS:
        if ("gnatsd", label) not in results:
            continue
        g = statistics.median(results[("gnatsd", label)])
        n = statistics.median(results[(b, label)])
        if g != g or n != n:  # not measured (nan): a run that never reached that point
            print(f"| {label} | {unit} | {fmt(g, unit)} | {fmt(n, unit)} | | |")
            continue
        ratio = g / n if n else float("inf")
        print(f"| {label} | {unit} | {fmt(g, unit)} | {fmt(n, unit)} | {ratio:.2f}x | "
              f"{verdict(ratio, better, target) if not a.self else ''} |")
    if a.svg and all(binary in LATENCIES for _, binary in servers):
        histogram_svg([(name, LATENCIES[binary]) for name, binary in servers], a.svg)
        print(f"\nlatency histogram: {a.svg}")


if __name__ == "__main__":
    main()
