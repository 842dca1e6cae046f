"""Issue 14: everyday rough edges: room switch notices, --replay and /history, the plain
client in scripts (</dev/null, --listen, --reconnect, --no-history, --json), the command
line (--version, options before the subcommand, /join with a space) and the operator's
log (a SIGTERM stop is info).

Real server, real sockets, the real client with pipes; every wait has a deadline and
every process is stopped by PID.
"""
import json
import re
import signal
import socket
import subprocess
import time

from tclib import BIN, TIMEOUT, TS, Client, Server, fail, join, joined, left, notice, \
    proto_join, run
from test_client_plain import Plain


def prompt(name):
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


def test_room_switch_notices():
    s = Server()
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        joined(a, "bob")
        d = join(s.port, "dora")
        joined(a, "dora")
        joined(b, "dora")
        d.line("/join dev")
        d.expect("You are now in room dev")
        b.line("/join dev")
        b.expect("You are now in room dev")
        notice(a, "bob went to room dev")             # not "bob has left our chat..."
        notice(d, "bob came from room lobby")         # not "bob has joined our chat..."
        p = proto_join(s.port, "robot")
        joined(a, "robot")
        p.line("/join dev")
        p.expect(r"\nROOM\tdev\n")
        b.expect(r"\nrobot came from room lobby\n")
        b.line("/join lobby")
        p.expect(r"LEAVE\t" + TS + r"\tbob\tlobby\n")  # the other room, a third field
        notice(a, "bob came from room dev")
        d.close()                                     # a real disconnect: the classic line
        p.expect(r"LEAVE\t" + TS + r"\tdora\n")
        b.close()
        left(a, "bob")
        data = a.quiet(0.3)
        if b"has left our chat" in data or b"went to" in data:
            fail("extra notices: %r" % data)
    finally:
        assert s.stop() == 0


def say(c, name, n):
    for i in range(n):
        c.line("m%d" % i)
        c.expect(prompt(name) + "$")


def test_replay_option_bounds_the_replay():
    s = Server("--replay", "2")
    try:
        a = join(s.port, "alice")
        say(a, "alice", 5)
        c = Client(s.port)
        c.expect(r"\[ENTER YOUR NAME\]:")
        c.line("carol")
        m = c.expect(r"^(.*?)" + prompt("carol") + "$")
        got = re.findall(rb"\]\[alice\]:(m\d)", m.group(1))
        if got != [b"m3", b"m4"]:
            fail("--replay 2 replayed %r" % got)
        c.line("/history")                            # all kept, on demand
        m = c.expect(r"^(.*?)" + prompt("carol") + "$")
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
        m = c.expect(r"^(.*?)" + prompt("carol") + "$")
        if b"m0" in m.group(1) or b"m1" in m.group(1):
            fail("--replay 0 replayed %r" % m.group(1))
    finally:
        assert s.stop() == 0


def test_history_command():
    s = Server()
    try:
        a = join(s.port, "alice")
        say(a, "alice", 4)
        a.line("/history 2")
        a.expect(r"^\[" + TS + r"\]\[alice\]:m2\n\[" + TS + r"\]\[alice\]:m3\n" + prompt("alice"))
        a.line("/history two")
        a.expect_exact("Usage: /history [N] (N a number of messages, at least 1)\n")
        a.expect(prompt("alice"))
        a.line("/join empty")
        a.expect(prompt("alice") + "$")
        a.line("/history")
        a.expect_exact("No messages kept in this room yet.\n")
        p = proto_join(s.port, "robot")
        p.expect(r"\tm3\n")                           # the replay on joining
        p.line("/history 1")
        p.expect(r"^HIST\t" + TS + r"\talice\tm3\n")
        a.line("/help")
        a.expect(r"/history \[N\]")
    finally:
        assert s.stop() == 0


def test_join_with_a_space_says_why():
    s = Server()
    try:
        a = join(s.port, "alice")
        a.line("/join bad room")
        a.expect_exact("Usage: /join ROOM (spaces are not allowed in room names)\n")
    finally:
        assert s.stop() == 0


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
        a.expect(prompt("alice") + "$")
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


def test_version_and_options_before_the_subcommand():
    for sub in ("serve", "connect"):
        p = subprocess.run([BIN, sub, "--version"], capture_output=True, timeout=TIMEOUT)
        if p.returncode != 0 or not re.fullmatch(rb"tcpchat \d+\.\d+\.\d+\n", p.stdout):
            fail("%s --version: %d %r %r" % (sub, p.returncode, p.stdout, p.stderr))
    p = subprocess.run([BIN, "--port", "5"], capture_output=True, timeout=TIMEOUT)
    if p.returncode != 2 or b"tcpchat serve --port 5" not in p.stderr:
        fail("tcpchat --port 5: %d %r" % (p.returncode, p.stderr))


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


if __name__ == "__main__":
    run([test_room_switch_notices, test_replay_option_bounds_the_replay, test_history_command,
         test_join_with_a_space_says_why, test_devnull_stdin_to_a_closed_port_fails,
         test_devnull_stdin_with_a_name_joins_then_quits,
         test_listen_reads_nothing_and_runs_until_the_server_closes,
         test_reconnect_keeps_a_relay_alive, test_no_history_and_json,
         test_version_and_options_before_the_subcommand, test_sigterm_stop_is_info,
         test_sigusr1_summary_and_debug_detail])
