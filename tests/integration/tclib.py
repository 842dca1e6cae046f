"""Helpers for tcpchat integration tests: a real server on a free port, real sockets.

Every wait has a deadline; every server started is killed by PID (see Server.stop and
the atexit hook), even when a test fails.
"""
import atexit
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

BIN = os.environ.get("TCPCHAT_BIN", os.path.join(os.path.dirname(__file__), "../../build/tcpchat"))
TIMEOUT = float(os.environ.get("TCPCHAT_TEST_TIMEOUT", "10"))

PENGUIN = (
    "         _nnnn_\n"
    "        dGGGGMMb\n"
    "       @p~qp~~qMb\n"
    "       M|@||@) M|\n"
    "       @,----.JM|\n"
    "      JS^\\__/  qKL\n"
    "     dZP        qKRb\n"
    "    dZP          qKKb\n"
    "   fZP            SMMb\n"
    "   HZM            MMMM\n"
    "   FqM            MMMM\n"
    " __| \".        |\\dS\"qML\n"
    " |    `.       | `' \\Zq\n"
    "_)      \\.___.,|     .'\n"
    "\\____   )MMMMMP|   .'\n"
    "     `-'       `--'\n"
)
BANNER = "Welcome to TCP-Chat!\n" + PENGUIN + "[ENTER YOUR NAME]:"
TS = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"

_servers = []


def fail(msg):
    raise AssertionError(msg)


