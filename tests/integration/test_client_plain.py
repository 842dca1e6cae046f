"""Issue 5: `tcpchat connect` as a plain line client (stdin/stdout not a terminal).

Real server (`tcpchat serve -p 0`), real loopback sockets, the real client with pipes.
Every wait has a deadline; every process is killed by PID in `finally`.
"""
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time

from tclib import BIN, TIMEOUT, TS, Server, fail, join, joined, left, proto_join, run



ESC = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")


class Plain:
    """`tcpchat connect` with stdin and stdout as pipes; stdout collected by a thread."""

    def __init__(self, port, *args, host="127.0.0.1", stdin_data=None):
        self.proc = subprocess.Popen([BIN, "connect", host, str(port), *args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.out = b""
        self.err = b""
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._pump, args=(self.proc.stdout, "out"),
                                         daemon=True),
                        threading.Thread(target=self._pump, args=(self.proc.stderr, "err"),
                                         daemon=True)]
        for t in self.threads:
            t.start()
        if stdin_data is not None:
            try:
                self.proc.stdin.write(stdin_data.encode())
                self.proc.stdin.close()
            except BrokenPipeError:
                pass        # the client may already have given up (unreachable server)

    def _pump(self, f, which):
        while True:
            data = f.read1(65536) if hasattr(f, "read1") else f.read(1)
            if not data:
                return
            with self.lock:
                setattr(self, which, getattr(self, which) + data)

    def send(self, line):
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def close_stdin(self):
        self.proc.stdin.close()

    def expect(self, pattern, timeout=TIMEOUT):
        rx = re.compile(pattern.encode() if isinstance(pattern, str) else pattern, re.M)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                m = rx.search(self.out)
            if m:
                return m
            time.sleep(0.02)
        fail("client output lacks %r; have %r (stderr %r)" % (pattern, self.out[-500:], self.err))

    def wait(self, timeout=TIMEOUT):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            fail("client did not exit; output %r, stderr %r" % (self.out[-300:], self.err))
        for t in self.threads:
            t.join(TIMEOUT)
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def check_clean(self):
        """No escape sequences or control characters; no sanitizer reports."""
        if ESC.search(self.out):
            fail("control bytes in plain output: %r" % self.out)
        if b"Sanitizer" in self.err or b"runtime error" in self.err:
            fail("sanitizer report: %r" % self.err.decode(errors="replace"))


def test_lines_from_stdin_are_messages():
    s = Server()
    c = None
    try:
        w = join(s.port, "watcher")
        c = Plain(s.port, "-n", "alice", stdin_data="hello there\n  \nsecond line\n")
        if c.wait() != 0:
            fail("exit status %r, stderr %r" % (c.proc.returncode, c.err))
        joined(w, "alice")
        w.expect(r"\n\[" + TS + r"\]\[alice\]:hello there\n")
        w.expect(r"\[" + TS + r"\]\[alice\]:second line\n")  # a repaint may come between
        left(w, "alice")
        c.check_clean()
        if b"ENTER YOUR NAME" in c.out or b"_nnnn_" in c.out:
            fail("nc noise in the client's output: %r" % c.out)
    finally:
        if c:
            c.kill()
        s.stop()


def test_name_from_first_line_and_incoming_messages():
    s = Server()
    c = None
    try:
        early = join(s.port, "early")
        early.line("from the past")
        c = Plain(s.port)
        c.send("bob")
        c.expect(r"^\*\*\* You are bob, in room lobby$")
        c.expect(r"^\[" + TS + r"\]\[early\]:from the past$")     # history
        joined(early, "bob")
        early.line("hi bob")
        c.expect(r"^\[" + TS + r"\]\[early\]:hi bob$")
        p = proto_join(s.port, "carol")
        c.expect(r"^carol has joined our chat\.\.\.$")
        p.line("/msg bob psst")
        c.expect(r"^\[" + TS + r"\]\[carol\]\[private\]:psst$")
        c.send("/msg carol back")
        c.expect(r"^\[" + TS + r"\]\[to carol\]\[private\]:back$")
        c.send("/nosuch")
        c.expect(r"^\*\*\* Unknown command: /nosuch")
        c.send("mine")
        early.expect(r"\[" + TS + r"\]\[bob\]:mine\n")
        p.close()
        c.expect(r"^carol has left our chat\.\.\.$")
        c.close_stdin()
        if c.wait() != 0:
            fail("exit status %r" % c.proc.returncode)
        if re.search(rb"\]\[bob\]:mine", c.out):
            fail("own message printed back in plain mode: %r" % c.out)
        c.check_clean()
    finally:
        if c:
            c.kill()
        s.stop()


