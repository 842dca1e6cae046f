"""SPEC section 1: the exact nc experience, against the real server."""
import os
import re
import signal
import socket
import subprocess
import time

from tclib import BANNER, BIN, TS, TIMEOUT, Client, Server, fail, join, joined, left, run


def test_banner_bytes():
    s = Server()
    try:
        c = Client(s.port)
        c.expect_exact(BANNER)
        if c.quiet(0.3):
            fail("bytes after the name prompt before any input")
    finally:
        assert s.stop() == 0


def test_name_rules():
    s = Server()
    try:
        taken = join(s.port, "Alice")
        c = Client(s.port)
        c.expect_exact(BANNER)
        cases = [
            ("", "Name cannot be empty."),
            ("    ", "Name cannot be empty."),
            ("x" * 33, "Name is too long (at most 32 characters)."),
            ("a[b", "Name cannot contain [ or ]."),
            ("a]b", "Name cannot contain [ or ]."),
            ("/alice", "Name cannot start with /."),
            ("bad\x1bname", "Name cannot contain control characters."),
            ("alice", 'Name "alice" is already taken.'),
            ("ALICE", 'Name "ALICE" is already taken.'),
        ]
        for name, reason in cases:
            c.line(name)
            c.expect_exact(reason + "\n[ENTER YOUR NAME]:")
        c.line("  bob smith  ")    # trimmed, inner space kept, 32 chars allowed
        c.expect(r"^\[" + TS + r"\]\[bob smith\]:$")
        taken.expect(r"^\nbob smith has joined our chat\.\.\.\n\[" + TS + r"\]\[Alice\]:$")
        c2 = Client(s.port)
        c2.expect_exact(BANNER)
        c2.line("é" * 32)          # 32 characters, 64 bytes: fine
        c2.expect(r"\]\[" + "é" * 32 + r"\]:$")
    finally:
        assert s.stop() == 0


def test_message_transcript():
    s = Server()
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        a.expect(r"^\nbob has joined our chat\.\.\.\n\[" + TS + r"\]\[alice\]:$")
        c = join(s.port, "carol")
        a.expect(r"^\ncarol has joined our chat\.\.\.\n\[" + TS + r"\]\[alice\]:$")
        b.expect(r"^\ncarol has joined our chat\.\.\.\n\[" + TS + r"\]\[bob\]:$")
        a.line("hello everyone")
        # sender: no echo, a fresh prompt
        a.expect(r"^\[" + TS + r"\]\[alice\]:$")
        for who, cl in (("bob", b), ("carol", c)):
            cl.expect(r"^\n\[(" + TS + r")\]\[alice\]:hello everyone\n\[" + TS + r"\]\[" + who + r"\]:$")
        b.send("crlf line\r\n")
        a.expect(r"^\n\[" + TS + r"\]\[bob\]:crlf line\n\[" + TS + r"\]\[alice\]:$")
        c.expect(r"^\n\[" + TS + r"\]\[bob\]:crlf line\n\[" + TS + r"\]\[carol\]:$")
        # empty and blank lines are never broadcast
        c.line("")
        c.line("   ")
        c.expect(r"^\[" + TS + r"\]\[carol\]:\[" + TS + r"\]\[carol\]:$")
        for cl in (a, b):
            extra = cl.quiet(0.3)
            if extra.replace(b"\r", b"").strip(b"\n") and not extra.endswith(b"[bob]:"):
                fail("blank line was broadcast: %r" % extra)
    finally:
        assert s.stop() == 0


def test_history_replay():
    s = Server()
    try:
        a = join(s.port, "alice")
        a.line("first")
        a.expect(r"\]\[alice\]:$")
        a.line("")
        a.expect(r"\]\[alice\]:$")
        a.line("second")
        a.expect(r"\]\[alice\]:$")
        n = Client(s.port)
        n.expect_exact(BANNER)
        n.line("newbie")
        n.expect(r"^\[(" + TS + r")\]\[alice\]:first\n\[" + TS + r"\]\[alice\]:second\n\[" + TS + r"\]\[newbie\]:$")
        a.expect(r"^\nnewbie has joined our chat\.\.\.\n")
        if b"newbie has joined" in n.quiet(0.3):
            fail("the joiner got its own join notice")
    finally:
        assert s.stop() == 0


