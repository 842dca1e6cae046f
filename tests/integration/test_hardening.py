"""SPEC section 4 (issue 4): hostile input and overload, against the real server.

Each test starts its own `tcpchat serve -p 0` with the options it needs and talks to it
over loopback. Properties only: every wait has a deadline, nothing asserts a speed. Where
a point is about memory it is measured in /proc/PID/status, where it is about spinning,
the server's CPU time is read from /proc/PID/stat.

Tests named test_bug_* reproduce a server bug that is reported to the lead and may fail
until the server is fixed.
"""
import os
import random
import re
import resource
import select
import signal
import socket
import struct
import subprocess
import threading
import time

from junk import TELNET, tls_client_hello
from tclib import BANNER, TS, TIMEOUT, Client, Server, fail, join, proto_join, run

# C0 controls but LF (TAB is allowed only where the caller says: it separates the fields
# of the client dialect), DEL, C1 controls as code points (U+0080..U+009F).
UNSAFE_C0 = set(range(0x20)) - {0x0a}


def first_unsafe(data, allow_tab=False):
    """Offset of the first byte that is not terminal safe (invalid UTF-8, a control
    other than LF (and TAB if allowed), DEL or a C1 control), or None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.start
    pos = 0
    for ch in text:
        o = ord(ch)
        if (o in UNSAFE_C0 and not (allow_tab and o == 9)) or o == 0x7f or 0x80 <= o <= 0x9f:
            return pos
        pos += len(ch.encode())
    return None


def assert_safe(data, who, allow_tab=False):
    bad = first_unsafe(data, allow_tab)
    if bad is not None:
        fail("%s received unsafe bytes at %d: %r" % (who, bad, data[max(0, bad - 60):bad + 20]))


def status_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    fail("no %s in /proc/%d/status" % (field, pid))


def wait_for(cond, what, timeout=TIMEOUT, step=0.02):
    """Poll cond() until it is true or the deadline passes (then fail)."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            fail("timed out waiting for " + what)
        time.sleep(step)


def msg_re(name, text):
    """A received message line in the nc dialect."""
    return r"\[" + TS + r"\]\[" + re.escape(name) + r"\]:" + re.escape(text) + r"\n"


def joined(c, who, me):
    """c (named me, nc dialect) sees who's join notice and its fresh prompt after it."""
    c.expect(r"(?:^|\n)" + re.escape(who) + r" has joined our chat\.\.\.\n\[" + TS + r"\]\[" +
             re.escape(me) + r"\]:$")



def small_client(port, rcvbuf=4096):
    """A Client whose receive buffer is tiny (set before connecting, so the kernel does
    not grow it): output to it stays queued in the server."""
    so = socket.socket()
    so.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    so.settimeout(TIMEOUT)
    so.connect(("127.0.0.1", port))
    c = Client.__new__(Client)
    c.sock, c.buf, c.closed = so, b"", False
    return c


class Drainer(threading.Thread):
    """Reads a socket into memory until told to stop or the peer closes (a client that
    keeps reading)."""

    def __init__(self, sock, until=None):
        super().__init__(daemon=True)
        self.sock = sock
        self.data = bytearray()
        self.until = until          # stop once these bytes have arrived
        self.stop = False
        self.closed = False
        self.done = threading.Event()

    def run(self):
        # The socket's timeout is left alone: another thread may be sending on it.
        try:
            while not self.stop:
                if not select.select([self.sock], [], [], 0.2)[0]:
                    continue
                try:
                    chunk = self.sock.recv(1 << 20)
                except OSError:
                    chunk = b""
                if not chunk:
                    self.closed = True
                    break
                self.data += chunk
                if self.until is not None and self.until in self.data[-len(self.until) - len(chunk):]:
                    break
        finally:
            self.done.set()


# --- input ------------------------------------------------------------------------------

