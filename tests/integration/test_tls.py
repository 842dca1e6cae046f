"""Issue 13: TLS on the server (and the plain-mode client's trust checks), with real tools.

Every TLS user here is `ncat --ssl` or `openssl s_client -quiet`; certificates are made
by `openssl` in the test. Each test starts its own server on free ports
(`--tls-port 0`), with its own state directory, and stops it.
"""
import os
import re
import select
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time

from junk import tls_client_hello
from tclib import BANNER, BIN, TS, TIMEOUT, Client, fail, join, run

FP_RE = r"sha256 Fingerprint=((?:[0-9A-F]{2}:){31}[0-9A-F]{2})"
_procs = []


class TlsServer:
    """tcpchat serve -p 0 --tls --tls-port 0 [args], in its own state directory.
    .port (None with --tls-only), .tls_port and .fp are read from its stdout."""

    def __init__(self, *args, state=None, plain=True):
        self.tmp = tempfile.TemporaryDirectory()
        self.state = state or os.path.join(self.tmp.name, "state")
        self.errfile = tempfile.TemporaryFile()
        cmd = [BIN, "serve", "-p", "0", "--tls-port", "0", "--state-dir", self.state, "-v"]
        if not any(a in ("--tls", "--tls-only") for a in args):
            cmd.append("--tls")
        self.proc = subprocess.Popen(cmd + list(args), stdout=subprocess.PIPE, bufsize=0,
                                     stderr=self.errfile)
        _procs.append(self.proc)
        self.lines = [self._line() for _ in range(3 if plain else 2)]
        want = ([r"Listening on the port :(\d+)"] if plain else []) + \
            [r"Listening for TLS on the port :(\d+)", FP_RE]
        got = [re.fullmatch(w + r"\n", line) for w, line in zip(want, self.lines)]
        if not all(got):
            self.stop()
            fail("server said %r, stderr: %r" % (self.lines, self.stderr()))
        self.port = int(got[0].group(1)) if plain else None
        self.tls_port = int(got[-2].group(1))
        self.fp = got[-1].group(1)

    def _line(self):
        r, _, _ = select.select([self.proc.stdout], [], [], TIMEOUT)
        return self.proc.stdout.readline().decode() if r else ""

    def stderr(self):
        self.errfile.seek(0)
        return self.errfile.read().decode(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        err = self.stderr()
        if "AddressSanitizer" in err or "runtime error:" in err or "LeakSanitizer" in err:
            print(err)
            fail("sanitizer report in server stderr")
        self.tmp.cleanup()
        return self.proc.returncode


class Tool:
    """A command whose stdin we write and whose stdout a thread reads: the same
    expect() and expect_exact() as tclib.Client."""

    def __init__(self, cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE):
        self.proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout,
                                     stderr=subprocess.DEVNULL)
        _procs.append(self.proc)
        self.buf = b""
        self.lock = threading.Lock()
        self.eof = threading.Event()
        self.paused = False       # stop reading: the command's output backs up
        if stdout == subprocess.PIPE:
            threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        fd = self.proc.stdout.fileno()
        while not self.paused:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            with self.lock:
                self.buf += chunk
        self.eof.set()

    def line(self, text):
        self.proc.stdin.write((text + "\n").encode())
        self.proc.stdin.flush()

    def _wait(self, ok, what, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            done = self.eof.is_set()
            with self.lock:
                r = ok(self.buf)
            if r is not None:
                return r
            if done or time.monotonic() > deadline:
                fail("timed out waiting for %s; have %r" % (what, self.buf[-400:]))
            time.sleep(0.01)

    def expect(self, pattern):
        rx = re.compile(pattern.encode(), re.S)
        m = self._wait(lambda b: rx.search(b), repr(pattern))
        with self.lock:
            self.buf = self.buf[m.end():]
        return m

    def expect_exact(self, data):
        data = data.encode()
        self._wait(lambda b: True if len(b) >= len(data) else None, repr(data))
        with self.lock:
            got, self.buf = self.buf[:len(data)], self.buf[len(data):]
        if got != data:
            fail("expected %r\n     got %r" % (data, got))

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def ncat(port, **kw):
    return Tool(["ncat", "--ssl", "127.0.0.1", str(port)], **kw)


def s_client(port, *extra, **kw):
    return Tool(["openssl", "s_client", "-quiet", *extra, "-connect", "127.0.0.1:%d" % port],
                **kw)


def tls_join(tool, name):
    tool.expect_exact(BANNER)
    tool.line(name)
    tool.expect(r"\[" + TS + r"\]\[" + re.escape(name) + r"\]:$")
    return tool


def served_fp(port):
    """The fingerprint of the certificate a new connection is given."""
    cert = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port],
                          input=b"", capture_output=True, timeout=TIMEOUT).stdout
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256"],
                         input=cert, capture_output=True, timeout=TIMEOUT).stdout.decode()
    return re.fullmatch(FP_RE + r"\n", out).group(1)


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=TIMEOUT)


