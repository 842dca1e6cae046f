#!/usr/bin/env python3
"""Admission (issue 12): per-address limits and rate at accept, bans from the state
directory, operator warnings without -v, the default client limit, other protocols on
the chat port (real curl, raw sockets), names that cannot impersonate, bidi controls
and blank runs in messages. Real server, real sockets, real curl."""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

from tclib import BANNER, TIMEOUT, TS, Client, Server, fail, join, joined, run


def state_env(d):
    env = dict(os.environ)
    env["STATE_DIRECTORY"] = d
    return env


def refused_line(port, host="127.0.0.1"):
    """Connect and return everything sent before the server closed."""
    return Client(port, host).expect_closed()


def has_ipv6():
    try:
        with socket.socket(socket.AF_INET6) as so:
            so.bind(("::1", 0))
        return True
    except OSError:
        return False


# --- per-address limits -------------------------------------------------------------

def test_per_ip_limit_ipv4_and_ipv6():
    s = Server("--max-per-ip", "2")
    try:
        a = Client(s.port)
        b = Client(s.port)
        a.expect_exact(BANNER)
        b.expect_exact(BANNER)
        rest = refused_line(s.port)
        if rest != b"too many connections from your address (at most 2 at once)\n":
            fail("third IPv4 connection got %r" % rest)
        if has_ipv6():   # ::1 is another address: its own two seats
            v6 = [Client(s.port, "::1") for _ in range(2)]
            for c in v6:
                c.expect_exact(BANNER)
            rest = refused_line(s.port, "::1")
            if not rest.startswith(b"too many connections from your address"):
                fail("third ::1 connection got %r" % rest)
        # a seat freed on close is a seat again
        a.close()
        deadline = time.monotonic() + TIMEOUT
        while True:
            c = Client(s.port)
            data = c.quiet(0.2)
            if data.startswith(b"Welcome"):
                break
            if time.monotonic() > deadline:
                fail("seat not released: %r" % data)
        # named idle connections count too: they cannot hold the server hostage
        b.line("bob")
        b.expect(r"\]\[bob\]:$")
        if not refused_line(s.port).startswith(b"too many connections"):
            fail("idle named connections did not count")
    finally:
        assert s.stop() == 0


def test_per_ip_rate():
    # burst 60 (fixed), then 1 a minute: the 61st new connection is refused
    s = Server("--max-per-ip-rate", "1")
    try:
        for i in range(60):
            c = Client(s.port)
            c.expect_exact(BANNER)
            c.reset()
        rest = refused_line(s.port)
        if rest != b"too many new connections from your address (at most 1 a minute); try again in a minute\n":
            fail("61st connection got %r" % rest)
    finally:
        assert s.stop() == 0
    s = Server("--max-per-ip-rate", "0", "--max-per-ip", "0")   # 0: no limits
    try:
        for i in range(70):
            c = Client(s.port)
            c.expect_exact(BANNER)
            c.reset()
    finally:
        assert s.stop() == 0


def test_warnings_without_v():
    s = Server("--max-per-ip", "1")
    try:
        keep = Client(s.port)
        keep.expect_exact(BANNER)
        for _ in range(10):
            refused_line(s.port)
    finally:
        assert s.stop() == 0
    err = s.stderr()
    warned = [ln for ln in err.splitlines() if "warning: refused 127.0.0.1" in ln]
    if len(warned) != 6:
        fail("expected 6 warnings (TC_WARN_PER_MINUTE), got %d: %r" % (len(warned), err))
    if "refusals not shown: 0 chat full, 4 address limits" not in err:
        fail("no summary of the held-back warnings: %r" % err)
    s = Server("-m", "1")
    try:
        keep = Client(s.port)
        keep.expect_exact(BANNER)
        if not refused_line(s.port).startswith(b"Chat is full (1 of 1 clients)"):
            fail("chat full line")
    finally:
        assert s.stop() == 0
    if "warning: refused 127.0.0.1" not in s.stderr() or "chat is full" not in s.stderr():
        fail("chat full was not a warning: %r" % s.stderr())