ESCAPES = [
    # (sent, what the others must see)
    (b"esc\x1b[2Jclear", b"esc[2Jclear"),
    (b"bel\x07bs\x08\x08del\x7fnul\x00end", b"belbsdelnulend"),
    (b"osc\x1b]0;title\x07\x1b]52;c;ZXZpbA==\x07x", b"osc]0;title]52;c;ZXZpbA==x"),
    (b"csi8\xc2\x9b31mred\xc2\x9d8;;http://x\xc2\x9c.", b"csi831mred8;;http://x."),
    (b"raw c1 \x9b31m and \x85", b"raw c1 \xef\xbf\xbd31m and \xef\xbf\xbd"),
    (b"tab\there", b"tab here"),
    (b"cr\rinside", b"crinside"),
    (b"vt\x0bff\x0cso\x0esi\x0fcan\x18sub\x1aesc\x1b", b"vtffsosicansubesc"),
]


def test_control_chars_never_reach_others():
    s = Server()
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        joined(a, "bob", "alice")
        p = proto_join(s.port, "pat")
        joined(a, "pat", "alice")
        joined(b, "pat", "bob")
        for sent, seen in ESCAPES:
            a.send(sent + b"\n")
            b.expect(msg_re("alice", seen.decode()).encode() + rb"\[" + TS.encode() + rb"\]\[bob\]:$")
            p.expect(rb"MSG\t" + TS.encode() + rb"\talice\t" + re.escape(seen) + rb"\n")
        # Names: refused with a reason, never shown to anyone.
        n = Client(s.port)
        n.expect_exact(BANNER)
        for bad in (b"ev\x1b(0e", b"\x07bell", b"nul\x00l", b"c1\xc2\x9bx", b"\xff\xfd\x03eve"):
            n.send(bad + b"\n")
            n.expect(rb"^Name (cannot contain control characters|must be valid UTF-8)\.\n"
                     rb"\[ENTER YOUR NAME\]:$")
        # A rename is sanitised like any line before it is looked at.
        a.line("/name ev\x1b(0il\x07")
        b.expect(r"\nalice is now known as ev\(0il\n")
        p.expect(r"RENAME\t" + TS + r"\talice\tev\(0il\n")
        a.line("/name alice")
        b.expect(r"\nev\(0il is now known as alice\n")
        a.line("/msg bob \x1b]52;c;eA==\x07secret\x1b[0m")
        b.expect(r"\]\[alice\]\[private\]:\]52;c;eA==secret\[0m\n")
        assert_safe(b.quiet(0.3), "bob")
        assert_safe(p.quiet(0.3), "pat", allow_tab=True)
    finally:
        assert s.stop() == 0


def collapse_fffd(text):
    return re.sub("\ufffd+", "\ufffd", text)


def test_utf8_repaired_and_passed():
    s = Server()
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        joined(a, "bob", "alice")
        good = ["héllo wörld ça va", "日本語のテキスト 中文 한국어", "emoji 🎉👍🏽🇫🇷 ok",
                "Ελληνικά русский עברית العربية", "combining e\u0301 a\u0308"]
        for text in good:
            a.line(text)
            m = b.expect(rb"\]\[alice\]:([^\n]*)\n")
            if m.group(1) != text.encode():
                fail("valid UTF-8 changed: sent %r got %r" % (text.encode(), m.group(1)))
        bad = [b"overlong \xc0\xaf and \xe0\x80\xaf", b"surrogate \xed\xa0\x80 end",
               b"too big \xf4\x90\x80\x80 \xf8\x88\x80\x80\x80", b"cut \xe2\x82 here",
               b"lone \x80\xbf cont", b"fe ff \xfe\xff", b"at end \xc3"]
        for raw in bad:
            a.send(raw + b"\n")
            m = b.expect(rb"\]\[alice\]:([^\n]*)\n")
            got = m.group(1)
            assert_safe(got, "bob")
            want = collapse_fffd(raw.decode("utf-8", errors="replace"))
            if collapse_fffd(got.decode()) != want:
                fail("invalid UTF-8 not repaired to U+FFFD: sent %r got %r" % (raw, got))
    finally:
        assert s.stop() == 0


def expect_error_then_prompts(c, limit, name):
    """One error line, its prompt, and the prompt after the next (good) line: nothing
    else (so the error came exactly once)."""
    c.expect(r"^Line too long \(more than " + limit + r" bytes\), dropped\.\n\[" + TS +
             r"\]\[" + name + r"\]:\[" + TS + r"\]\[" + name + r"\]:$")