def prompt_re(name):
    return r"\[" + TS + r"\]\[" + re.escape(name) + r"\]:"


def say(c, name, n):
    for i in range(n):
        c.line("m%d" % i)
        c.expect(prompt_re(name) + "$")


def test_replay_option_bounds_the_replay():
    s = Server("--replay", "2")
    try:
        a = join(s.port, "alice")
        say(a, "alice", 5)
        c = Client(s.port)
        c.expect(r"\[ENTER YOUR NAME\]:")
        c.line("carol")
        m = c.expect(r"^(.*?)" + prompt_re("carol") + "$")
        got = re.findall(rb"\]\[alice\]:(m\d)", m.group(1))
        if got != [b"m3", b"m4"]:
            fail("--replay 2 replayed %r" % got)
        c.line("/history")                            # all kept, on demand
        m = c.expect(r"^(.*?)" + prompt_re("carol") + "$")
        got = re.findall(rb"\]\[alice\]:(m\d)", m.group(1))
        if got != [b"m0", b"m1", b"m2", b"m3", b"m4"]:
            fail("/history sent %r" % got)
    finally:
        assert s.stop() == 0
    s = Server("--replay", "0")
    try:
        a = join(s.port, "alice")
        say(a, "alice", 2)
        c = Client(s.port)
        c.expect(r"\[ENTER YOUR NAME\]:")
        c.line("carol")
        c.expect_exact("")
        m = c.expect(r"^(.*?)" + prompt_re("carol") + "$")
        if b"m0" in m.group(1) or b"m1" in m.group(1):
            fail("--replay 0 replayed %r" % m.group(1))
    finally:
        assert s.stop() == 0


def test_leave_notices_and_reset():
    s = Server()
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        a.expect("bob has joined")
        c = join(s.port, "carol")
        a.expect("carol has joined")
        b.expect("carol has joined")
        b.close()
        a.expect(r"\nbob has left our chat\.\.\.\n\[" + TS + r"\]\[alice\]:$")
        c.expect(r"\nbob has left our chat\.\.\.\n")
        c.reset()                  # RST, as after kill -9 of nc
        a.expect(r"\ncarol has left our chat\.\.\.\n")
        a.line("still here")
        a.expect(r"\]\[alice\]:$")
        d = join(s.port, "dave")
        a.expect("dave has joined")
        a.line("hi dave")
        d.expect(r"\[alice\]:hi dave\n")
    finally:
        assert s.stop() == 0


def test_eleven_connections():
    # The classic contract: run as TCPChat, the net-cat limit of 10 holds.
    s = Server(classic=True)
    try:
        named = [join(s.port, "u%d" % i) for i in range(5)]
        waiting = [Client(s.port) for _ in range(5)]   # at the name prompt: they count
        for w in waiting:
            w.expect_exact(BANNER)
        eleventh = Client(s.port)
        rest = eleventh.expect_closed()
        if not re.fullmatch(rb"Chat is full \(10 of 10 clients\), try again later\.\n", rest):
            fail("11th connection got %r" % rest)
        # nobody else was affected
        named[0].line("still works")
        named[1].expect(r"\[u0\]:still works\n")
        waiting[0].line("w0")
        waiting[0].expect(r"\]\[w0\]:$")
        # a seat freed is a seat taken
        waiting[4].close()
        deadline = time.monotonic() + TIMEOUT
        while True:
            c = Client(s.port)
            data = c.quiet(0.2)
            if data.startswith(b"Welcome"):
                break
            if time.monotonic() > deadline:
                fail("seat not freed: %r" % data)
    finally:
        assert s.stop() == 0


def test_max_clients_option():
    s = Server("-m", "2")
    try:
        a = join(s.port, "a")
        b = Client(s.port)
        b.expect_exact(BANNER)
        rest = Client(s.port).expect_closed()
        if b"Chat is full (2 of 2 clients)" not in rest:
            fail("got %r" % rest)
    finally:
        assert s.stop() == 0