def test_refused_name_then_next_line():
    s = Server()
    c = None
    try:
        taken = join(s.port, "dave")
        c = Plain(s.port, stdin_data="Dave\n[x]\ndavid\nhello from david\n")
        if c.wait() != 0:
            fail("exit status %r, stderr %r" % (c.proc.returncode, c.err))
        out = c.out.decode()
        if 'Name refused: Name "Dave" is already taken.' not in out:
            fail("no refusal shown: %r" % out)
        if "Name refused: Name cannot contain [ or ]." not in out:
            fail("no second refusal shown: %r" % out)
        if "*** You are david, in room lobby" not in out:
            fail("third name not used: %r" % out)
        taken.expect(r"\[" + TS + r"\]\[david\]:hello from david\n")
    finally:
        if c:
            c.kill()
        s.stop()


def test_refused_fixed_name_is_final():
    s = Server()
    c = None
    try:
        w = proto_join(s.port, "erin")
        w.expect(r"MEMBERS\terin\n")
        c = Plain(s.port, "-n", "ERIN", stdin_data="not a name\n")
        if c.wait() != 1:
            fail("exit status %r after the -n name was refused" % c.proc.returncode)
        c.expect(r'^\*\*\* Name refused: Name "ERIN" is already taken\.$')
        if w.quiet(0.3):
            fail("something reached the room")
    finally:
        if c:
            c.kill()
        s.stop()


def test_many_lines_all_delivered_in_order():
    s = Server("--rate-limit", "0")
    c = None
    try:
        w = proto_join(s.port, "counter")
        lines = "".join("line %d\n" % i for i in range(300))
        c = Plain(s.port, "-n", "bulk", stdin_data=lines)
        if c.wait(TIMEOUT * 3) != 0:
            fail("exit status %r, stderr %r" % (c.proc.returncode, c.err))
        for i in range(300):
            w.expect(r"MSG\t" + TS + r"\tbulk\tline %d\n" % i)
    finally:
        if c:
            c.kill()
        s.stop()


def test_no_name_at_all():
    s = Server()
    c = None
    try:
        c = Plain(s.port, stdin_data="")
        # Issue 14: connected, but no name will ever come: an error, not a silent 0.
        if c.wait() != 1:
            fail("exit status %r for empty input" % c.proc.returncode)
        if b"no name to join with" not in c.err:
            fail("no reason on stderr: %r" % c.err)
    finally:
        if c:
            c.kill()
        s.stop()


def test_unreachable_server():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()          # nothing listens there now
    c = Plain(port, "-n", "x", stdin_data="hi\n")
    try:
        if c.wait() != 1:
            fail("exit status %r for a refused connection" % c.proc.returncode)
        if b"tcpchat:" not in c.err:
            fail("no reason on stderr: %r" % c.err)
    finally:
        c.kill()


def prompt_re(name):
    return r"\[" + TS + r"\]\[" + re.escape(name) + r"\]:"