def test_overlong_line_dropped_connection_usable():
    s = Server("--max-line", "100")
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        joined(a, "bob", "alice")
        # 100 bytes is fine (a CR before the LF does not count); 101 is not.
        a.send(b"x" * 100 + b"\r\n")
        b.expect(msg_re("alice", "x" * 100))
        a.expect(r"\]\[alice\]:$")
        a.send(b"y" * 101 + b"\n")
        a.expect_exact("Line too long (more than 100 bytes), dropped.\n")
        a.expect(r"^\[" + TS + r"\]\[alice\]:$")
        # A long line in many small pieces, then a normal one: one error, then it works.
        for i in range(50):
            a.send(b"z" * 37)
        a.send(b"\nafter\n")
        b.expect(msg_re("alice", "after"))
        expect_error_then_prompts(a, "100", "alice")
        other = b.quiet(0.3)
        if b"yyy" in other or b"zzz" in other or b"Line too long" in other:
            fail("the dropped line reached another client: %r" % other)
    finally:
        assert s.stop() == 0
    s = Server()
    try:
        a = join(s.port, "alice")
        a.send(b"w" * 5000 + b"\nok\n")
        a.expect_exact("Line too long (more than 4096 bytes), dropped.\n")
    finally:
        assert s.stop() == 0


def test_4mib_line_memory_bounded():
    """A 4 MiB line without a newline must not be buffered. Measured: the growth of the
    server's peak resident set (VmHWM) while the line is streamed in.

    Bound: 512 KiB. The server's own input buffer is at most max-line + one read
    (4096 + 16384 bytes); the rest of the allowance is allocator and page-granularity
    noise. Under ASan, freed blocks are not reused but parked in a quarantine (256 MiB
    by default), so a server that allocated and freed a read buffer per read (as an
    earlier version did) shows ~6 MiB of growth that is ASan's, not the server's: this
    test's server runs with quarantine_size_mb=0 so that only memory the server really
    holds is counted. A server that buffered the line would grow by 4 MiB or more either
    way.
    """
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") +
                           ":quarantine_size_mb=0:thread_local_quarantine_size_kb=0").lstrip(":")
    s = Server(env=env)
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        joined(a, "bob", "alice")
        # Warm up: one over-long line, so that the buffers the path uses exist.
        a.send(b"w" * 200000 + b"\nwarm\n")
        b.expect(msg_re("alice", "warm"))
        expect_error_then_prompts(a, "4096", "alice")
        rss0, hwm0 = status_kib(s.proc.pid, "VmRSS"), status_kib(s.proc.pid, "VmHWM")
        chunk = b"L" * 65536
        for _ in range(64):                     # 4 MiB, no newline
            a.send(chunk)
        a.send(b"\nstill usable\n")
        b.expect(msg_re("alice", "still usable"))  # the server has read it all
        expect_error_then_prompts(a, "4096", "alice")
        rss1, hwm1 = status_kib(s.proc.pid, "VmRSS"), status_kib(s.proc.pid, "VmHWM")
        print("    4 MiB line: VmRSS %d -> %d KiB, VmHWM %d -> %d KiB" % (rss0, rss1, hwm0, hwm1))
        if hwm1 - hwm0 > 512 or rss1 - rss0 > 512:
            fail("memory grew by %d KiB (peak %d KiB) for a 4 MiB line" %
                 (rss1 - rss0, hwm1 - hwm0))
    finally:
        assert s.stop() == 0


def test_bug_log_escapes_c1_and_invalid_utf8():
    """The activity log on stderr is read on an operator's terminal: peer text in it must
    not carry controls either. At -vv a refused name is logged as typed; C0 controls are
    escaped, but C1 controls (U+009B is CSI) and stray bytes (0x9b) used to pass."""
    s = Server("-vv")
    try:
        c = Client(s.port)
        c.expect_exact(BANNER)
        c.send(b"x\xc2\x9b31my \x9b2J \x1b(0 \xe6\x97\xa5\n")
        c.expect(r"Name cannot contain control characters\.\n")
        c.send(b"/x\xc2\x9b\n")            # refused for another reason, also logged
        c.expect(r"Name cannot start with /\.\n")
        c.line("ok")
        c.expect(r"\]\[ok\]:$")
    finally:
        assert s.stop() == 0
    s.errfile.seek(0)
    for line in s.errfile.read().split(b"\n"):
        bad = first_unsafe(line)
        if bad is not None:
            fail("unsafe bytes in the server log at %d: %r" % (bad, line))