def test_real_nc():
    s = Server()
    procs = []
    try:
        watcher = join(s.port, "watcher")
        p = subprocess.Popen(["nc", "127.0.0.1", str(s.port)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        procs.append(p)
        p.stdin.write(b"ncuser\n")
        p.stdin.flush()
        watcher.expect(r"\nncuser has joined our chat\.\.\.\n")
        p.stdin.write(b"hello from nc\n")
        p.stdin.flush()
        watcher.expect(r"\n\[" + TS + r"\]\[ncuser\]:hello from nc\n\[" + TS + r"\]\[watcher\]:$")
        watcher.line("hi nc")
        p.stdin.close()            # nc keeps reading after its input ends
        deadline = time.monotonic() + TIMEOUT
        got = b""
        os.set_blocking(p.stdout.fileno(), False)
        while b"[watcher]:hi nc\n" not in got and time.monotonic() < deadline:
            try:
                chunk = p.stdout.read()
            except BlockingIOError:
                chunk = None
            if chunk:
                got += chunk
            else:
                time.sleep(0.02)
        if not got.startswith(BANNER.encode()):
            fail("nc did not see the banner: %r" % got[:100])
        if not re.search(rb"\n\[" + TS.encode() + rb"\]\[watcher\]:hi nc\n\[" + TS.encode() + rb"\]\[ncuser\]:", got):
            fail("nc did not get the message: %r" % got[-200:])
        p.kill()
        watcher.expect(r"\nncuser has left our chat\.\.\.\n")
    finally:
        for p in procs:
            p.kill()
            p.wait()
        assert s.stop() == 0


def test_ipv6_and_bind():
    s = Server()
    try:
        try:
            c = Client(s.port, host="::1")
        except OSError:
            print("skip ipv6: ::1 not available")
            return
        c.expect_exact(BANNER)
        a = join(s.port, "v4")
        c.line("v6")
        a.expect("v6 has joined")
    finally:
        assert s.stop() == 0
    s = Server("-b", "127.0.0.1")
    try:
        join(s.port, "bound")
    finally:
        assert s.stop() == 0


def test_signals_exit_zero():
    for sig in (signal.SIGINT, signal.SIGTERM):
        s = Server()
        c = join(s.port, "x")
        if s.stop(sig) != 0:
            fail("exit status after %s" % sig)
        rest = c.expect_closed()
        if b"Server is shutting down. Goodbye!\n" not in rest:
            fail("no shutdown notice: %r" % rest)


def test_two_stop_signals_at_once_exit_cleanly():
    """Both signals handled in one pass once freed connections still on the
    pending-write list (a use-after-free ASan reports; Server.stop checks)."""
    s = Server()
    a = join(s.port, "alice")
    b = Client(s.port)
    b.expect_exact(BANNER)
    os.kill(s.proc.pid, signal.SIGSTOP)
    os.kill(s.proc.pid, signal.SIGINT)
    os.kill(s.proc.pid, signal.SIGTERM)
    os.kill(s.proc.pid, signal.SIGCONT)
    s.proc.wait(TIMEOUT)
    if s.stop() != 0:
        fail("exit status %r after two stop signals" % s.proc.returncode)
    a.close()
    b.close()


def test_sigterm_stop_is_info():
    s = Server()
    assert s.stop() == 0
    if "warning" in s.stderr() or "shutting down" in s.stderr():
        fail("a normal stop logged at the default level: %r" % s.stderr())
    s = Server("-v")
    assert s.stop(signal.SIGINT) == 0
    if "warning" in s.stderr() or "shutting down" not in s.stderr():
        fail("-v stop: %r" % s.stderr())


def test_sigusr1_summary_and_debug_detail():
    s = Server("-vv")
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        joined(a, "bob")
        a.line("hello")
        b.expect(r"\]\[alice\]:hello\n")
        b.close()
        left(a, "bob")
        s.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + TIMEOUT
        while "stats:" not in s.stderr() and time.monotonic() < deadline:
            time.sleep(0.05)
        m = re.search(r"stats: uptime \d+h\d\dm\d\ds, connections 1 \(2 accepted, 0 refused\), "
                      r"rooms 1, messages 1 in 1 out, bytes (\d+) in (\d+) out, "
                      r"closed: closed by peer 1\n", s.stderr())
        if not m or int(m.group(1)) == 0 or int(m.group(2)) == 0:
            fail("no or wrong summary: %r" % s.stderr()[-800:])
        if not re.search(r"sent 127\.0\.0\.1:\d+ \d+ bytes", s.stderr()):
            fail("-vv does not say what was sent: %r" % s.stderr()[-800:])
    finally:
        assert s.stop() == 0
    s = Server()                     # the summary whatever the level
    try:
        s.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + TIMEOUT
        while "stats:" not in s.stderr() and time.monotonic() < deadline:
            time.sleep(0.05)
        if "connections 0 (0 accepted, 0 refused)" not in s.stderr() or \
                "closed: none" not in s.stderr():
            fail("quiet server summary: %r" % s.stderr())
    finally:
        assert s.stop() == 0


def free_port():
    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        return so.getsockname()[1]


def test_classic_name_and_usage():
    link = os.path.join(os.path.dirname(BIN), "TCPChat")
    for args in (["1", "2"], ["notaport"], ["99999"]):
        r = subprocess.run([link, *args], capture_output=True, timeout=TIMEOUT)
        if r.returncode != 2 or r.stdout != b"[USAGE]: ./TCPChat $port\n":
            fail("TCPChat %s: %d %r" % (args, r.returncode, r.stdout))
    port = free_port()
    p = subprocess.Popen([link, str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = p.stdout.readline()
        if line != ("Listening on the port :%d\n" % port).encode():
            fail("TCPChat PORT printed %r" % line)
        Client(port).expect_exact(BANNER)
    finally:
        p.terminate()
        if p.wait(TIMEOUT) != 0:
            fail("TCPChat did not exit 0 on SIGTERM")


def test_cli_errors():
    checks = [
        (["serve", "--bogus"], 2, b"unknown option"),
        (["serve", "-p", "70000"], 2, b"invalid port"),
        (["serve", "-p", "abc"], 2, b"invalid port"),
        (["serve", "1", "2"], 2, b"unexpected argument"),
        (["serve", "-m", "0"], 2, b"invalid client limit"),
        (["frobnicate"], 2, b"unknown subcommand"),
        ([], 2, b"Usage:"),
        (["connect"], 2, b"missing HOST"),
    ]
    for args, status, text in checks:
        r = subprocess.run([BIN, *args], capture_output=True, timeout=TIMEOUT)
        if r.returncode != status or text not in r.stderr:
            fail("tcpchat %s: status %d, stderr %r" % (args, r.returncode, r.stderr))
    for args, text in ((["--help"], b"tcpchat serve"), (["serve", "--help"], b"--max-clients"),
                       (["connect", "--help"], b"--name"), (["--version"], b"tcpchat ")):
        r = subprocess.run([BIN, *args], capture_output=True, timeout=TIMEOUT)
        if r.returncode != 0 or text not in r.stdout:
            fail("tcpchat %s: %d %r" % (args, r.returncode, r.stdout))
    # a port in use is a runtime error: exit 1 with a reason
    s = Server()
    try:
        r = subprocess.run([BIN, "serve", "-b", "127.0.0.1", "-p", str(s.port)],
                           capture_output=True, timeout=TIMEOUT)
        if r.returncode != 1 or b"cannot listen" not in r.stderr:
            fail("busy port: %d %r" % (r.returncode, r.stderr))
    finally:
        s.stop()


def test_version_and_options_before_the_subcommand():
    for sub in ("serve", "connect"):
        p = subprocess.run([BIN, sub, "--version"], capture_output=True, timeout=TIMEOUT)
        if p.returncode != 0 or not re.fullmatch(rb"tcpchat \d+\.\d+\.\d+\n", p.stdout):
            fail("%s --version: %d %r %r" % (sub, p.returncode, p.stdout, p.stderr))
    p = subprocess.run([BIN, "--port", "5"], capture_output=True, timeout=TIMEOUT)
    if p.returncode != 2 or b"tcpchat serve --port 5" not in p.stderr:
        fail("tcpchat --port 5: %d %r" % (p.returncode, p.stderr))


if __name__ == "__main__":
    run([test_banner_bytes, test_name_rules, test_message_transcript, test_history_replay,
         test_replay_option_bounds_the_replay,
         test_leave_notices_and_reset, test_eleven_connections, test_max_clients_option,
         test_real_nc, test_ipv6_and_bind, test_signals_exit_zero,
         test_two_stop_signals_at_once_exit_cleanly, test_sigterm_stop_is_info,
         test_sigusr1_summary_and_debug_detail,
         test_classic_name_and_usage, test_cli_errors,
         test_version_and_options_before_the_subcommand])
