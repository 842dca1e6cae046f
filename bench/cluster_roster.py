#!/usr/bin/env python3
"""
cluster_roster.py: what an idle cluster server pays for knowing the other servers' users.

Starts a redis-server and two `tcpchat serve --redis` (A and B) on free ports, connects
N nc-style users to A, waits 8 s (names claimed, member lists written, B's roster full),
then reads B's CPU time (utime + stime from /proc) over 15 s of silence. B has no
users of its own: what it spends is its roster of A's users, refreshed every
TC_REDIS_REFRESH_MS (3 s).

    bench/cluster_roster.py BINARY N      e.g. bench/cluster_roster.py build-bench/tcpchat 10000
"""
import os, socket, subprocess, sys, time, tempfile
binary = sys.argv[1]; N = int(sys.argv[2])
def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
rp = free_port()
red = subprocess.Popen(["redis-server", "--port", str(rp), "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
time.sleep(0.5)
url = "redis://127.0.0.1:%d" % rp
def start(port):
    p = subprocess.Popen([binary, "serve", "-p", str(port), "-q", "-m", "20000", "--max-per-ip", "0", "--max-per-ip-rate", "0", "-r", "0", "--redis", url], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    p.stdout.readline(); return p
pa, pb = free_port(), free_port()
A = start(pa); B = start(pb)
socks = []
for i in range(N):
    s = socket.create_connection(("127.0.0.1", pa)); s.sendall(b"u%05d\n" % i); socks.append(s)
    if i % 500 == 0: time.sleep(0.05)
time.sleep(8)   # names claimed, members written, B's roster full
def cpu(p):
    f = open("/proc/%d/stat" % p.pid).read().split(")")[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
c0 = cpu(B); t0 = time.time(); time.sleep(15); c1 = cpu(B); t1 = time.time()
print("%s N=%d: server B (no local users) CPU %.2f s over %.1f s idle" % (os.path.basename(binary), N, c1 - c0, t1 - t0))
for s in socks: s.close()
for p in (A, B): p.terminate(); p.wait()
red.terminate(); red.wait()