def test_junk_protocols_handled_as_bad_input():
    s = Server()
    try:
        w = join(s.port, "watcher")
        rng = random.Random(1234)
        junk = [
            ("tls", tls_client_hello()),
            ("telnet", TELNET + b"\r\n" + TELNET + b"guest\r\nhello there\r\n"),
            ("noise", bytes(rng.getrandbits(8) for _ in range(20000))),
            ("http", b"GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: \x1b[31m\r\n\r\n"),
            ("ssh", b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n" + bytes(range(256)) * 4),
        ]
        for what, data in junk:
            j = Client(s.port)
            j.expect_exact(BANNER)
            j.send(data)
            j.close()
        # Junk that named itself and chatted was sanitised; the server still serves.
        w2 = join(s.port, "after")
        joined(w, "after", "watcher")
        w2.line("all fine")
        w.expect(msg_re("after", "all fine"))
        assert_safe(w.quiet(0.3), "watcher")
        if s.proc.poll() is not None:
            fail("server died")
    finally:
        assert s.stop() == 0


# --- overload ---------------------------------------------------------------------------

FLOOD_LINES = 100000


def test_slow_reader_dropped_others_get_everything():
    s = Server("--rate-limit", "0", "-v")
    socks = []
    try:
        # The stuck client: a tiny receive buffer, named, then it never reads again.
        stuck = small_client(s.port)
        socks.append(stuck.sock)
        stuck.expect_exact(BANNER)
        stuck.line("stuck")
        stuck.expect(r"\]\[stuck\]:$")
        reader = join(s.port, "reader")
        flooder = join(s.port, "flooder")
        joined(reader, "flooder", "reader")
        last = b"flood %06d " % (FLOOD_LINES - 1)
        rd = Drainer(reader.sock)
        fd = Drainer(flooder.sock)      # the flooder reads its own prompts
        rd.start()
        fd.start()
        pad = b"." * 120
        payload = b"".join(b"flood %06d %s\n" % (i, pad) for i in range(FLOOD_LINES))
        flooder.sock.settimeout(120)
        flooder.sock.sendall(payload)
        wait_for(lambda: last in rd.data or rd.closed, "the end of the flood at the reader",
                 timeout=120, step=0.2)
        # The stuck one is disconnected, and the log names it with its queue size.
        wait_for(lambda: re.search(r"dropping slow reader 127\.0\.0\.1:\d+ \"stuck\": .*"
                                   r"\(\d+ bytes queued\)", s.stderr()),
                 "the slow-reader log line")
        wait_for(lambda: b"\nstuck has left our chat...\n" in rd.data or rd.closed,
                 "the leave notice of the stuck client")
        rd.stop = fd.stop = True
        rd.join(TIMEOUT)
        data = bytes(rd.data)
        nums = [int(m.group(1)) for m in re.finditer(
            rb"\]\[flooder\]:flood (\d{6}) " + re.escape(pad) + rb"\n", data)]
        if nums != list(range(FLOOD_LINES)):
            missing = sorted(set(range(FLOOD_LINES)) - set(nums))
            fail("reader got %d of %d lines, in order: %s, first missing: %s" %
                 (len(nums), FLOOD_LINES, nums == sorted(nums), missing[:5]))
        if b"\nstuck has left our chat...\n" not in data:
            fail("no leave notice for the stuck client")
        assert_safe(data, "reader")
        print("    reader got %d lines (%d KiB); %s" % (len(nums), len(data) >> 10,
              re.search(r"dropping slow reader.*", s.stderr()).group(0)))
    finally:
        for so in socks:
            so.close()
        assert s.stop() == 0


def test_rate_limit_back_pressure():
    s = Server("--rate-limit", "5")
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        joined(a, "bob", "alice")
        a.send(b"".join(b"rate %02d\n" % i for i in range(50)))
        times, got = [], b""
        deadline = time.monotonic() + 60
        while len(times) < 50:
            m = b.expect(rb"\]\[alice\]:rate (\d\d)\n", timeout=max(0.1, deadline - time.monotonic()))
            times.append(time.monotonic())
            got += m.group(1) + b" "
        if got.split() != [b"%02d" % i for i in range(50)]:
            fail("rate-limited lines lost or out of order: %r" % got)
        # 5/s with a burst of 10: 40 lines have to wait 8 s. Only a loose property is
        # asserted: the lines were spread out, not dropped.
        if times[-1] - times[0] < 3:
            fail("50 lines at --rate-limit 5 arrived within %.1f s" % (times[-1] - times[0]))
        # Back-pressure: the server stops reading a flooder, so its socket fills up.
        f = Client(s.port)
        f.expect_exact(BANNER)
        f.line("flooder")
        f.expect(r"\]\[flooder\]:$")
        f.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
        f.sock.setblocking(False)
        block = (b"x" * 99 + b"\n") * 1000

        def fill():
            n = 0
            while n < (64 << 20):
                try:
                    n += f.sock.send(block)
                except BlockingIOError:
                    break
            return n

        rss0 = status_kib(s.proc.pid, "VmRSS")
        first = fill()
        # A server that kept reading would take megabytes more in a second; a throttled
        # one reads at most 5 lines a second (the socket stays full).
        extra, t_end = 0, time.monotonic() + 1.0
        while time.monotonic() < t_end:
            time.sleep(0.1)                # a measurement window, not a wait for an event
            extra += fill()
        rss1 = status_kib(s.proc.pid, "VmRSS")
        print("    flooder: %d KiB accepted until the socket was full, %d bytes more in 1 s;"
              " server VmRSS %d -> %d KiB" % (first >> 10, extra, rss0, rss1))
        if first >= (64 << 20) or extra > 1 << 20:
            fail("the server kept reading a rate-limited client (%d + %d bytes)" % (first, extra))
        if rss1 - rss0 > 16384:
            fail("server memory grew by %d KiB while throttling" % (rss1 - rss0))
        # Others are still served while the flooder waits.
        b.line("bob still talks")
        a.expect(msg_re("bob", "bob still talks"))
    finally:
        assert s.stop() == 0


def test_no_messages_after_bye():
    """The throttle timer kept delivering lines during the shutdown flush."""
    s = Server("-m", "60", "-r", "20")
    try:
        a = join(s.port, "alice")
        b = proto_join(s.port, "bob")
        a.send(b"".join(b"m%03d\n" % i for i in range(300)))   # throttled: 40 at once
        b.expect(r"MSG\t" + TS + r"\talice\tm039\n")
        os.kill(s.proc.pid, signal.SIGTERM)
        rest = b.expect_closed()
        tail = rest[rest.index(b"BYE\t"):]
        if tail != b"BYE\tServer is shutting down. Goodbye!\n":
            fail("records after BYE: %r" % tail[:200])
    finally:
        assert s.stop() == 0


def test_name_timeout_frees_seat():
    s = Server("--name-timeout", "1", "-m", "1", "-v")
    try:
        idle = Client(s.port)
        idle.expect_exact(BANNER)
        idle.send(b"half a na")           # typing without Enter does not count
        rest = idle.expect_closed(timeout=TIMEOUT)
        if rest != b"\nNo name given in 1 second, goodbye.\n":
            fail("name timeout sent %r" % rest)
        # The seat is free again: the next one gets the banner, not "Chat is full".
        n = wait_for(lambda: (lambda c: c if c.quiet(0.2).startswith(b"Welcome") else None)(
            Client(s.port)), "a free seat")
        n.line("named")
        n.expect(r"\]\[named\]:$")
        # A named connection is not timed out: watch it for over twice the timeout.
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:
            if n.quiet(0.25):
                fail("a named connection got output from the timeout")
        n.line("/list")
        n.expect(r"1 in lobby:\n")
        if "name timeout" not in s.stderr():
            fail("the log does not name the timeout: %r" % s.stderr()[-500:])
    finally:
        assert s.stop() == 0


def test_name_timeout_in_client_dialect_has_no_blank_line():
    s = Server("-t", "1")
    try:
        c = Client(s.port)
        c.line("/TCPCHAT 1")
        rest = c.expect_closed()
        if not rest.endswith(b"+TCPCHAT\t1\nBYE\tNo name given in 1 second, goodbye.\n"):
            fail("client dialect name timeout sent %r" % rest[-80:])
    finally:
        s.stop()


def test_descriptor_exhaustion_no_spin():
    s = Server("-m", "1000", "-v")
    conns = []
    try:
        pid = s.proc.pid
        # Out of descriptors: the server can hold about 20 connections under this limit.
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (32, 32))
        for _ in range(48):
            conns.append(Client(s.port))   # the kernel completes these from the backlog
        wait_for(lambda: re.search(r"accept: Too many open files", s.stderr()),
                 "the accept back-off in the log")
        # Which connections did the server accept? The -v log names each peer.
        accepted = set(int(p) for p in re.findall(r"connect 127\.0\.0\.1:(\d+) ", s.stderr()))
        served = [c for c in conns if c.sock.getsockname()[1] in accepted]
        waiting = [c for c in conns if c.sock.getsockname()[1] not in accepted]
        if not served or not waiting:
            fail("expected some connections served and some waiting: %d/%d" %
                 (len(served), len(waiting)))
        for c in served:
            c.expect_exact(BANNER)
        # Out of descriptors with connections waiting: the server must idle, not spin.
        cpu0, t0 = s.cpu_seconds(), time.monotonic()
        time.sleep(2.0)                    # a measurement window, not a wait for an event
        cpu1, t1 = s.cpu_seconds(), time.monotonic()
        print("    out of descriptors: %d served, %d waiting, %.2f s CPU in %.2f s" %
              (len(served), len(waiting), cpu1 - cpu0, t1 - t0))
        if cpu1 - cpu0 > 0.5:
            fail("server used %.2f s CPU in %.2f s while out of descriptors" %
                 (cpu1 - cpu0, t1 - t0))
        # Free some descriptors: the waiting connections are served again.
        for c in served[:6]:
            c.close()
        for c in waiting[:4]:              # the backlog is first in, first out
            c.expect_exact(BANNER)
        c = waiting[0]
        c.line("survivor")
        c.expect(r"\]\[survivor\]:$")
        if s.proc.poll() is not None:
            fail("server died")
    finally:
        for c in conns:
            c.close()
        assert s.stop() == 0