def free_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def server_on(port, *args):
    """`tcpchat serve -p PORT` (retried while the port is still held)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        p = subprocess.Popen([BIN, "serve", "-p", str(port), *args], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        if p.stdout.readline().startswith(b"Listening"):
            return p
        p.kill()
        p.wait()
        if time.monotonic() > deadline:
            fail("cannot start a server on port %d" % port)
        time.sleep(0.1)


def test_devnull_stdin_to_a_closed_port_fails():
    port = free_port()
    for args in ([], ["-n", "x"]):
        p = subprocess.run([BIN, "connect", "127.0.0.1", str(port), *args],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
        if p.returncode == 0 or b"tcpchat:" not in p.stderr or p.stdout:
            fail("closed port, args %r: status %d, out %r, err %r" %
                 (args, p.returncode, p.stdout, p.stderr))


def test_devnull_stdin_with_a_name_joins_then_quits():
    s = Server()
    try:
        w = join(s.port, "watcher")
        p = subprocess.run([BIN, "connect", "127.0.0.1", str(s.port), "-n", "bot"],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
        if p.returncode != 0:
            fail("status %d, err %r" % (p.returncode, p.stderr))
        joined(w, "bot")
        left(w, "bot")
    finally:
        s.stop()


def test_server_shutdown_is_reported():
    s = Server()
    c = None
    try:
        c = Plain(s.port, "-n", "stay")
        c.expect(r"^\*\*\* You are stay")
        s.stop()
        if c.wait() != 1:
            fail("exit status %r after the server went away" % c.proc.returncode)
        c.expect(r"^\*\*\* Server is shutting down")
    finally:
        if c:
            c.kill()
        s.stop()


def test_listen_reads_nothing_and_runs_until_the_server_closes():
    s = Server()
    c = None
    try:
        w = join(s.port, "watcher")
        c = Plain(s.port, "--listen", "-n", "bot")
        c.send("this must not be sent")
        c.close_stdin()                       # end of input does not end --listen
        c.expect(r"^\*\*\* You are bot")
        joined(w, "bot")
        w.line("hello bot")
        c.expect(r"^\[" + TS + r"\]\[watcher\]:hello bot$")
        time.sleep(0.3)
        if c.proc.poll() is not None:
            fail("--listen exited early: %r" % c.err)
        if b"must not be sent" in w.quiet(0.3):
            fail("--listen sent a line from stdin")
        s.stop()
        if c.wait() != 0:
            fail("--listen status %r after the server closed; err %r" % (c.proc.returncode, c.err))
    finally:
        if c:
            c.kill()
        s.stop()
    p = subprocess.run([BIN, "connect", "--listen", "127.0.0.1"], capture_output=True,
                       timeout=TIMEOUT)
    if p.returncode != 2 or b"--listen needs --name" not in p.stderr:
        fail("--listen without a name: %d %r" % (p.returncode, p.stderr))


def test_listen_exit_status_tells_a_goodbye_from_a_lost_link():
    """Issue 26 item 4: --listen exits 0 only when the server said goodbye (BYE: its
    shutdown here), 1 when the link was lost (the server killed), so that a supervisor
    that restarts on failure sees a dead server."""
    for how, want in (("killed", 1), ("stopped", 0)):
        s = Server()
        c = None
        try:
            c = Plain(s.port, "--listen", "-n", "bot")
            c.expect(r"^\*\*\* You are bot")
            if how == "killed":
                s.proc.kill()                     # SIGKILL: no goodbye
            else:
                s.stop()                          # SIGTERM: "Server is shutting down"
            rc = c.wait()
            if rc != want:
                fail("server %s: --listen status %r, not %d; err %r" % (how, rc, want, c.err))
            if how == "killed" and b"tcpchat: 127.0.0.1:%d: " % s.port not in c.err:
                fail("the lost link is not said: %r" % c.err)
        finally:
            if c:
                c.kill()
            s.stop()


def test_reconnect_keeps_a_relay_alive():
    port = free_port()
    srv = server_on(port)
    c = None
    try:
        c = Plain(port, "--reconnect", "-n", "relay")
        c.expect(r"^\*\*\* You are relay")
        srv.send_signal(signal.SIGTERM)
        srv.wait(TIMEOUT)
        deadline = time.monotonic() + TIMEOUT
        while b"reconnecting" not in c.err and time.monotonic() < deadline:
            time.sleep(0.05)
        if c.proc.poll() is not None or b"reconnecting" not in c.err:
            fail("--reconnect gave up: %r" % c.err)
        srv = server_on(port)
        w = join(port, "watcher")
        deadline = time.monotonic() + TIMEOUT + 20
        got = b""
        while time.monotonic() < deadline:     # the relay rejoins after its back-off
            c.send("relayed line")
            try:
                w.expect(r"\]\[relay\]:relayed line\n", timeout=1)
                break
            except AssertionError:
                pass
        else:
            fail("no line through the relay after the restart: %r, err %r" % (got, c.err))
    finally:
        if c:
            c.kill()
        srv.kill()
        srv.wait()


def test_no_history_and_json():
    s = Server()
    c = j = None
    try:
        a = join(s.port, "alice")
        a.line("old news")
        a.expect(prompt_re("alice") + "$")
        c = Plain(s.port, "--no-history", "-n", "quiet")
        c.expect(r"^\*\*\* You are quiet")
        joined(a, "quiet")
        a.line("fresh")
        c.expect(r"\]\[alice\]:fresh$")
        if b"old news" in c.out:
            fail("--no-history printed the history: %r" % c.out)
        j = Plain(s.port, "--json", "-n", "jay")
        j.expect(r'"type":"welcome"')
        a.line("live \u00e9 \"q\"")
        j.expect(r'"text":"live')
        objs = [json.loads(x) for x in j.out.decode().splitlines()]
        hist = [o for o in objs if o["type"] == "hist"]
        live = [o for o in objs if o["type"] == "msg"]
        if not hist or hist[0].get("history") is not True or hist[0]["text"] != "old news":
            fail("history not marked: %r" % objs)
        if not live or live[0]["text"] != "live \u00e9 \"q\"" or live[0]["name"] != "alice" \
                or live[0]["room"] != "lobby" or "history" in live[0]:
            fail("live message: %r" % objs)
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", live[0]["time"]):
            fail("time not UTC ISO 8601: %r" % live[0]["time"])
        if j.err:
            fail("stderr in --json: %r" % j.err)
    finally:
        for p in (c, j):
            if p:
                p.kill()
        s.stop()


def test_degraded_old_style_server():
    """A server that only speaks the nc dialect (no answer to the hello): a stand-in
    for an old TCPChat, since the real server always answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    got = []

    def old_server():
        conn, _ = srv.accept()
        f = conn.makefile("rb")
        conn.sendall(b"Welcome to TCP-Chat!\n[ENTER YOUR NAME]:")
        hello = f.readline()          # "/TCPCHAT 1": an old server takes it as a name
        got.append(hello)
        conn.sendall(b"Name cannot start with /.\n[ENTER YOUR NAME]:")
        got.append(f.readline())
        conn.sendall(b"[2020-01-01 00:00:00][old]:history\n[2020-01-01 00:00:01][oldie]:")
        conn.sendall(b"\nsomeone has joined our chat...\n[2020-01-01 00:00:01][oldie]:")
        got.append(f.readline())
        conn.sendall(b"\n[2020-01-01 00:00:02][other]:reply\n[2020-01-01 00:00:02][oldie]:")
        got.append(f.readline())     # /quit
        conn.close()

    t = threading.Thread(target=old_server, daemon=True)
    t.start()
    c = Plain(srv.getsockname()[1], "-n", "oldie")
    try:
        c.expect(r"^\[2020-01-01 00:00:00\]\[old\]:history$", timeout=TIMEOUT + 5)
        c.expect(r"^someone has joined our chat\.\.\.$")
        c.send("a message")
        c.expect(r"^\[2020-01-01 00:00:02\]\[other\]:reply$")
        c.close_stdin()
        c.wait()
        t.join(TIMEOUT)
        if got[:3] != [b"/TCPCHAT 2\n", b"oldie\n", b"a message\n"]:
            fail("old server got %r" % got)
        if b"ENTER YOUR NAME" in c.out or re.search(rb"\]:$", c.out, re.M):
            fail("prompt repaints shown: %r" % c.out)
        c.check_clean()
    finally:
        c.kill()
        srv.close()


