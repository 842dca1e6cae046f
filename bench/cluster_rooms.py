#!/usr/bin/env python3
"""
cluster_rooms.py: what a cluster server pays for the room names ever used (issue 21,
item 12: its cluster glue kept every room name in a list scanned on every event).

Starts a redis-server and one `tcpchat serve --redis` on free ports. First R room names
are used and left (users of 10 rooms each, 3 users an address of 127/8: /join walks
through them, within the budgets of new rooms; 0: none), then one user says M messages
in the lobby to another who reads them; the server's CPU time (utime + stime from
/proc) for those M messages is printed.

    bench/cluster_rooms.py BINARY R M     e.g. bench/cluster_rooms.py build-bench/tcpchat 5000 20000
"""
import os, socket, subprocess, sys, time
binary = sys.argv[1]; R = int(sys.argv[2]); M = int(sys.argv[3])
ROOMS_PER_USER = 10     # TC_ROOM_CREATES_PER_MINUTE: a user's budget of new rooms
USERS_PER_ADDR = 3      # TC_ADDR_ROOM_CREATES_PER_MINUTE (30): an address's budget


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def cpu(p):
    f = open("/proc/%d/stat" % p.pid).read().split(")")[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def user(port, name, source="127.0.0.1"):
    s = socket.create_connection(("127.0.0.1", port), source_address=(source, 0))
    s.sendall(name.encode() + b"\n")
    return s


def read_until(s, marker, buf=b""):
    while marker not in buf:
        chunk = s.recv(1 << 16)
        if not chunk:
            raise SystemExit("connection closed before %r" % marker)
        buf += chunk
    return buf[buf.index(marker) + len(marker):]


def walk(port):
    """R room names used and left, ROOMS_PER_USER by each walker."""
    for u in range((R + ROOMS_PER_USER - 1) // ROOMS_PER_USER):
        a = u // USERS_PER_ADDR + 2     # from 127.0.0.2 on: the loopback is 127/8
        s = user(port, "walker%d" % u, "127.%d.%d.%d" % (a >> 16 & 255, a >> 8 & 255, a & 255))
        rooms = range(u * ROOMS_PER_USER, min(R, (u + 1) * ROOMS_PER_USER))
        s.sendall(b"".join(b"/join r%d\n" % i for i in rooms))
        read_until(s, b"r%d" % rooms[-1])
        s.close()


def talk(port, srv):
    """M messages from one user to another in the lobby: the server's CPU seconds, wall."""
    reader = user(port, "reader")
    read_until(reader, b"[reader]:")      # in the chat before the sender comes
    sender = user(port, "sender")
    read_until(reader, b"sender has joined")
    c0 = cpu(srv); t0 = time.time()
    sender.sendall(b"".join(b"message %d\n" % i for i in range(M)))
    read_until(reader, b"message %d\n" % (M - 1))
    return cpu(srv) - c0, time.time() - t0


rp = free_port()
red = subprocess.Popen(["redis-server", "--port", str(rp), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
srv = None
try:
    time.sleep(0.5)
    srv = subprocess.Popen([binary, "serve", "-p", "0", "-b", "127.0.0.1", "-q", "-m", "20000",
                            "--max-per-ip", "0", "--max-per-ip-rate", "0", "-r", "0",
                            "--redis", "redis://127.0.0.1:%d" % rp],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = srv.stdout.readline().decode()          # "Listening on the port :PORT"
    if ":" not in line:
        raise SystemExit("the server did not start: %r" % line)
    port = int(line.rsplit(":", 1)[1])
    walk(port)
    time.sleep(1)
    used, wall = talk(port, srv)
    print("%s rooms=%d messages=%d: server CPU %.2f s, %.2f s wall" % (
        os.path.basename(os.path.dirname(binary)) or binary, R, M, used, wall))
finally:
    for p in (srv, red):
        if p is not None:
            p.terminate(); p.wait()
