#!/usr/bin/env python3
"""Issue 11 items 3 and 11 (memory pinning, a server pause), against the real server:
a queue that does not move is dropped after --stall-timeout; all queues together are
bounded by --max-total-queue (largest first); a server that was paused does not drop
a reader that reads at full speed once it runs again; a dropped reader is reset."""
import re
import signal
import socket
import time

from tclib import BANNER, Server, fail, join
from test_hardening import Drainer, small_client, wait_for


def stuck_client(port, name):
    c = small_client(port)
    c.expect_exact(BANNER)
    c.line(name)
    c.expect(r"\]\[" + name + r"\]:$")
    return c


def flood(sock, n, tag, size=200):
    sock.settimeout(120)
    sock.sendall(b"".join(b"%s %06d %s\n" % (tag, i, b"." * size) for i in range(n)))


def test_stalled_reader_dropped_after_stall_timeout():
    """1.0 kept a never-reading client's queue (below the soft limit) for ever."""
    s = Server("--rate-limit", "0", "--stall-timeout", "2", "-v")
    try:
        stuck = stuck_client(s.port, "stuck")
        f = join(s.port, "talker")
        fd = Drainer(f.sock)
        fd.start()
        flood(f.sock, 4000, b"st")       # ~800 KB: far below the soft limit (2 MiB)
        m = wait_for(lambda: re.search(r'dropping slow reader \S+ "stuck": output stalled '
                                       r'\((\d+) bytes queued\)', s.stderr()),
                     "the stall drop", timeout=30)
        if int(m.group(1)) >= 2 << 20:
            fail("the queue was over the soft limit: %s bytes" % m.group(1))
        fd.stop = True
        stuck.sock.close()
    finally:
        assert s.stop() == 0


def test_total_queue_cap_drops_the_largest_first():
    s = Server("--rate-limit", "0", "--max-total-queue", "1", "-v")
    try:
        big = stuck_client(s.port, "big")
        f = join(s.port, "talker")
        fd = Drainer(f.sock)
        fd.start()
        flood(f.sock, 12000, b"tq")      # ~2.5 MB queued for big alone
        small = stuck_client(s.port, "small")
        wait_for(lambda: 'dropping slow reader' in s.stderr(), "a drop", timeout=30)
        m = re.findall(r'dropping slow reader \S+ "(\w+)": all output queues over the total '
                       r'limit', s.stderr())
        if m[:1] != ["big"]:
            fail("dropped first: %r (log %r)" % (m, s.stderr()[-400:]))
        fd.stop = True
        small.sock.close()
        big.sock.close()
    finally:
        assert s.stop() == 0


def test_server_pause_does_not_drop_a_good_reader():
    """After an 11 s SIGSTOP, a client with MiBs queued that reads at full speed from the
    moment of resume was dropped for "over the soft limit too long" (wall time)."""
    s = Server("--rate-limit", "0", "--max-queue", "8192", "-v")
    try:
        r = small_client(s.port, rcvbuf=1 << 16)
        r.expect_exact(BANNER)
        r.line("reader")
        r.expect(r"\]\[reader\]:$")
        f = join(s.port, "talker")
        fd = Drainer(f.sock)
        fd.start()
        flood(f.sock, 25000, b"ps")      # ~5 MB for the reader, which is not reading yet
        wait_for(lambda: s.rss_kib() > 4000, "the queue to build", timeout=30)
        s.proc.send_signal(signal.SIGSTOP)
        time.sleep(11)                   # the pause itself is the test's subject
        s.proc.send_signal(signal.SIGCONT)
        rd = Drainer(r.sock, until=b"ps 024999 ")
        rd.start()
        rd.done.wait(60)
        if b"ps 024999 " not in rd.data:
            fail("the reader did not get everything (%d bytes; log %r)"
                 % (len(rd.data), s.stderr()[-300:]))
        if "dropping slow reader" in s.stderr():
            fail("a good reader was dropped: %r" % s.stderr()[-300:])
        fd.stop = True
    finally:
        s.proc.send_signal(signal.SIGCONT)
        assert s.stop() == 0


if __name__ == "__main__":
    from tclib import run
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    run([test_stalled_reader_dropped_after_stall_timeout,
         test_total_queue_cap_drops_the_largest_first,
         test_server_pause_does_not_drop_a_good_reader])