def make_key(path):
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path)


def make_self_signed(d, name):
    """A self-signed pair in d: (cert, key)."""
    cert, key = os.path.join(d, name + ".crt"), os.path.join(d, name + ".key")
    make_key(key)
    openssl("req", "-x509", "-new", "-key", key, "-out", cert, "-days", "2",
            "-subj", "/CN=" + name)
    return cert, key


def file_fp(cert):
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", cert],
                         capture_output=True, check=True, timeout=TIMEOUT).stdout.decode()
    return re.fullmatch(FP_RE + r"\n", out).group(1)


def wait_for(cond, what, timeout=TIMEOUT, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = cond()
        if r:
            return r
        time.sleep(step)
    fail("timed out waiting for " + what)


def msg(name, text):
    return r"\[" + TS + r"\]\[" + re.escape(name) + r"\]:" + re.escape(text) + r"\n"


# --- the tests ---------------------------------------------------------------------------

def test_ncat_and_s_client_chat_with_nc():
    s = TlsServer()
    users = []
    try:
        if s.fp != file_fp(os.path.join(s.state, "cert.pem")):
            fail("printed fingerprint is not the certificate's")
        if served_fp(s.tls_port) != s.fp:
            fail("served certificate is not the printed one")
        mode = os.stat(os.path.join(s.state, "key.pem")).st_mode & 0o777
        if mode != 0o600:
            fail("key.pem mode %o" % mode)
        a = tls_join(ncat(s.tls_port), "alice")
        users.append(a)
        b = tls_join(s_client(s.tls_port), "bob")
        users.append(b)
        a.expect(r"\nbob has joined our chat\.\.\.\n\[" + TS + r"\]\[alice\]:")
        c = join(s.port, "carol")
        a.expect(r"\ncarol has joined our chat\.\.\.\n")
        b.expect(r"\ncarol has joined our chat\.\.\.\n")
        a.line("hello from ncat")
        b.expect(msg("alice", "hello from ncat"))
        c.expect(msg("alice", "hello from ncat"))
        b.line("Quiet Rules here")     # Q and R: commands to s_client without -quiet
        a.expect(msg("bob", "Quiet Rules here"))
        c.expect(msg("bob", "Quiet Rules here"))
        c.line("hi from nc")
        a.expect(msg("carol", "hi from nc"))
        b.expect(msg("carol", "hi from nc"))
        c.close()
        # The restart reuses the certificate in the state directory.
        fp, state = s.fp, s.state
        s.tmp_keep = s.tmp
        s.tmp = tempfile.TemporaryDirectory()
        s.stop()
        s2 = TlsServer(state=state)
        try:
            if s2.fp != fp:
                fail("a restart made a new certificate")
        finally:
            s2.stop()
            s.tmp_keep.cleanup()
    finally:
        for u in users:
            u.close()
        s.stop()


def test_cert_chain_and_tls_only():
    with tempfile.TemporaryDirectory() as d:
        p = lambda n: os.path.join(d, n)
        make_key(p("ca.key"))
        openssl("req", "-x509", "-new", "-key", p("ca.key"), "-out", p("ca.crt"), "-days", "2",
                "-subj", "/CN=Test Root")
        make_key(p("int.key"))
        openssl("req", "-new", "-key", p("int.key"), "-out", p("int.csr"), "-subj", "/CN=Test Int")
        with open(p("int.ext"), "w") as f:
            f.write("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n")
        openssl("x509", "-req", "-in", p("int.csr"), "-CA", p("ca.crt"), "-CAkey", p("ca.key"),
                "-CAcreateserial", "-out", p("int.crt"), "-days", "2", "-extfile", p("int.ext"))
        make_key(p("leaf.key"))
        openssl("req", "-new", "-key", p("leaf.key"), "-out", p("leaf.csr"), "-subj", "/CN=localhost")
        with open(p("leaf.ext"), "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        openssl("x509", "-req", "-in", p("leaf.csr"), "-CA", p("int.crt"), "-CAkey", p("int.key"),
                "-CAcreateserial", "-out", p("leaf.crt"), "-days", "2", "-extfile", p("leaf.ext"))
        with open(p("chain.pem"), "w") as f:
            f.write(open(p("leaf.crt")).read() + open(p("int.crt")).read())
        s = TlsServer("--tls-only", "--tls-cert", p("chain.pem"), "--tls-key", p("leaf.key"),
                      plain=False)
        try:
            if s.fp != file_fp(p("leaf.crt")):
                fail("fingerprint is not the leaf's")
            if os.path.exists(os.path.join(s.state, "cert.pem")):
                fail("a certificate was generated although one was given")
            r = subprocess.run(["openssl", "s_client", "-CAfile", p("ca.crt"),
                                "-verify_return_error", "-verify_hostname", "localhost",
                                "-connect", "127.0.0.1:%d" % s.tls_port],
                               input=b"", capture_output=True, timeout=TIMEOUT)
            out = r.stdout.decode()
            if r.returncode != 0 or "Verify return code: 0 (ok)" not in out:
                fail("the chain does not verify: %r" % out[-600:])
            if "1 s:CN = Test Int" not in out:
                fail("the intermediate is not sent")
            a = tls_join(ncat(s.tls_port), "alice")
            a.close()
        finally:
            s.stop()


def test_sighup_reload():
    with tempfile.TemporaryDirectory() as d:
        c1, k1 = make_self_signed(d, "one")
        c2, k2 = make_self_signed(d, "two")
        cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
        os.replace(c1, cert)
        os.replace(k1, key)
        s = TlsServer("--tls-cert", cert, "--tls-key", key)
        try:
            old = tls_join(ncat(s.tls_port), "old")
            fp1 = s.fp
            os.replace(c2, cert)
            os.replace(k2, key)
            fp2 = file_fp(cert)
            s.proc.send_signal(signal.SIGHUP)
            wait_for(lambda: "TLS certificate reloaded: sha256 Fingerprint=" + fp2 in s.stderr(),
                     "the reload log line")
            if served_fp(s.tls_port) != fp2:
                fail("a new connection does not get the new certificate")
            # A bad pair: a new certificate with the old key. The old pair stays.
            c3, _ = make_self_signed(d, "three")
            os.replace(c3, cert)
            s.proc.send_signal(signal.SIGHUP)
            m = wait_for(lambda: re.search(r"TLS certificate not reloaded, keeping the old one: "
                                           r".+", s.stderr()), "the failed reload log line")
            print("    " + m.group(0))
            if served_fp(s.tls_port) != fp2:
                fail("a failed reload changed the certificate")
            # The connection made before the reloads still chats.
            new = tls_join(ncat(s.tls_port), "new")
            old.expect(r"new has joined our chat")
            new.line("after reload")
            old.expect(msg("new", "after reload"))
            if fp1 == fp2:
                fail("two certificates, one fingerprint")
            old.close()
            new.close()
        finally:
            s.stop()


def test_handshake_deadline():
    s = TlsServer()
    try:
        silent = socket.create_connection(("127.0.0.1", s.tls_port), timeout=TIMEOUT)
        start = time.monotonic()
        a = tls_join(ncat(s.tls_port), "alice")
        b = join(s.port, "bob")
        a.expect(r"bob has joined")
        silent.settimeout(20)
        try:
            data = silent.recv(100)
        except ConnectionResetError:
            data = b""
        took = time.monotonic() - start
        if data != b"" or not 9 <= took <= 13:
            fail("silent peer: %r after %.1fs" % (data, took))
        wait_for(lambda: re.search(r"handshake 127\.0\.0\.1:\d+: not done in 10000 ms",
                                   s.stderr()), "the deadline log line")
        b.line("still here")
        a.expect(msg("bob", "still here"))
        a.close()
        b.close()
        silent.close()
    finally:
        s.stop()


def test_junk_plain_text_and_reset():
    s = TlsServer()
    try:
        a = tls_join(ncat(s.tls_port), "alice")
        for data in (os.urandom(3000), b"hello there, plain text\n",
                     b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"):
            c = Client(s.tls_port)
            c.send(data)
            got = c.expect_closed()
            if BANNER.encode() in got or b"ENTER" in got:
                fail("a non-TLS peer got the banner")
            c.close()
        r = Client(s.tls_port)
        r.send(tls_client_hello())
        time.sleep(0.1)
        r.reset()
        wait_for(lambda: len(re.findall(r"handshake 127\.0\.0\.1:\d+: ", s.stderr())) >= 4,
                 "four failed handshakes logged")
        b = tls_join(s_client(s.tls_port), "bob")
        a.expect(r"bob has joined")
        b.line("fine")
        a.expect(msg("bob", "fine"))
        a.close()
        b.close()
    finally:
        s.stop()


def tls_said(port, source="127.0.0.1"):
    """Connect with Python's ssl from source, finish the handshake, and return what the
    server said inside TLS before it closed (its handshake fails on plain text)."""
    import ssl
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT,
                                   source_address=(source, 0))
    try:
        tls = ctx.wrap_socket(raw)
    except ssl.SSLError as e:
        raw.close()
        fail("TLS handshake failed (plain text from the server?): %s" % e)
    data = b""
    try:
        while True:
            chunk = tls.recv(4096)
            if not chunk:
                break
            data += chunk
    except (ssl.SSLError, ConnectionResetError) as e:
        fail("no clean end after %r: %s" % (data, e))
    tls.close()
    return data


def write_bans(state, *addrs):
    os.makedirs(state, mode=0o700, exist_ok=True)
    with open(os.path.join(state, "bans"), "w") as f:
        f.write("# tcpchat bans\n")
        for a in addrs:
            f.write("%s\t0\t%d\toper\tgo away\n" % (a, int(time.time())))


BANNED = b"You are banned from this server permanently: go away.\n"


def test_refusals_said_inside_tls():
    with tempfile.TemporaryDirectory() as d:
        state = os.path.join(d, "state")
        write_bans(state, "127.0.0.2")
        s = TlsServer("--max-per-ip", "1", state=state)
        try:
            got = tls_said(s.tls_port, "127.0.0.2")
            if got != BANNED:
                fail("banned TLS peer got %r" % got)
            t = s_client(s.tls_port, "-bind", "127.0.0.2:0")
            t.expect(re.escape(BANNED.decode()))
            t.close()
            plain = Client.__new__(Client)             # the plain port: plain text still
            plain.sock = socket.create_connection(("127.0.0.1", s.port), timeout=TIMEOUT,
                                                  source_address=("127.0.0.2", 0))
            plain.buf, plain.closed = b"", False
            if plain.expect_closed() != BANNED:
                fail("the plain port's refusal changed")
            # --max-per-ip 1: a second connection from 127.0.0.1, on the TLS port
            a = tls_join(ncat(s.tls_port), "alice")
            got = tls_said(s.tls_port)
            if got != b"too many connections from your address (at most 1 at once)\n":
                fail("second TLS connection got %r" % got)
            a.line("still here")
            a.close()
        finally:
            s.stop()
        if "refused 127.0.0.1" not in s.stderr():
            fail("the refusal was not logged: %r" % s.stderr())


def test_refusals_in_handshake_are_bounded():
    held = 64           # TC_REFUSALS_TLS_MAX
    with tempfile.TemporaryDirectory() as d:
        state = os.path.join(d, "state")
        write_bans(state, "127.0.0.2")
        s = TlsServer(state=state)
        socks = []
        try:
            for _ in range(held):
                socks.append(socket.create_connection(("127.0.0.1", s.tls_port),
                                                      timeout=TIMEOUT,
                                                      source_address=("127.0.0.2", 0)))
            wait_for(lambda: s.stderr().count("refused 127.0.0.2") >= held,
                     "every connection accepted, each waiting for its ClientHello")
            for so in socks:        # nothing said yet: each waits for its handshake
                so.settimeout(0.01)
                try:
                    fail("a refusal before its handshake got %r" % so.recv(100))
                except socket.timeout:
                    pass
                except ConnectionResetError:
                    fail("a refusal in its handshake was reset early")
            try:                    # reset at once: maybe before connect() returns
                extra = socket.create_connection(("127.0.0.1", s.tls_port), timeout=TIMEOUT,
                                                 source_address=("127.0.0.2", 0))
                with extra:
                    if extra.recv(100) != b"":
                        fail("a refusal past the bound said something")
            except ConnectionResetError:
                pass
            for so in socks[:4]:    # four end: four more may wait for their handshake
                so.close()

            def said():
                try:
                    return tls_said(s.tls_port, "127.0.0.2")
                except (AssertionError, OSError):   # reset: the four not yet seen gone
                    return None
            if wait_for(said, "a refusal inside TLS once there is room again") != BANNED:
                fail("no refusal inside TLS once there was room again")
            a = tls_join(ncat(s.tls_port), "alice")     # the others are served meanwhile
            a.close()
        finally:
            for so in socks:
                so.close()
            s.stop()


FLOOD_LINES = 30000


def test_tls_slow_reader_and_flood():
    s = TlsServer("--rate-limit", "0", "--max-queue", "256")
    tools = []
    with tempfile.TemporaryDirectory() as d:
        try:
            # The slow reader: s_client writes into a pipe nobody reads.
            stuck = s_client(s.tls_port, stdout=subprocess.PIPE)
            tools.append(stuck)
            stuck.expect_exact(BANNER)
            stuck.line("stuck")
            stuck.expect(r"\]\[stuck\]:$")
            stuck.paused = True       # at most one more read: then s_client blocks
            out = open(os.path.join(d, "reader.out"), "wb")
            reader = ncat(s.tls_port, stdout=out)
            tools.append(reader)
            reader.line("reader")
            path = os.path.join(d, "reader.out")
            wait_for(lambda: re.search(rb"\]\[reader\]:$", open(path, "rb").read()),
                     "the reader's prompt")
            pad = "." * 120
            with open(os.path.join(d, "flood.in"), "w") as f:
                f.write("flooder\n")
                for i in range(FLOOD_LINES):
                    f.write("flood %06d %s\n" % (i, pad))
            with open(os.path.join(d, "flood.in"), "rb") as fin:
                flooder = Tool(["ncat", "--ssl", "127.0.0.1", str(s.tls_port)], stdin=fin,
                               stdout=subprocess.DEVNULL)
                tools.append(flooder)
            last = ("flood %06d " % (FLOOD_LINES - 1)).encode()
            wait_for(lambda: last in open(path, "rb").read(), "the end of the flood", 120, 0.2)
            wait_for(lambda: re.search(r"dropping slow reader 127\.0\.0\.1:\d+ \"stuck\"",
                                       s.stderr()), "the slow-reader log line")
            data = open(path, "rb").read()
            nums = [int(m.group(1)) for m in re.finditer(
                rb"\]\[flooder\]:flood (\d{6}) " + re.escape(pad.encode()) + rb"\n", data)]
            if nums != list(range(FLOOD_LINES)):
                missing = sorted(set(range(FLOOD_LINES)) - set(nums))
                fail("reader got %d of %d lines, in order: %s, first missing: %s; %s" %
                     (len(nums), FLOOD_LINES, nums == sorted(nums), missing[:5],
                      re.findall(r"dropping slow reader.*", s.stderr())))
            print("    " + re.search(r"dropping slow reader.*", s.stderr()).group(0))
        finally:
            for t in tools:
                t.close()
            s.stop()


def connect(state, *args, stdin=b"", timeout=TIMEOUT):
    env = dict(os.environ, XDG_STATE_HOME=state)
    return subprocess.run([BIN, "connect", *args], input=stdin, capture_output=True,
                          env=env, timeout=timeout)


def test_client_plain_trust():
    s = TlsServer()
    users = []
    try:
        state = os.path.join(s.tmp.name, "client")
        os.mkdir(state)
        kh = os.path.join(state, "tcpchat", "known_hosts")
        port = str(s.tls_port)
        watcher = tls_join(ncat(s.tls_port), "watcher")
        users.append(watcher)
        # Unknown: refused, exit 1, the fingerprint and the pinning command on stderr.
        r = connect(state, "-n", "eve", "--tls", "127.0.0.1", port, stdin=b"unseen\n")
        err = r.stderr.decode()
        cmd = "tcpchat connect --tls-fingerprint %s 127.0.0.1 %s\n" % (s.fp, port)
        if r.returncode != 1 or "sha256 Fingerprint=" + s.fp not in err or \
                ("\n" + cmd) not in err:
            fail("unknown certificate: %d %r" % (r.returncode, err))
        if os.path.exists(kh) and open(kh).read().strip():
            fail("plain mode stored a certificate it could not ask about")
        # Pinned, in any case and without colons: accepted, the message goes through.
        pin = s.fp.replace(":", "").lower()
        r = connect(state, "-n", "pat", "--tls-fingerprint", pin, "127.0.0.1", port,
                    stdin=b"pinned hello\n")
        if r.returncode != 0:
            fail("pinned: %d %r" % (r.returncode, r.stderr))
        watcher.expect(msg("pat", "pinned hello"))
        # A wrong pin: refused with both fingerprints.
        wrong = "AB:" + s.fp[3:] if not s.fp.startswith("AB") else "CD:" + s.fp[3:]
        r = connect(state, "-n", "pat", "--tls-fingerprint", wrong, "127.0.0.1", port,
                    stdin=b"never\n")
        if r.returncode != 1 or wrong not in r.stderr.decode() or s.fp not in r.stderr.decode():
            fail("wrong pin: %d %r" % (r.returncode, r.stderr))
        # known_hosts: a match is accepted...
        os.makedirs(os.path.dirname(kh), exist_ok=True)
        with open(kh, "w") as f:
            f.write("# trusted\n127.0.0.1 %s %s\n" % (port, s.fp))
        r = connect(state, "-n", "kim", "--tls", "127.0.0.1", port, stdin=b"known hello\n")
        if r.returncode != 0:
            fail("known host: %d %r" % (r.returncode, r.stderr))
        watcher.expect(msg("kim", "known hello"))
        # ... a changed certificate refused loudly, with the line to delete.
        with open(kh, "w") as f:
            f.write("# trusted\n127.0.0.1 %s %s\n" % (port, wrong))
        r = connect(state, "-n", "kim", "--tls", "127.0.0.1", port, stdin=b"never\n")
        err = r.stderr.decode()
        for want in ("SERVER CERTIFICATE HAS CHANGED", "trusted:  sha256 Fingerprint=" + wrong,
                     "received: sha256 Fingerprint=" + s.fp, "delete line 2 of " + kh):
            if want not in err:
                fail("changed certificate: %r not in %r" % (want, err))
        if r.returncode != 1:
            fail("changed certificate: exit %d" % r.returncode)
        time.sleep(0.3)
        with watcher.lock:
            if b"never" in watcher.buf or b"unseen" in watcher.buf:
                fail("a refused client sent a line")
    finally:
        for u in users:
            u.close()
        s.stop()


def test_client_tui_first_use_prompt():
    if subprocess.run(["sh", "-c", "command -v tmux"], capture_output=True).returncode != 0:
        print("    skip: tmux is not installed")
        return
    from test_client_tui import Tmux
    s = TlsServer()
    t = t2 = None
    keep = tempfile.mkdtemp()
    try:
        t = Tmux(s.tls_port, "--tls", name="tina", width=160)
        t.wait(r"sha256 Fingerprint=" + re.escape(s.fp))
        t.wait(r"^trust this certificate\? \[y/N\]\s*$")
        t.type("y")
        t.keys("Enter")
        t.wait(r"You are tina, in #lobby")
        t.wait(r"TLS, pinned")
        kh = os.path.join(t.state, "tcpchat", "known_hosts")
        if open(kh).read() != "127.0.0.1 %d %s\n" % (s.tls_port, s.fp):
            fail("known_hosts: %r" % open(kh).read())
        if os.stat(kh).st_mode & 0o777 != 0o600:
            fail("known_hosts mode %o" % (os.stat(kh).st_mode & 0o777))
        t.keys("C-c")
        if t.wait_exit() != 0:
            fail("exit status after trusting")
        import shutil
        shutil.copytree(t.state, os.path.join(keep, "state"))
        # Asked once: the next start goes straight in.
        t2 = Tmux(s.tls_port, "--tls", name="tom", width=160,
                  env={"XDG_STATE_HOME": os.path.join(keep, "state")})
        t2.wait(r"You are tom, in #lobby")
        if "trust this certificate" in t2.screen():
            fail("asked twice")
        t2.keys("C-c")
        t2.wait_exit()
        # Refused: nothing stored, exit status 1.
        t.close()
        t = Tmux(s.tls_port, "--tls", name="rex", width=160)
        t.wait(r"^trust this certificate\? \[y/N\]\s*$")
        t.type("n")
        t.keys("Enter")
        t.wait(r"certificate refused")
        t.keys("C-d")
        if t.wait_exit() != 1:
            fail("exit status after refusing")
        if os.path.exists(os.path.join(t.state, "tcpchat", "known_hosts")):
            fail("a refused certificate was stored")
    finally:
        for x in (t, t2):
            if x:
                x.close()
        import shutil
        shutil.rmtree(keep, ignore_errors=True)
        s.stop()


def test_usage_errors():
    for args, want in ((["--tls-cert", "x"], "need --tls"),
                       (["--tls", "--tls-key", "x"], "--tls-key needs --tls-cert")):
        r = subprocess.run([BIN, "serve", *args], capture_output=True, timeout=TIMEOUT)
        if r.returncode != 2 or want not in r.stderr.decode():
            fail("%r: %d %r" % (args, r.returncode, r.stderr))
    # connect --tls without a port goes to 8990.
    with tempfile.TemporaryDirectory() as d:
        r = connect(d, "-n", "x", "--tls", "127.0.0.1", stdin=b"x\n")
        if r.returncode != 1 or "127.0.0.1:8990" not in r.stderr.decode():
            fail("connect --tls default port: %d %r" % (r.returncode, r.stderr))
        r = connect(d, "-n", "x", "--tls-fingerprint", "12:34", "127.0.0.1", stdin=b"x\n")
        if r.returncode != 2 or "not a SHA-256 fingerprint '12:34'" not in r.stderr.decode():
            fail("bad fingerprint: %d %r" % (r.returncode, r.stderr))
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run([BIN, "serve", "-p", "0", "--tls", "--tls-port", "0", "--tls-cert",
                            os.path.join(d, "missing.pem")], capture_output=True, timeout=TIMEOUT)
        if r.returncode != 1 or "missing.pem" not in r.stderr.decode():
            fail("missing cert: %d %r" % (r.returncode, r.stderr))


if __name__ == "__main__":
    try:
        run([test_ncat_and_s_client_chat_with_nc, test_cert_chain_and_tls_only,
             test_sighup_reload, test_handshake_deadline, test_junk_plain_text_and_reset,
             test_refusals_said_inside_tls, test_refusals_in_handshake_are_bounded,
             test_tls_slow_reader_and_flood, test_client_plain_trust,
             test_client_tui_first_use_prompt, test_usage_errors])
    finally:
        for p in _procs:
            if p.poll() is None:
                p.kill()
