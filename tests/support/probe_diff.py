#!/usr/bin/env python3
"""Sends the same raw protocol transcripts to nats-server and gnatsd and prints both replies.

A development aid for checking wire compatibility (not a test): run it with the two ports of
already running servers, e.g. `probe_diff.py 4222 14222`. INFO lines are dropped because
they differ by design (ids, ports).
"""
import socket
import sys
import time

CASES = [
    ("connect-empty-verbose", b"CONNECT {}\r\nPING\r\n"),
    ("bad-payload-terminator", b'CONNECT {"verbose":false}\r\nPUB foo 5\r\nhelloX\r\n'),
    ("invalid-sub-subject", b'CONNECT {"verbose":false}\r\nSUB foo.>.bar 1\r\nPING\r\n'),
    ("max-payload", b'CONNECT {"verbose":false}\r\nPUB foo 2000000\r\n'),
    ("control-line-4097", b'CONNECT {"verbose":false}\r\nSUB ' + b"a" * 4093 + b" 1\r\nPING\r\n"),
    ("control-line-4096", b'CONNECT {"verbose":false}\r\nSUB ' + b"a" * 4092 + b" 1\r\nPING\r\n"),
    ("pub-wrong-args", b'CONNECT {"verbose":false}\r\nPUB foo\r\nPING\r\n'),
    ("hpub-no-headers", b'CONNECT {"verbose":false}\r\nHPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPING\r\n'),
    ("bare-unsub", b'CONNECT {"verbose":false}\r\nUNSUB\r\nPING\r\n'),
    ("client-err", b'CONNECT {"verbose":false}\r\n-ERR \'x\'\r\nPING\r\n'),
    ("pedantic-bad-pub", b'CONNECT {"verbose":true,"pedantic":true}\r\nSUB foo.* 1\r\nPUB foo.* 1\r\nx\r\nPING\r\n'),
    ("pingx", b"PINGX\r\n"),
    ("bad-protocol", b'CONNECT {"protocol":2}\r\nPING\r\n'),
    ("no-responders-no-headers", b'CONNECT {"no_responders":true}\r\nPING\r\n'),
    ("empty-line", b'CONNECT {"verbose":false}\r\n\r\nPING\r\n'),
    ("negative-size", b'CONNECT {"verbose":false}\r\nPUB foo -1\r\n\r\nPING\r\n'),
    ("no-responders", b'CONNECT {"verbose":false,"headers":true,"no_responders":true}\r\nSUB inbox 1\r\nPUB req inbox 2\r\nhi\r\nPING\r\n'),
    ("hmsg-to-plain-sub", b'CONNECT {"verbose":false,"headers":true}\r\nSUB foo 1\r\nHPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPING\r\n'),
    ("unsub-max", b'CONNECT {"verbose":false}\r\nSUB foo 1\r\nUNSUB 1 2\r\nPUB foo 1\r\na\r\nPUB foo 1\r\nb\r\nPUB foo 1\r\nc\r\nPING\r\n'),
    ("dup-sid", b'CONNECT {"verbose":false}\r\nSUB foo 1\r\nSUB bar 1\r\nPUB bar 1\r\na\r\nPUB foo 1\r\nb\r\nPING\r\n'),
    ("echo-off", b'CONNECT {"verbose":false,"echo":false}\r\nSUB foo 1\r\nPUB foo 1\r\na\r\nPING\r\n'),
    ("lowercase-ops", b'connect {"verbose":false}\r\nsub foo 1\r\npub foo 1\r\na\r\nping\r\n'),
    ("bare-lf", b'CONNECT {"verbose":false}\nSUB foo 1\nPUB foo 1\na\r\nPING\n'),
    ("msg-from-client", b'CONNECT {"verbose":false}\r\nMSG foo 1 1\r\na\r\n'),
    ("bad-json", b"CONNECT {bad\r\nPING\r\n"),
    ("account", b'CONNECT {"account":"A"}\r\nPING\r\n'),
    ("unsub-unknown-verbose", b"UNSUB 99\r\nPING\r\n"),
    ("size-10-digits", b'CONNECT {"verbose":false}\r\nPUB foo 0000000001\r\na\r\n'),
    ("queue-sys", b'CONNECT {"verbose":false}\r\nSUB foo _sys_ 1\r\nPING\r\n'),
    ("wildcard-pub-nonpedantic", b'CONNECT {"verbose":false,"pedantic":false}\r\nSUB foo.* 1\r\nPUB foo.* 1\r\nx\r\nPUB foo..bar 1\r\ny\r\nPING\r\n'),
]


def run(port, data):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(0.4)
    out = b""
    try:
        out += s.recv(65536)
        s.sendall(data)
        deadline = time.time() + 0.6
        while time.time() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                out += b"<closed>"
                break
            out += chunk
    except socket.timeout:
        pass
    except ConnectionResetError:
        out += b"<reset>"
    s.close()
    lines = [l for l in out.split(b"\r\n") if not l.startswith(b"INFO ")]
    return b"\\r\\n".join(lines)


def main():
    ref, ours = int(sys.argv[1]), int(sys.argv[2])
    diffs = 0
    for name, data in CASES:
        a, b = run(ref, data), run(ours, data)
        mark = "same" if a == b else "DIFF"
        diffs += a != b
        print(f"{mark:4} {name}\n     nats-server: {a!r}")
        if a != b:
            print(f"     gnatsd:      {b!r}")
    print(f"{diffs} differences")


if __name__ == "__main__":
    main()