def test_default_max_clients():
    s = Server()
    try:
        cs = [Client(s.port) for _ in range(12)]    # more than the classic 10
        for c in cs:
            c.expect_exact(BANNER)
    finally:
        assert s.stop() == 0
    out = subprocess.run([os.environ.get("TCPCHAT_BIN", "build/tcpchat"), "serve", "--help"],
                         capture_output=True, text=True, timeout=TIMEOUT).stdout
    if "(default 1000)" not in out or "--max-per-ip N" not in out:
        fail("--help: %r" % out)


# --- bans -----------------------------------------------------------------------------

def write_bans(d, lines):
    with open(os.path.join(d, "bans"), "w") as f:
        f.write("# tcpchat bans\n")
        for ln in lines:
            f.write("\t".join(str(x) for x in ln) + "\n")
    os.chmod(os.path.join(d, "bans"), 0o600)


def test_bans_at_accept_across_restarts():
    d = tempfile.mkdtemp()
    try:
        now = int(time.time())
        until = now + 3600
        write_bans(d, [("127.0.0.1", until, now, "oper", "spamming the lobby"),
                       ("::/64", 0, now, "oper", "")])
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(until))
        for _ in range(2):          # the same bans after a restart
            s = Server(env=state_env(d))
            try:
                rest = refused_line(s.port)
                want = ("You are banned from this server until %s UTC: spamming the lobby.\n"
                        % stamp).encode()
                if rest != want:
                    fail("banned IPv4 got %r, want %r" % (rest, want))
                if has_ipv6():
                    rest = refused_line(s.port, "::1")
                    if rest != b"You are banned from this server permanently.\n":
                        fail("banned ::1 got %r" % rest)
            finally:
                assert s.stop() == 0
        write_bans(d, [("127.0.0.1", now - 10, now - 100, "oper", "old")])   # expired
        s = Server(env=state_env(d))
        try:
            join(s.port, "free")
        finally:
            assert s.stop() == 0
        os.unlink(os.path.join(d, "bans"))
        os.mkdir(os.path.join(d, "bans"))       # unreadable as a list: start refused
        r = subprocess.run([os.environ.get("TCPCHAT_BIN", "build/tcpchat"), "serve", "-p", "0"],
                           env=state_env(d), capture_output=True, timeout=TIMEOUT)
        if r.returncode != 1 or b"bans" not in r.stderr:
            fail("a bans directory: %d %r" % (r.returncode, r.stderr))
    finally:
        shutil.rmtree(d)


# --- other protocols on the chat port ---------------------------------------------------

def curl(*args):
    return subprocess.run(["curl", "-sS", "--max-time", str(TIMEOUT), *args],
                          capture_output=True, timeout=TIMEOUT + 5)