class Server:
    """tcpchat serve -p 0 [args]; .port is read from its stdout. classic=True runs it
    as `TCPChat PORT` (the net-cat command line; a free port is picked first)."""

    def __init__(self, *args, binary=None, env=None, classic=False):
        self.errfile = tempfile.TemporaryFile()
        # A state directory of its own unless the test gives one: what a server keeps
        # (bans, topics) never reaches the next test, nor the user's ~/.local/state.
        base = env if env is not None else os.environ
        if "--state-dir" not in args and "STATE_DIRECTORY" not in base:
            self.state = tempfile.TemporaryDirectory(prefix="tcpchat-state-")
            env = dict(base, STATE_DIRECTORY=self.state.name)
        if classic:
            with socket.socket() as so:
                so.bind(("127.0.0.1", 0))
                argv = [os.path.join(os.path.dirname(binary or BIN), "TCPChat"),
                        str(so.getsockname()[1])]
        else:
            argv = [binary or BIN, "serve", "-p", "0", *args]
        self.proc = subprocess.Popen(argv,
                                     stdout=subprocess.PIPE, stderr=self.errfile,
                                     env=env)
        _servers.append(self)
        self.port = None
        deadline = time.monotonic() + TIMEOUT
        line = b""
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if line or self.proc.poll() is not None:
                break
        m = re.match(rb"Listening on the port :(\d+)\n$", line)
        if not m:
            self.stop()
            fail("server did not report its port: %r, stderr: %r" % (line, self.stderr()))
        self.port = int(m.group(1))

    def stderr(self):
        self.errfile.seek(0)
        return self.errfile.read().decode(errors="replace")

    def stop(self, sig=signal.SIGTERM):
        """Stop the server; returns its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        err = self.stderr()
        if "ERROR: AddressSanitizer" in err or "runtime error:" in err or "LeakSanitizer" in err:
            sys.stderr.write(err)
            fail("sanitizer report in server stderr")
        return self.proc.returncode

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@atexit.register
def _kill_all():
    for s in _servers:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait()


class Client:
    """A raw TCP connection with a receive buffer and deadline-bound waits; source is
    the local address to connect from (another loopback address: 127.0.0.2)."""

    def __init__(self, port, host="127.0.0.1", source=None):
        self.sock = socket.create_connection((host, port), timeout=TIMEOUT,
                                             source_address=(source, 0) if source else None)
        self.buf = b""
        self.closed = False

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def line(self, text):
        self.send(text + "\n")

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        except ConnectionResetError:
            data = b""
        if not data:
            self.closed = True
            return False
        self.buf += data
        return True

    def expect(self, pattern, timeout=TIMEOUT):
        """Wait until the buffer matches the regex (bytes or str); consume through it."""
        if isinstance(pattern, str):
            pattern = pattern.encode()
        rx = re.compile(pattern, re.S)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.buf)
            if m:
                self.skipped = self.buf[:m.start()]   # what came before the match
                self.buf = self.buf[m.end():]
                return m
            if self.closed or not self._fill(deadline):
                fail("timed out waiting for %r; have %r" % (pattern, self.buf[-500:]))

    def expect_exact(self, data, timeout=TIMEOUT):
        """Wait for exactly these bytes to be the next ones received."""
        if isinstance(data, str):
            data = data.encode()
        deadline = time.monotonic() + timeout
        while len(self.buf) < len(data):
            if self.closed or not self._fill(deadline):
                break
        got, self.buf = self.buf[:len(data)], self.buf[len(data):]
        if got != data:
            fail("expected %r\n     got %r" % (data, got))

    def expect_closed(self, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while not self.closed:
            if not self._fill(deadline) and not self.closed:
                fail("connection not closed; have %r" % self.buf[-300:])
        return self.buf

    def quiet(self, seconds=0.3):
        """Return whatever arrives within a short window (for 'nothing else came')."""
        deadline = time.monotonic() + seconds
        while self._fill(deadline):
            pass
        data, self.buf = self.buf, b""
        return data

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def reset(self):
        """Abort the connection with an RST."""
        import struct
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


def join(port, name, host="127.0.0.1", source=None):
    """Connect as an nc user, check the banner, give the name, wait for the prompt."""
    c = Client(port, host, source)
    c.expect_exact(BANNER)
    c.line(name)
    c.expect(r"\[" + TS + r"\]\[" + re.escape(name) + r"\]:$")
    return c


def proto_join(port, name, version=1):
    """Connect in the client dialect (version 1 or 2); returns the Client after WELCOME."""
    c = Client(port)
    c.line("/TCPCHAT %d" % version)
    c.expect(r"\n\+TCPCHAT\t%d\n" % version)
    c.line(name)
    c.expect(r"WELCOME\t" + re.escape(name) + r"\t[^\n]*\n")
    return c


def proto2_join(port, name):
    """proto_join in dialect version 2 (several rooms, the room in room records)."""
    c = Client(port)
    c.line("/TCPCHAT 2")
    c.expect(r"\n\+TCPCHAT\t2\n")
    c.line(name)
    c.expect(r"WELCOME\t" + re.escape(name) + r"\t[^\n]*\n")
    return c


def run(tests):
    """Run test functions; print a ctest-friendly summary; exit non-zero on failure."""
    failed = 0
    only = sys.argv[1:]
    for t in tests:
        if only and t.__name__ not in only:
            continue
        start = time.monotonic()
        try:
            t()
            print("ok   %s (%.2fs)" % (t.__name__, time.monotonic() - start), flush=True)
        except Exception as e:  # noqa: BLE001 - report every kind of failure
            failed += 1
            import traceback
            print("FAIL %s: %s" % (t.__name__, e), flush=True)
            traceback.print_exc()
    n = len([t for t in tests if not only or t.__name__ in only])
    print("%d passed, %d failed" % (n - failed, failed))
    sys.exit(1 if failed else 0)


def notice(cl, text):
    """Consume an nc notice line and the prompt after it, e.g. 'bob has joined our chat...'."""
    # The newline before it may already be consumed: lines that reach a client in
    # one loop pass share one prompt repaint, so a notice can follow a line directly.
    return cl.expect(r"(?:^|\n)" + re.escape(text) + r"\n\[" + TS + r"\]\[[^\]]*\]:")


def joined(cl, name):
    return notice(cl, name + " has joined our chat...")


def left(cl, name, reason=None):
    """The classic leave line, or with the reason given: 'bob has left our chat... (why)'."""
    return notice(cl, name + " has left our chat..." + (" (%s)" % reason if reason else ""))