# --- resets, half-closes, kills -----------------------------------------------------------

def test_half_close_delivers_then_leaves():
    s = Server()
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        joined(a, "bob", "alice")
        b.send(b"one\ntwo\nthree without newline")
        b.sock.shutdown(socket.SHUT_WR)
        # Lines that reach alice in one pass share one prompt repaint; which ones
        # do depends on timing, so each repaint is optional here.
        p = r"(?:\[" + TS + r"\]\[alice\]:\n)?"
        a.expect(msg_re("bob", "one") + p + msg_re("bob", "two") + p +
                 msg_re("bob", "three without newline") + p +
                 r"bob has left our chat\.\.\.\n")
        b.expect_closed()                 # bob still could read until the server closed
        a.line("alone")
        a.expect(r"\]\[alice\]:$")
    finally:
        assert s.stop() == 0


def test_hung_up_flooder_leaves_no_ghost():
    """`printf '...100 lines...' | nc -q0 HOST PORT`: the client sends 100 lines and
    closes (or resets). At the default rate limit (20/s, burst 40) the server has read
    all 100 but handled about 40. A peer that hung up frees its slot at once (issue 11:
    "ghosts" kept posting at the rate limit for minutes): what it sent is delivered up to
    one burst more, in order, and the rest is dropped and logged with its count."""
    s = Server("-v")
    try:
        a = join(s.port, "alice")
        for how in ("close", "reset"):
            b = join(s.port, "bob")
            joined(a, "bob", "alice")
            b.quiet(0.1)                   # nothing unread: close() sends a FIN, not an RST
            drop_re = r'"bob" hung up with (\d+) lines? over the rate limit: dropped'
            before = len(re.findall(drop_re, s.stderr()))
            b.send(b"".join(b"%s %03d\n" % (how.encode(), i) for i in range(100)))
            if how == "close":
                b.close()
            else:
                b.reset()
            got = a.expect(r"\nbob has left our chat\.\.\.\n", timeout=30).string
            nums = [int(x) for x in re.findall(rb"\]\[bob\]:" + how.encode() + rb" (\d{3})\n", got)]
            if nums != list(range(len(nums))):
                fail("after %s, lines out of order or with holes: %r" % (how, nums))
            m = wait_for(lambda: re.findall(drop_re, s.stderr())[before:], "the drop in the log")
            dropped = int(m[0])
            if len(nums) + dropped != 100 or not 40 <= len(nums) <= 90:
                fail("after %s: %d delivered + %d dropped (want 100, at least one burst "
                     "delivered)" % (how, len(nums), dropped))
            a.expect(r"\]\[alice\]:$")
    finally:
        assert s.stop() == 0