def test_join_several_rooms_lines_say_their_room():
    """--join lobby,dev: in both (dialect version 2); lines of the room not current (the
    last joined) start with [#room]; what is typed goes to the current one."""
    s = Server()
    c = None
    try:
        c = Plain(s.port, "-n", "bob", "--join", "lobby,dev")
        c.expect(r"^\*\*\* You are bob, in room lobby$")
        c.expect(r"^\*\*\* Now in room dev$")
        amy = join(s.port, "amy")
        amy.line("in the lobby")
        c.expect(r"^\[#lobby\] \[" + TS + r"\]\[amy\]:in the lobby$")
        dan = join(s.port, "dan")
        dan.line("/join dev")
        c.expect(r"^dan came from room lobby$")
        dan.line("in dev")
        c.expect(r"^\[" + TS + r"\]\[dan\]:in dev$")
        c.send("hello dev")
        dan.expect(r"\[" + TS + r"\]\[bob\]:hello dev\n")
        c.close_stdin()
        if c.wait() != 0:
            fail("exit status %r" % c.proc.returncode)
        c.check_clean()
    finally:
        if c:
            c.kill()
        s.stop()


def test_json_and_plain_actions():
    """Issue 20 point 3: an action is "type":"action" in --json (replayed: "history":
    true; private: "to"), and "* NAME TEXT" in plain mode; /me is the server's."""
    s = Server()
    c = p = None
    try:
        amy = join(s.port, "amy")
        amy.line("/me was here")                    # in the history
        c = Plain(s.port, "--json", "-n", "jay")
        when = r'"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"'
        c.expect(r'^\{"type":"action",%s,"room":"lobby","name":"amy","text":"was here",'
                 r'"history":true\}$' % when)
        joined(amy, "jay")
        amy.line("/me waves")
        c.expect(r'^\{"type":"action",%s,"room":"lobby","name":"amy","text":"waves"\}$' % when)
        amy.line("/action jay winks")
        c.expect(r'^\{"type":"action",%s,"room":"lobby","name":"amy","to":"jay",'
                 r'"text":"winks"\}$' % when)
        c.send("/me nods")
        amy.expect(r"\n\* jay nods\n")
        c.expect(r'^\{"type":"action",%s,"room":"lobby","name":"jay","text":"nods"\}$' % when)
        amy.line("//me claps")                      # a message, not an action
        c.expect(r'^\{"type":"msg",%s,"room":"lobby","name":"amy","text":"/me claps"\}$' % when)
        p = Plain(s.port, "-n", "pat")
        p.expect(r"^\* amy was here$")              # history, as the nc line
        amy.line("/me dances")
        p.expect(r"^\* amy dances$")
        amy.line("/action pat bows")
        p.expect(r"^\[private\] \* amy bows$")
        for x in (c, p):
            x.close_stdin()
            if x.wait() != 0:
                fail("exit status %r" % x.proc.returncode)
            x.check_clean()
    finally:
        for x in (c, p):
            if x:
                x.kill()
        s.stop()


if __name__ == "__main__":
    run([test_lines_from_stdin_are_messages, test_name_from_first_line_and_incoming_messages,
         test_refused_name_then_next_line, test_refused_fixed_name_is_final,
         test_many_lines_all_delivered_in_order,
         test_devnull_stdin_to_a_closed_port_fails,
         test_devnull_stdin_with_a_name_joins_then_quits,
         test_listen_reads_nothing_and_runs_until_the_server_closes,
         test_listen_exit_status_tells_a_goodbye_from_a_lost_link,
         test_reconnect_keeps_a_relay_alive, test_no_history_and_json,
         test_no_name_at_all, test_unreachable_server, test_server_shutdown_is_reported,
         test_degraded_old_style_server, test_join_several_rooms_lines_say_their_room,
         test_json_and_plain_actions])
