#!/usr/bin/env python3
"""Runs an installed gnatsd with the installed config, as the packaged service does (user
gnatsd), on a free loopback port; a client subscribes, publishes and gets its message back;
then the server is stopped the way the systemd unit stops it (SIGUSR2, lame duck mode) and
must exit with status 0.

usage: package_round_trip.py <gnatsd binary> <config file>
"""
import signal
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect(port, deadline):
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def read_until(sock, needle, deadline):
    data = b""
    while needle not in data:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {needle!r} in {data!r}")
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError(f"closed before {needle!r}; got {data!r}")
        data += chunk
    return data


def main():
    binary, config = sys.argv[1], sys.argv[2]
    port = free_port()
    server = subprocess.Popen([binary, "-c", config, "-a", "127.0.0.1", "-p", str(port)],
                              user="gnatsd", group="gnatsd", stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        with connect(port, deadline) as c:
            info = read_until(c, b"\r\n", deadline)
            assert info.startswith(b"INFO {"), info
            c.sendall(b'CONNECT {"verbose":false,"pedantic":false}\r\n'
                      b"SUB package.check 1\r\nPUB package.check 5\r\nhello\r\nPING\r\n")
            got = read_until(c, b"PONG\r\n", deadline)
            assert b"MSG package.check 1 5\r\nhello\r\n" in got, got
        server.send_signal(signal.SIGUSR2)
        code = server.wait(timeout=60)
        log = server.stdout.read()
        print(log, end="")
        if code != 0:
            sys.exit(f"gnatsd exited with {code} after SIGUSR2")
        print(f"round trip OK on port {port}; lame duck stop exited 0")
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