def test_throttled_client_reset_handles_one_burst_and_counts_the_rest():
    """Lines still in the kernel's receive buffer when a rate-limited client resets
    were lost without a word (1.0), then were delivered at the rate limit long after
    the client left (a ghost; issue 11). Now: at most one burst more is delivered, in
    order, and every other line is counted as dropped in the log."""
    s = Server("-r", "1000", "-H", "0")
    try:
        obs = proto_join(s.port, "obs")
        f = join(s.port, "flooder")
        n = 6000
        f.send(b"".join(b"l%08d\n" % i for i in range(n)))
        time.sleep(0.3)        # let the server read some and fall behind (not a wait for a result)
        f.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        f.sock.close()
        obs.expect(r"LEAVE\t" + TS + r"\tflooder\n", timeout=60)
        got = [int(x) for x in re.findall(rb"MSG\t[^\t]*\tflooder\tl(\d{8})\n", obs.skipped)]
        if got != list(range(len(got))):
            fail("%d lines delivered, not in order from the first" % len(got))
        deadline = time.monotonic() + 10
        while not (m := re.findall(r'"flooder" hung up with (\d+) lines? over the rate '
                                   r'limit: dropped', s.stderr())):
            if time.monotonic() > deadline:
                fail("no drop in the log: %r" % s.stderr()[-300:])
            time.sleep(0.05)
        if len(got) + int(m[-1]) != n:
            fail("%d delivered + %s dropped != %d" % (len(got), m[-1], n))
    finally:
        s.stop()


