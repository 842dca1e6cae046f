#!/usr/bin/env python3
"""
idle_memory.py: what an idle user costs the server once the room's history was
replayed to it, IRC or nc.

Starts `tcpchat serve` with an IRC port, fills #lobby's history (with --history-mib 1:
300 messages of 4000 bytes, cut to the 1 MiB a room keeps; 0: none), waits 3 s, reads
the server's RSS, connects N users of the kind asked who register (IRC: NICK and USER;
nc: a name) and read their whole replay, waits 3 s (the housekeeping tick gives idle
buffers back), reads the RSS again, and prints the difference per user.

    bench/idle_memory.py BINARY [N] [irc|nc] [--history-mib 0|1]
    e.g. bench/idle_memory.py build-bench/tcpchat 200 irc
"""
import re
import socket
import subprocess
import sys
import time

END = b"END-OF-HISTORY"


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def read_until(sock, marker, timeout=30):
    data, deadline = b"", time.monotonic() + timeout
    while marker not in data[-65536:]:
        if time.monotonic() > deadline:
            sys.exit("idle_memory.py: no %r within %d s" % (marker, timeout))
        chunk = sock.recv(1 << 20)
        if not chunk:
            sys.exit("idle_memory.py: the server closed a connection")
        data += chunk
    return data


def start(binary):
    p = subprocess.Popen([binary, "serve", "-p", "0", "--irc-port", "0", "-q", "-r", "0",
                          "-m", "5000", "--max-per-ip", "0", "--max-per-ip-rate", "0"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    ports = [int(re.search(rb":(\d+)", p.stdout.readline()).group(1)) for _ in range(2)]
    return p, ports[0], ports[1]


def fill_history(port):
    s = socket.create_connection(("127.0.0.1", port))
    read_until(s, b"[ENTER YOUR NAME]:")
    s.sendall(b"filler\n")
    for _ in range(300):
        s.sendall(b"x" * 4000 + b"\n")
    s.sendall(END + b"\n")
    time.sleep(1)
    s.close()


def irc_user(port, i, history):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"NICK u%d\r\nUSER u 0 * :u\r\n" % i)
    read_until(s, END if history else b" 366 ")
    return s


def nc_user(port, i, history):
    s = socket.create_connection(("127.0.0.1", port))
    read_until(s, b"[ENTER YOUR NAME]:")
    s.sendall(b"n%d\n" % i)
    read_until(s, END if history else b"][n%d]:" % i)
    return s


def main():
    args = [a for a in sys.argv[1:]]
    history = 1
    if "--history-mib" in args:
        k = args.index("--history-mib")
        history = int(args[k + 1])
        del args[k:k + 2]
    binary = args[0]
    n = int(args[1]) if len(args) > 1 else 200
    kind = args[2] if len(args) > 2 else "irc"
    p, port, irc = start(binary)
    if history:
        fill_history(port)
    time.sleep(3)
    before = rss_kib(p.pid)
    users = [irc_user(irc, i, history) if kind == "irc" else nc_user(port, i, history)
             for i in range(n)]
    time.sleep(3)
    after = rss_kib(p.pid)
    print("%s: %d idle %s users, %s history: server RSS %d KiB before, %d KiB after: "
          "%.1f KiB per user" % (binary, n, kind, "1 MiB of" if history else "no",
                                  before, after, (after - before) / n))
    for s in users:
        s.close()
    p.terminate()
    p.wait()


main()