def test_http_irc_tls_first_lines():
    s = Server("-v")
    try:
        w = join(s.port, "watcher")
        url = "http://127.0.0.1:%d/" % s.port
        r = curl("-i", url)
        if r.returncode != 0 or not r.stdout.startswith(b"HTTP/1.0 200 OK\r\n") or \
                b"nc HOST %d" % s.port not in r.stdout:
            fail("curl GET: %d %r %r" % (r.returncode, r.stdout, r.stderr))
        r = curl("-I", url)
        if r.returncode != 0 or not r.stdout.startswith(b"HTTP/1.0 200 OK") or b"nc HOST" in r.stdout:
            fail("curl HEAD: %d %r" % (r.returncode, r.stdout))
        r = curl("-i", "-d", "cookie=secret", url)
        if not r.stdout.startswith(b"HTTP/1.0 400 Bad Request"):
            fail("curl POST: %d %r" % (r.returncode, r.stdout))
        # raw: a slow HTTP client gets the banner first, and is still never a user
        c = Client(s.port)
        c.expect_exact(BANNER)
        c.send("GET /late HTTP/1.1\r\nHost: x\r\nCookie: secret\r\n\r\n")
        if not c.expect_closed().startswith(b"HTTP/1.0 200 OK"):
            fail("late GET")
        # IRC registration
        c = Client(s.port)
        c.send("CAP LS 302\r\nNICK troll\r\nUSER t 0 * :t\r\n")
        rest = c.expect_closed()
        if not re.fullmatch(rb"ERROR :[^\r\n]*IRC is not served[^\r\n]*\r\n", rest):
            fail("IRC got %r" % rest)
        # TLS ClientHello bytes, raw and from curl
        c = Client(s.port)
        c.send(b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03")
        rest = c.expect_closed()
        if b"TLS" not in rest or rest.count(b"\n") != 1 or b"Welcome" in rest:
            fail("TLS got %r" % rest)
        r = curl("-k", "https://127.0.0.1:%d/" % s.port)
        if r.returncode == 0:
            fail("curl https succeeded on the plain port")
        # nobody joined, nothing reached the room or its history
        if w.quiet(0.3):
            fail("watcher saw something")
        n = join(s.port, "newcomer")
        if n.skipped.count(b"\n") > 0 and (b"GET" in n.skipped or b"cookie" in n.skipped):
            fail("history has HTTP: %r" % n.skipped)
        w.expect(r"newcomer has joined")
        if b"GET" in w.skipped or b"NICK" in w.skipped:
            fail("watcher saw %r" % w.skipped)
    finally:
        assert s.stop() == 0
    err = s.stderr()
    for why in ("HTTP request", "IRC client", "TLS on the plain port"):
        if why not in err:
            fail("no %r in the log: %r" % (why, err))
    if re.search(r'name [^\n]*"(GET|CAP|NICK)', err):
        fail("another protocol took a name: %r" % err)


def test_nc_piped_lines_still_work():
    # a client that sends its name before the banner: banner, then the name is taken
    s = Server()
    try:
        w = join(s.port, "w")
        c = Client(s.port)
        c.send("alice\nhello\n")
        c.expect_exact(BANNER)
        w.expect(r"\[" + TS + r"\]\[alice\]:hello\n")
    finally:
        assert s.stop() == 0


# --- names ---------------------------------------------------------------------------------

NAME_CASES = [
    ("z\u200bed", "zero-width space"),
    ("ze\u200dd", "ZWJ"),
    ("ze\u200cd", "ZWNJ"),
    ("\ufeffzed2", "BOM"),
    ("ze\u00add", "soft hyphen"),
    ("\u202ezed", "RLO"),
    ("\u2066zed\u2069", "LRI/PDI"),
    ("zed\ufe0f", "variation selector"),
    ("\u0301zed", "leading combining mark"),
    ("ze  d", "double inner space"),
    ("ze\u00a0d", "no-break space"),
    ("z\u0435d", "Cyrillic e: confusable with zed"),
    ("ZED", "case: same as zed"),
    ("\uff5a\uff45\uff44", "fullwidth zed"),
]


def test_names_cannot_impersonate():
    s = Server()
    try:
        zed = join(s.port, "zed")
        for name, what in NAME_CASES:
            c = Client(s.port)
            c.expect_exact(BANNER)
            c.line(name)
            m = c.expect(r"\n?([^\n]*)\n\[ENTER YOUR NAME\]:$")
            line = m.group(1).decode()
            # refused: a reason, then the name prompt again
            if not line.strip():
                fail("%s: %r: reason %r" % (what, name, line))
            if "confusable" in what or "same as" in what or "fullwidth" in what:
                if "taken" not in line:
                    fail("%s: %r" % (what, line))
            c.close()
        # a rename to a look-alike is refused the same way
        other = join(s.port, "ann")
        other.line("/nick z\u0435d")
        other.expect(r"taken")
        other.line("/nick a\u200bnn")
        other.expect(r"not allowed in names")
        # a plain different name is fine; zed still has its own
        join(s.port, "zeta")
        zed.line("hello")
        other.expect(r"\[zed\]:hello\n")
    finally:
        assert s.stop() == 0


def refusal(port, name):
    """The line a new nc user giving name is refused with (then asked again)."""
    c = Client(port)
    try:
        c.expect_exact(BANNER)
        c.line(name)
        m = c.expect(r"\n?([^\n]*)\n\[ENTER YOUR NAME\]:$")
        return m.group(1).decode()
    finally:
        c.close()


def test_combining_marks_cannot_hide_in_a_name():
    """UTS #39 5.4 (issue 21, item 11): a dot above an i (dotted or dotless) vanishes, so
    "mı̇ke" next to "mike" is refused with the reason, as are a repeated mark and a mark
    of another script; an accent used as accents are stays a name."""
    s = Server()
    try:
        mike = join(s.port, "mike")
        cases = {"m\u0131\u0307ke": "a dot above an i or a j (or a dotless one) looks like "
                                   "the letter alone",
                 "mi\u0307ke": "a dot above an i or a j (or a dotless one) looks like the "
                              "letter alone",
                 "zoe\u0308\u0308": "the same combining mark twice on one letter is not "
                                    "allowed in names",
                 "a\u0483bc": "a combining mark must be of the script of its letter"}
        for name, why in cases.items():
            line = refusal(s.port, name)
            if line != why:
                fail("%r: %r" % (name, line))
        zoe = join(s.port, "zo\u00eb")
        zoe.line("hi")
        mike.expect(r"\[zo\xc3\xab\]:hi\n")
    finally:
        s.stop()


def test_capital_i_is_a_lookalike():
    """A name has a case key and a look-alike key: "AIice" (capital i) is "Alice"."""
    s = Server()
    try:
        alice = join(s.port, "Alice")
        line = refusal(s.port, "AIice")
        if line != 'Name "AIice" is already taken (it looks like "Alice").':
            fail("AIice: %r" % line)
        ivan = join(s.port, "Ivan")
        line = refusal(s.port, "ivan")            # case
        if "taken" not in line:
            fail("ivan: %r" % line)
        line = refusal(s.port, "lvan")            # a capital I looks like an l
        if 'it looks like "Ivan"' not in line:
            fail("lvan: %r" % line)
        # i and l are two letters: ivo and lvo are two names
        ivo = join(s.port, "ivo")
        lvo = join(s.port, "lvo")
        lvo.line("hi")
        alice.expect(r"\[lvo\]:hi\n")
        ivo.expect(r"\[lvo\]:hi\n")
        ivan.expect(r"\[lvo\]:hi\n")
    finally:
        assert s.stop() == 0


# --- messages ---------------------------------------------------------------------------------

def test_bidi_cannot_reorder_the_stamp():
    s = Server()
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        a.expect("bob has joined")
        b.line("\u202eevil")            # RLO never closed
        m = a.expect(r"\[" + TS + r"\]\[bob\]:([^\n]*)\n")
        if m.group(1).decode() != "\u202eevil\u202c":
            fail("RLO not closed: %r" % m.group(1))
        b.line("x\u2067y\u2066z")       # isolates closed innermost first
        m = a.expect(r"\[bob\]:([^\n]*)\n")
        if m.group(1).decode() != "x\u2067y\u2066z\u2069\u2069":
            fail("isolates not closed: %r" % m.group(1))
        b.line("\u202cstray pop")       # a pop that closes nothing goes
        m = a.expect(r"\[bob\]:([^\n]*)\n")
        if m.group(1).decode() != "stray pop":
            fail("stray pop kept: %r" % m.group(1))
        b.line("family \U0001F468\u200d\U0001F469\u200d\U0001F467")   # ZWJ stays
        m = a.expect(r"\[bob\]:([^\n]*)\n")
        if "\u200d" not in m.group(1).decode():
            fail("ZWJ removed: %r" % m.group(1))
        # the next line's stamp comes after the closed message
        b.line("plain")
        a.expect(r"\[" + TS + r"\]\[bob\]:plain\n")
    finally:
        assert s.stop() == 0


def test_blank_runs_collapsed():
    s = Server()
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        a.expect("bob has joined")
        b.line("a" + " " * 120 + "alice has left our chat...")
        m = a.expect(r"\[bob\]:([^\n]*)\n")
        if m.group(1) != b"a   alice has left our chat...":
            fail("spaces not collapsed: %r" % m.group(1))
        b.line("x\u2003\u2003\u2003\u2003\u2003\u3000\u2800y\t\t\t\tz")
        m = a.expect(r"\[bob\]:([^\n]*)\n")
        if m.group(1).decode() != "x\u2003\u2003\u2003y   z":
            fail("Unicode spaces not collapsed: %r" % m.group(1).decode())
        b.line("one two  three")         # short runs stay
        a.expect(r"\[bob\]:one two  three\n")
    finally:
        assert s.stop() == 0


if __name__ == "__main__":
    run([test_per_ip_limit_ipv4_and_ipv6, test_per_ip_rate, test_warnings_without_v,
         test_default_max_clients, test_bans_at_accept_across_restarts,
         test_http_irc_tls_first_lines, test_nc_piped_lines_still_work,
         test_names_cannot_impersonate, test_capital_i_is_a_lookalike,
         test_combining_marks_cannot_hide_in_a_name,
         test_bidi_cannot_reorder_the_stamp,
         test_blank_runs_collapsed])