def test_soft_queue_limit_is_temporary():
    """Output between the soft limit (a quarter of --max-queue) and the hard limit is
    tolerated for a while (TC_SOFT_QUEUE_SECONDS), then the client is dropped. A reading
    client is not affected."""
    # Soft limit 4 MiB, hard 16 MiB. The kernel's send buffer to the stuck client grows on
    # its own (up to tcp_wmem's maximum, 4 MiB here), so the server's own queue is what
    # is sent minus that: 12 MiB sent leaves it between the limits for any send buffer
    # from 0 to 8 MiB.
    s = Server("--rate-limit", "0", "--max-queue", "16384", "-v")
    try:
        stuck = small_client(s.port)
        stuck.expect_exact(BANNER)
        stuck.line("sleepy")
        stuck.expect(r"\]\[sleepy\]:$")
        reader = join(s.port, "reader")
        f = join(s.port, "flooder")
        joined(reader, "flooder", "reader")
        rd, fd = Drainer(reader.sock), Drainer(f.sock)
        rd.start()
        fd.start()
        n = 66000                          # about 12 MiB for sleepy
        f.sock.settimeout(120)
        f.sock.sendall(b"".join(b"soft %05d %s\n" % (i, b"." * 120) for i in range(n)))
        last = b"soft %05d " % (n - 1)
        wait_for(lambda: last in rd.data, "the last line at the reader", timeout=60)
        if "dropping slow reader" in s.stderr() and "hard limit" in s.stderr():
            fail("sleepy hit the hard limit; the test needs less data: %r" % s.stderr()[-300:])
        # It is dropped once the soft limit has been exceeded for too long.
        m = wait_for(lambda: re.search(r"dropping slow reader \S+ \"sleepy\": output queue over "
                                       r"the soft limit for too long \((\d+) bytes queued\)",
                                       s.stderr()), "the soft-limit drop", timeout=40)
        if not 4 << 20 < int(m.group(1)) <= 16 << 20:
            fail("dropped with %s bytes queued" % m.group(1))
        wait_for(lambda: b"sleepy has left our chat" in rd.data, "sleepy's leave notice")
        rd.stop = fd.stop = True
        nums = re.findall(rb"\]\[flooder\]:soft (\d{5}) ", bytes(rd.data))
        if [int(x) for x in nums] != list(range(n)):
            fail("the reader lost lines: %d of %d" % (len(nums), n))
        print("    " + m.group(0))
    finally:
        assert s.stop() == 0


def test_reset_mid_write_and_sigpipe():
    s = Server("-v", "--rate-limit", "0")
    try:
        a = join(s.port, "alice")
        # A big history: whoever joins is sent about 1 MiB at once.
        text = "h" * 1000
        a.send(("".join(text + "%04d\n" % i for i in range(1000))).encode())
        a.line("/list")                    # answered once the 1000 lines are handled
        a.expect(r"\]:1 in lobby:\n  alice \(you\)\n\[" + TS + r"\]\[alice\]:$")
        b = small_client(s.port)
        b.expect_exact(BANNER)
        b.line("bob")                      # 1 MiB of history is queued for bob ...
        joined(a, "bob", "alice")
        b.reset()                          # ... who is gone while the server writes it
        for i in range(5):
            c = small_client(s.port)
            c.expect(r"Welcome")
            c.line("joiner%d" % i)
            c.expect(r"\]\[alice\]:h")     # read a little of the history, then RST
            c.reset()
        a.expect(r"joiner4 has left our chat\.\.\.\n")
        reasons = re.findall(r"disconnect \S+ \"(?:bob|joiner\d)\": (.*)", s.stderr())
        print("    disconnect reasons: %s" % sorted(set(reasons)))
        if "connection reset" not in reasons:
            fail("no write or read hit the reset (reasons: %r)" % reasons)
        a.quiet(0.2)
        d = join(s.port, "dave")
        joined(a, "dave", "alice")
        d.line("after resets")
        a.expect(msg_re("dave", "after resets"))
        if s.proc.poll() is not None:
            fail("server died (status %r): SIGPIPE?" % s.proc.returncode)
    finally:
        st = s.stop()
        if st != 0:
            fail("server exit status %r (-13 would be SIGPIPE)" % st)


def test_clients_killed_at_random_others_keep_chatting():
    s = Server("--rate-limit", "0", "-m", "100")
    procs = []
    rng = random.Random(42)
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        joined(a, "bob", "alice")
        ad = Drainer(a.sock)
        ad.start()
        sent = 0
        for round_ in range(30):
            # A real nc, fed part of a session, killed at a random moment.
            p = subprocess.Popen(["nc", "127.0.0.1", str(s.port)], stdin=subprocess.PIPE,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(p)
            script = (b"victim%d\n" % round_ + b"".join(b"spam %d\n" % i for i in range(200))
                      + b"half a li")
            cut = rng.randrange(len(script))
            try:
                p.stdin.write(script[:cut])
                p.stdin.flush()
            except BrokenPipeError:
                pass
            time.sleep(rng.random() * 0.02)   # a random moment, not a wait for anything
            p.kill()
            p.wait()
            if round_ % 3 == 0:
                # And raw sockets reset mid-name, mid-line, mid-output.
                r = Client(s.port)
                r.send(script[:rng.randrange(1, 40)])
                r.reset()
            b.line("bob %d" % round_)
            sent += 1
        b.line("bob done")
        wait_for(lambda: b"[bob]:bob done\n" in ad.data, "bob's last line at alice")
        ad.stop = True
        got = [int(x) for x in re.findall(rb"\]\[bob\]:bob (\d+)\n", bytes(ad.data))]
        if got != list(range(sent)):
            fail("alice missed bob's lines: %r" % got)
        assert_safe(bytes(ad.data), "alice")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        assert s.stop() == 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    run([test_control_chars_never_reach_others, test_utf8_repaired_and_passed,
         test_overlong_line_dropped_connection_usable, test_4mib_line_memory_bounded,
         test_bug_log_escapes_c1_and_invalid_utf8,
         test_junk_protocols_handled_as_bad_input, test_slow_reader_dropped_others_get_everything,
         test_rate_limit_back_pressure, test_no_messages_after_bye,
         test_name_timeout_frees_seat,
         test_name_timeout_in_client_dialect_has_no_blank_line,
         test_descriptor_exhaustion_no_spin, test_half_close_delivers_then_leaves,
         test_hung_up_flooder_leaves_no_ghost,
         test_throttled_client_reset_handles_one_burst_and_counts_the_rest,
         test_soft_queue_limit_is_temporary,
         test_reset_mid_write_and_sigpipe, test_clients_killed_at_random_others_keep_chatting])
