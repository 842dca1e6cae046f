"""Issue 16: several servers, one chat, through a real redis-server (--redis).

Each test starts its own redis-server on a free port (no persistence) and stops it.
Skipped (exit 77) when redis-server is not installed.
"""
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from tclib import (BANNER, TS, TIMEOUT, Client, Server, fail, join, joined, left, proto2_join,
                   proto_join, run)

REDIS = shutil.which("redis-server")


def free_port():
    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        return so.getsockname()[1]


class Redis:
    """redis-server on a free port; restartable on the same port."""

    def __init__(self):
        self.port = free_port()
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen([REDIS, "--port", str(self.port), "--bind", "127.0.0.1",
                                      "--save", "", "--appendonly", "no"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                if self.command("PING") == "+PONG":
                    return
            except OSError:
                time.sleep(0.05)
        fail("redis-server did not start")

    def command(self, *words):
        """One command; the first line of the reply."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT) as so:
            req = "*%d\r\n" % len(words) + "".join(
                "$%d\r\n%s\r\n" % (len(w.encode()), w) for w in words)
            so.sendall(req.encode())
            data = b""
            while b"\r\n" not in data:
                chunk = so.recv(65536)
                if not chunk:
                    break
                data += chunk
            time.sleep(0.05)
            so.settimeout(0.2)
            try:
                while True:
                    chunk = so.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            except OSError:
                pass
            self.last = data.decode(errors="replace")
            return self.last.split("\r\n")[0]

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    @property
    def url(self):
        return "redis://127.0.0.1:%d" % self.port


def node(r, *args):
    return Server("-v", "-r", "0", "--redis", r.url, *args)


@contextlib.contextmanager
def cluster(n, *args):
    """A redis-server and n servers on it (node()); all stopped by PID on the way out."""
    r = Redis()
    servers = []
    try:
        for _ in range(n):
            servers.append(node(r, *args))
        yield r, servers
    finally:
        stop_all(servers, r)


def settle(*clients, quiet=0.2):
    """Read until every client has been quiet for `quiet` seconds; what came is kept
    in each client's .log."""
    busy = True
    while busy:
        busy = False
        for c in clients:
            data = c.quiet(quiet)
            c.log = getattr(c, "log", b"") + data
            busy = busy or bool(data)


def stop_all(servers, r):
    try:
        for s in servers:
            if s.proc.poll() is None:
                assert s.stop() == 0, s.stderr()
    finally:
        r.kill()


# --- the nc transcript across servers ---------------------------------------------

def script(port_a, port_b, rkill=None):
    """The same conversation; returns what alice and bob received (times masked)."""
    a = join(port_a, "alice")
    settle(a)
    b = join(port_b, "bob")
    settle(a, b)
    steps = [(a, "hi bob"), (b, "hello alice"), (a, "/list"), (b, "/name robert"),
             (a, "/msg robert psst"), (b, "/msg alice back"), (b, "/join side"),
             (a, "/rooms"), (a, "/join side"), (b, "in side"), (a, "/list"), (b, "/join lobby")]
    for who, line in steps:
        who.line(line)
        time.sleep(0.15)
        settle(a, b)
    b.close()
    time.sleep(0.3)
    settle(a)
    out = [re.sub(TS, "TS", c.log.decode()) for c in (a, b)]
    a.close()
    return out


def test_nc_transcript_exact_across_servers():
    one = Server("-r", "0")
    try:
        want = script(one.port, one.port)
    finally:
        assert one.stop() == 0
    with cluster(2) as (r, (s1, s2)):
        got = script(s1.port, s2.port)
    if "psst" not in want[1] or "robert" not in want[0] or "in side" not in want[0]:
        fail("the one-server transcript is incomplete: %r" % want)
    for who, w, g in zip(("alice", "bob"), want, got):
        if w != g:
            fail("%s's transcript differs across servers:\none server:\n%s\ncluster:\n%s"
                 % (who, w, g))


def test_client_protocol_across_servers():
    with cluster(2) as (r, (s1, s2)):
        a = join(s1.port, "alice")
        p = proto_join(s2.port, "pat")
        joined(a, "pat")
        a.line("hello pat")
        p.expect(r"MSG\t[^\t]*\talice\thello pat\n")
        p.line("hi alice")
        a.expect(r"\[" + TS + r"\]\[pat\]:hi alice\n")
        a.line("/msg pat secret")
        p.expect(r"PRIV\t[^\n]*alice[^\n]*secret\n")
        p.close()
        left(a, "pat")


def test_three_servers():
    r = Redis()
    ss = [node(r) for _ in range(3)]
    try:
        cs = [join(s.port, n) for s, n in zip(ss, ("ann", "ben", "cat"))]
        time.sleep(0.3)
        settle(*cs)
        cs[0].line("to everyone")
        for c in cs[1:]:
            c.expect(r"\]\[ann\]:to everyone\n")
        cs[2].line("/msg ben only you")
        cs[1].expect(r"\]\[cat\]\[private\]:only you\n")
        cs[0].quiet(0.3)
        if "only you" in cs[0].buf.decode():
            fail("a private message reached a third party")
        cs[1].line("/list")
        cs[1].expect(r"3 in lobby:")
    finally:
        stop_all(ss, r)


# --- history, names --------------------------------------------------------------

def test_shared_history_after_restart():
    with cluster(2) as (r, (s1, s2)):
        a = join(s1.port, "alice")
        for i in range(3):
            a.line("old %d" % i)
        time.sleep(0.3)
        a.close()
        assert s1.stop() == 0
        s1 = node(r)     # a new process: no local history
        replays = []
        for port, name in ((s1.port, "carol"), (s2.port, "dave")):
            c = Client(port)
            c.expect_exact(BANNER)
            c.line(name)
            c.expect(r"\]\[%s\]:$" % name)
            replays.append(re.findall(r"\[alice\]:old \d", c.skipped.decode()))
            c.close()
        if replays[0] != ["[alice]:old %d" % i for i in range(3)]:
            fail("history not replayed from Redis after a restart: %r" % replays[0])
        if replays[0] != replays[1]:
            fail("the two servers replay different histories: %r" % replays)


def test_name_clash_across_servers():
    with cluster(2) as (r, (s1, s2)):
        a = join(s1.port, "alice")
        x = Client(s2.port)
        x.expect_exact(BANNER)
        x.line("ALICE")
        x.expect(r'Name "ALICE" is already taken\.\n\[ENTER YOUR NAME\]:')
        # The same name at the same moment on both servers: exactly one gets it.
        p, q = Client(s1.port), Client(s2.port)
        p.expect_exact(BANNER)
        q.expect_exact(BANNER)
        p.send("zed\n")
        q.send("zed\n")
        got = []
        for c in (p, q):
            m = c.expect(r"(\]\[zed\]:|already taken\.\n\[ENTER YOUR NAME\]:)$")
            got.append(b"already taken" not in m.group(0))
        if sorted(got) != [False, True]:
            fail("a simultaneous name claim was given to %d users" % got.count(True))
        a.close()


def test_lookalike_clash_across_servers():
    """A name's look-alike key (tcpchat:look:<key>) is claimed with its case key."""
    with cluster(2) as (r, (s1, s2)):
        a = join(s1.port, "Alice")
        x = Client(s2.port)
        x.expect_exact(BANNER)
        x.line("AIice")                         # a capital i
        x.expect(r'Name "AIice" is already taken[^\n]*\n\[ENTER YOUR NAME\]:')
        # Refused by Redis alone: a look-alike key another server holds.
        r.command("SET", "tcpchat:look:zoe", "other-server", "PX", "60000")
        x.line("zoe")
        x.expect(r'Name "zoe" is already taken\.\n\[ENTER YOUR NAME\]:')
        # i and l are two letters: ivo here and lvo there.
        ivo = join(s1.port, "ivo")
        lvo = join(s2.port, "lvo")
        # "Ivo" looks like lvo, on the other server.
        ivo.line("/name Ivo")
        ivo.expect(r'Name "Ivo" is already taken[^\n]*\n')
        # Once lvo is gone, a rename that keeps the case key claims the look-alike key.
        lvo.line("/name lvo2")
        lvo.expect(r"lvo is now known as lvo2\n")
        for _ in range(100):
            ivo.line("/name Ivo")
            m = ivo.expect(r"(ivo is now known as Ivo|already taken[^\n]*)\n")
            if b"now known" in m.group(0):
                break
            time.sleep(0.05)
        else:
            fail("Ivo still taken after lvo renamed")
        settle(ivo, lvo)
        y = Client(s2.port)
        y.expect_exact(BANNER)
        y.line("lvo")                           # looks like Ivo (on s1)
        y.expect(r'Name "lvo" is already taken[^\n]*\n\[ENTER YOUR NAME\]:')
        ivo.close()                             # both its keys released
        settle(lvo)
        for _ in range(100):
            y.line("lvo")
            m = y.expect(r"(\]\[lvo\]:|already taken[^\n]*\n\[ENTER YOUR NAME\]:)$")
            if b"][lvo]:" in m.group(0):
                break
            time.sleep(0.05)
        else:
            fail("lvo still taken after Ivo left")
        a.close()


def name_key_of(r, port, name):
    """The Redis key a name is claimed under (its folded form), seen while it is held."""
    c = join(port, name)
    settle(c)
    r.command("KEYS", "tcpchat:name:*")
    keys = re.findall(r"tcpchat:name:\S+", r.last)
    c.close()
    time.sleep(0.3)
    if len(keys) != 1:
        fail("expected one name key, got %r" % keys)
    return keys[0]


def test_rename_clash_across_servers():
    with cluster(2) as (r, (s1, s2)):
        # A name held by another server that this one does not know of: refused.
        key = name_key_of(r, s1.port, "dave")
        r.command("SET", key, "other-server", "PX", "60000")
        b = join(s2.port, "bob")
        settle(b)
        b.line("/name dave")
        b.expect(r'Name "dave" is already taken\.\n')
        b.line("/list")
        b.expect(r"  bob \(you\)\n")
        # Two renames to one name at the same moment on two servers: one gets it.
        a = join(s1.port, "alice")
        settle(a, b)
        a.send("/name zed\n")
        b.send("/name zed\n")
        got = []
        for c, was in ((a, "alice"), (b, "bob")):
            m = c.expect(r"(%s is now known as zed|already taken\.)\n" % was)
            got.append(b"already taken" not in m.group(0))
        if sorted(got) != [False, True]:
            fail("a simultaneous rename claim was given to %d users" % got.count(True))
        # The old name of the one renamed is free again across the cluster.
        old = "alice" if got[0] else "bob"
        settle(a, b)
        c = join(s2.port if old == "alice" else s1.port, old)
        c.line("here")
        c.close()
        a.close()
        b.close()


def test_irc_nick_claimed_across_servers():
    from test_irc import SERVER, Irc, irc_server, welcomed
    r = Redis()
    s1 = node(r)
    s2 = irc_server("-r", "0", "--redis", r.url)
    try:
        key = name_key_of(r, s1.port, "dave")
        r.command("SET", key, "other-server", "PX", "60000")
        c = Irc(s2.irc)
        c.cmd("NICK dave")
        c.cmd("USER dave 0 * :Dave")
        c.want(r":%s 433 \S+ dave :.*" % re.escape(SERVER))
        c.cmd("NICK erin")
        c.want(r":%s 001 erin :Welcome.*" % re.escape(SERVER))
        welcomed(c, "erin")
        r.command("KEYS", "tcpchat:name:*")
        if len(re.findall(r"tcpchat:name:\S+", r.last)) != 2:
            fail("the IRC nick is not claimed in Redis: %r" % r.last)
        x = Client(s1.port)
        x.expect_exact(BANNER)
        x.line("erin")
        x.expect(r'Name "erin" is already taken\.\n\[ENTER YOUR NAME\]:')
        c.cmd("QUIT :bye")
        c.expect_closed()
        # The name is free once the other server's release (and its leave) has
        # crossed Redis: try again until then, within the refused-names limit.
        for _ in range(12):
            x.line("erin")
            m = x.expect(r"(\]\[erin\]:)|(already taken\.\n\[ENTER YOUR NAME\]:)")
            if m.group(1):
                break
            time.sleep(0.5)
        else:
            fail("erin was never free again on the other server")
        x.close()
    finally:
        stop_all([s1, s2], r)


def test_action_across_servers():
    """Issue 20 point 3: an action crosses Redis as an action ("kind":"action"): nc,
    the client dialect and IRC on two servers see it each its own way, private ones
    too, and the shared history replays it as one on a third server."""
    from test_irc import SERVER, irc_join, irc_server
    r = Redis()
    s1 = node(r)
    s2 = irc_server("-r", "0", "--redis", r.url)
    s3 = None
    try:
        a = join(s1.port, "alice")
        p = proto2_join(s2.port, "pat")
        c = irc_join(s2.irc, "ivan")
        joined(a, "pat")
        joined(a, "ivan")
        a.line("/me waves")
        p.expect(r"(?:^|\n)ACTION\tlobby\t[^\t]+\talice\twaves\n")
        c.want(r":alice!tcpchat@%s PRIVMSG #lobby :\x01ACTION waves\x01" % re.escape(SERVER))
        c.cmd("PRIVMSG #lobby :\x01ACTION dances\x01")
        a.expect(r"(?:^|\n)\* ivan dances\n\[" + TS + r"\]\[alice\]:")
        p.line("/me nods")
        a.expect(r"(?:^|\n)\* pat nods\n\[" + TS + r"\]\[alice\]:")
        a.line("//me claps")
        c.want(r":alice!tcpchat@%s PRIVMSG #lobby :/me claps" % re.escape(SERVER))
        p.expect(r"(?:^|\n)MSG\tlobby\t[^\t]+\talice\t/me claps\n")
        c.cmd("PRIVMSG alice :\x01ACTION winks\x01")
        a.expect(r"(?:^|\n)\[private\] \* ivan winks\n")
        a.line("/action pat bows")
        p.expect(r"(?:^|\n)PRIVACTION\t[^\t]+\talice\tpat\tbows\n")
        a.line("/action ivan bows")
        c.want(r":alice!tcpchat@%s PRIVMSG ivan :\x01ACTION bows\x01" % re.escape(SERVER))
        time.sleep(0.3)
        r.command("XRANGE", "tcpchat:hist:lobby", "-", "+")
        if r.last.count('"kind":"action"') < 3:
            fail("the shared history lacks the actions: %r" % r.last)
        s3 = node(r)                        # its first user gets the stream's history
        z = Client(s3.port)
        z.expect_exact(BANNER)
        z.line("zed")
        z.expect(r"\]\[zed\]:$")
        if not re.search(rb"\* alice waves\n\* ivan dances\n\* pat nods\n"
                         rb"\[" + TS.encode() + rb"\]\[alice\]:/me claps\n", z.skipped):
            fail("history from Redis lost the actions: %r" % z.skipped)
        c.cmd("QUIT")
    finally:
        stop_all([x for x in (s1, s2, s3) if x is not None], r)


def test_topic_across_servers():
    from test_irc import SERVER, irc_join, irc_server
    r = Redis()
    s1 = node(r)
    s2 = irc_server("-r", "0", "--redis", r.url)
    try:
        a = join(s1.port, "alice")
        b = join(s2.port, "bob")
        i = irc_join(s2.irc, "ivy")
        settle(a, b)
        a.line("/topic release on friday")
        b.expect(r"alice set the topic of lobby: release on friday\n")
        i.want(r"(@\S+ )?:alice!\S+ TOPIC #lobby :release on friday")
        # A newcomer on the other server gets it with the room.
        c = Client(s2.port)
        c.expect_exact(BANNER)
        c.line("carol")
        c.expect(r"Topic: release on friday\n")
        # From IRC, and cleared: back on the first server.
        i.cmd("TOPIC #lobby :")
        a.expect(r"ivy cleared the topic of lobby\.\n")
        a.line("/topic")
        a.expect(r"No topic is set in lobby\.\n")
        a.line("/topic back on monday")
        c.expect(r"alice set the topic of lobby: back on monday\n")
        # A server that was not there: its first user gets the topic kept in Redis.
        s3 = node(r)
        d = Client(s3.port)
        d.expect_exact(BANNER)
        d.line("dora")
        d.expect(r"Topic: back on monday\n")
        # A room no user of this server was in: taken when one enters (then /topic).
        a.line("/join side")
        a.line("/topic the side room")
        a.expect(r"alice set the topic of side: the side room\n")
        # Redis holds it before dora's server first uses the room (a topic set in the
        # instant a server subscribes is not seen there until asked again: the man page).
        deadline = time.monotonic() + TIMEOUT
        while "the side room" not in (r.command("GET", "tcpchat:topic:side") and r.last):
            if time.monotonic() > deadline:
                fail("the side room's topic never reached Redis: %r" % r.last)
            time.sleep(0.05)
        d.line("/join side")
        d.expect(r"You are now in room side")
        deadline = time.monotonic() + TIMEOUT    # Redis's answer: well under a second
        while True:
            settle(d)
            d.line("/topic")
            if b"Topic: the side room\n" in d.expect(r"(Topic: .*|No topic .*)\n").group(0):
                break
            if time.monotonic() > deadline:
                fail("the topic kept in Redis did not reach the room's first user")
            time.sleep(0.2)
        for x in (a, b, c, d, i):
            x.close()
        assert s3.stop() == 0, s3.stderr()
    finally:
        stop_all([s1, s2], r)


def test_whois_across_servers():
    with cluster(2) as (r, (s1, s2)):
        a = join(s1.port, "alice")
        b = join(s2.port, "bob")
        settle(a, b)
        b.line("/join side")
        b.line("/away lunch")
        settle(a, b)
        a.line("/whois bob")
        a.expect(r"bob: on another server, in side; idle, here since and away are not known "
                 r"here\n")
        b.line("/whois alice")
        b.expect(r"alice: on another server, in lobby; idle, here since and away are not "
                 r"known here\n")
        a.line("/whois nobody")
        a.expect(r"No such user: nobody\n")
        a.close()
        b.close()


def test_kill9_server():
    r = Redis()
    s1, s2 = node(r), node(r)
    try:
        a = join(s1.port, "alice")
        b = join(s2.port, "bob")
        joined(a, "bob")
        s2.proc.send_signal(signal.SIGKILL)
        s2.proc.wait()
        t0 = time.monotonic()
        a.expect(r"bob has left our chat\.\.\.\n", timeout=20)  # the TTL and one refresh
        took = time.monotonic() - t0
        if took > 16:
            fail("the dead server's user left only after %.1f s" % took)
        b.close()
        deadline = time.monotonic() + 16
        while True:
            c = Client(s1.port)
            c.expect_exact(BANNER)
            c.line("bob")
            m = c.expect(r"(\]\[bob\]:|\[ENTER YOUR NAME\]:)$", timeout=TIMEOUT)
            if b"already taken" not in m.group(0):
                break
            c.close()
            if time.monotonic() > deadline:
                fail("the dead server's name was not freed within its lease")
            time.sleep(0.5)
    finally:
        stop_all([s1], r)



def test_redis_killed_and_restarted():
    with cluster(2) as (r, (s1, s2)):
        a = join(s1.port, "alice")
        b = join(s2.port, "bob")
        joined(a, "bob")
        a.line("before")
        b.expect(r"\]\[alice\]:before\n")
        r.kill()
        for c in (a, b):
            c.expect(r"The link to the other servers is down")
        a.line("during")
        a.expect(r"\[alice\]:$")
        if b.quiet(0.5) and "during" in b.buf.decode():
            fail("a message crossed while Redis was down")
        r.start()
        for c in (a, b):
            c.expect(r"The link to the other servers is back", timeout=TIMEOUT + 6)
        time.sleep(0.5)
        a.line("after")
        b.expect(r"\]\[alice\]:after\n")
        b.line("reply")
        a.expect(r"\]\[bob\]:reply\n")
        # What was said during the outage reached the shared history when Redis returned.
        r.command("XRANGE", "tcpchat:hist:lobby", "-", "+")
        if '"text":"during"' not in r.last or '"text":"after"' not in r.last:
            fail("the outage's message is not in the stream: %r" % r.last)
        for s in (s1, s2):
            if s.stderr().count("redis: lost") != 1:
                fail("the outage was not logged once: %r" % s.stderr())


def test_redis_stall_during_name_claims_refuses_and_survives():
    """Issue 21, item 1: a join, a /name and an IRC NICK whose claims are pending when
    Redis stalls past the command timeout. The server used to take the lost answer for
    a granted claim and crash (SIGSEGV) on the dropped link; now each is refused as
    not checkable, the server stays up, and the same names work once Redis is back."""
    from test_irc import SERVER, Irc, irc_server, welcomed
    r = Redis()
    s = irc_server("-r", "0", "--redis", r.url)
    try:
        a = join(s.port, "alice")
        b = Client(s.port)
        b.expect_exact(BANNER)
        i = Irc(s.irc)
        os.kill(r.proc.pid, signal.SIGSTOP)
        try:
            b.line("bob")
            a.line("/name alicia")
            i.cmd("NICK ivy")
            i.cmd("USER ivy 0 * :Ivy")
            unknown = r'Name "%s" could not be checked with the other servers just now; try again\.'
            b.expect((unknown % "bob") + r"\n\[ENTER YOUR NAME\]:", timeout=TIMEOUT)
            a.expect(unknown % "alicia")
            i.want(r":%s 433 \S+ ivy :.*" % re.escape(SERVER))
            if s.proc.poll() is not None:
                fail("the server died: %r" % s.stderr()[-2000:])
        finally:
            os.kill(r.proc.pid, signal.SIGCONT)
        a.expect(r"The link to the other servers is back", timeout=TIMEOUT + 6)
        b.line("bob")
        b.expect(r"\]\[bob\]:$")
        a.line("/name alicia")
        a.expect(r"\[alicia\]:$")
        i.cmd("NICK ivy")
        i.want(r":%s 001 ivy :Welcome.*" % re.escape(SERVER))
        welcomed(i, "ivy")
        r.command("KEYS", "tcpchat:name:*")
        for n in ("bob", "alicia", "ivy"):
            if "tcpchat:name:" + n not in r.last:
                fail("%s is not claimed in Redis after the stall: %r" % (n, r.last))
        i.cmd("QUIT")
        for c in (a, b):
            c.close()
    finally:
        stop_all([s], r)


def test_slow_reader_does_not_slow_others():
    r = Redis()
    s1, s2 = node(r, "-Q", "64"), node(r, "-Q", "64")
    try:
        slow = Client(s2.port)
        slow.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.expect_exact(BANNER)
        slow.line("slow")
        a = join(s1.port, "alice")
        b = join(s2.port, "bob")
        settle(a, b)
        t0 = time.monotonic()
        for i in range(500):
            a.line("message %d %s" % (i, "x" * 200))
        b.expect(r"\]\[alice\]:message 499 x+\n", timeout=TIMEOUT * 2)
        took = time.monotonic() - t0
        if took > TIMEOUT:
            fail("500 messages took %.1f s to reach another server" % took)
    finally:
        stop_all([s1, s2], r)


def test_reuse_port():
    r = Redis()
    port = free_port()
    s1 = node(r, "-p", str(port), "--reuse-port", "-b", "127.0.0.1")
    s2 = node(r, "-p", str(port), "--reuse-port", "-b", "127.0.0.1")
    try:
        if s1.port != port or s2.port != port:
            fail("--reuse-port servers did not share port %d" % port)
        cs = [join(port, "u%d" % i) for i in range(8)]
        cs[0].line("one port")
        for c in cs[1:]:
            c.expect(r"\]\[u0\]:one port\n")
    finally:
        stop_all([s1, s2], r)


def test_irc_nick_refused_by_another_server():
    """A NICK to a name another server holds: 433 once Redis answered, the nick kept."""
    from test_irc import SERVER, irc_join, irc_server
    r = Redis()
    s1 = node(r)
    s2 = irc_server("-r", "0", "--redis", r.url)
    try:
        key = name_key_of(r, s1.port, "dave")
        r.command("SET", key, "other-server", "PX", "60000")  # not known to s2 as a user
        a = join(s1.port, "alice")
        c = irc_join(s2.irc, "erin")
        joined(a, "erin")
        c.cmd("NICK dave")
        c.want(re.escape(":%s 433 erin dave :Nickname is already in use" % SERVER))
        c.cmd("PRIVMSG #lobby :still erin")
        a.expect(r"\]\[erin\]:still erin\n")
        c.cmd("NICK frank")             # a free name: claimed, then taken
        c.want(r":erin!\S+ NICK :?frank")
        a.expect(r"erin is now known as frank\.?\n")
        c.cmd("NICK dave")              # refused again: the session knows its new nick
        c.want(re.escape(":%s 433 frank dave :Nickname is already in use" % SERVER))
        c.cmd("PRIVMSG #lobby :still frank")
        a.expect(r"\]\[frank\]:still frank\n")
        c.cmd("QUIT :bye")
        c.expect_closed()
        a.close()
    finally:
        stop_all([s1, s2], r)


def test_cluster_counters_in_stats_and_sigusr1():
    """/stats and SIGUSR1 of a cluster server add the bus's counters."""
    import tempfile
    from test_operators import Setup, oper, reply
    r = Redis()
    with tempfile.TemporaryDirectory() as d:
        s1 = Setup(d).server("-r", "0", "--redis", r.url)
        s2 = node(r)
        try:
            a = join(s1.port, "alice")
            b = join(s2.port, "bob")
            joined(a, "bob")
            oper(a, "alice")
            a.line("hello")
            b.expect(r"\]\[alice\]:hello\n")
            a.line("/stats")
            counters = (r"published (\d+), queued 0, dropped 0, received (\d+), own \d+, "
                        r"gaps 0, bad 0, dead servers 0, reannounced 0")
            m = a.expect(r"uptime [^\n]*\ncluster: redis up, " + counters + r"\n")
            if int(m.group(1)) < 2 or int(m.group(2)) < 1:
                fail("counters: %r" % m.group(0))
            s1.proc.send_signal(signal.SIGUSR1)
            deadline = time.monotonic() + TIMEOUT
            while "cluster:" not in s1.stderr() and time.monotonic() < deadline:
                time.sleep(0.05)
            if not re.search(r"stats: uptime [^\n]*\ntcpchat\[\d+\]: cluster: redis up, " +
                             counters + r"\n", s1.stderr()):
                fail("no cluster line in the SIGUSR1 summary: %r" % s1.stderr()[-800:])
            a.close()
            b.close()
        finally:
            stop_all([s1, s2], r)


def room_counts(c):
    """/rooms as {room: members}."""
    c.line("/rooms")
    m = c.expect(r"\d+ rooms?:\n((?:  \S+ \(\d+\)[^\n]*\n)+)")
    return {k: int(v) for k, v in re.findall(r"  (\S+) \((\d+)\)", m.group(1).decode())}


def wait_counts(c, want, what):
    """Ask /rooms until it shows want (a subset), within the roster refresh and a margin."""
    deadline = time.monotonic() + TIMEOUT + 6
    while True:
        got = room_counts(c)
        if all(got.get(k, 0) == v for k, v in want.items()):
            return
        if time.monotonic() > deadline:
            fail("%s: /rooms shows %r, not %r" % (what, got, want))
        time.sleep(0.3)


def test_remote_user_in_several_rooms():
    """A user of another server in lobby and dev is a member of both here (events of
    the rooms subscribed, and the roster kept in Redis for the others)."""
    from test_irc import irc_join, irc_server
    r = Redis()
    s1 = irc_server("-r", "0", "--redis", r.url)
    s2 = node(r)
    try:
        b = join(s2.port, "bob")
        c = irc_join(s1.irc, "carol")
        joined(b, "carol")
        c.cmd("JOIN #dev")
        c.want(r"(@\S+ )?:carol!\S+ JOIN #dev")
        # dev has no user on s2: carol is placed there from the roster.
        wait_counts(b, {"lobby": 2, "dev": 1}, "carol in lobby and dev")
        b.line("/list")
        b.expect(r"  carol\n")
        r.command("HGETALL", "tcpchat:members:" + re.search(
            r"this server is (\S+)", s1.stderr()).group(1))
        if "lobby,dev" not in r.last:
            fail("the member list in Redis does not hold both rooms: %r" % r.last)
        # bob in dev too (he moves: nc is one room): carol's events there come live.
        b.line("/join dev")
        wait_counts(b, {"lobby": 1, "dev": 2}, "bob moved to dev")
        c.cmd("PART #dev")
        wait_counts(b, {"lobby": 1, "dev": 1}, "carol left dev, still in lobby")
        b.line("/join lobby")
        wait_counts(b, {"lobby": 2}, "bob back in lobby, with carol")
        c.cmd("QUIT :bye")
        left(b, "carol", "Quit: bye")
        wait_counts(b, {"lobby": 1}, "carol gone")
        b.close()
    finally:
        stop_all([s1, s2], r)
# --- operator actions across servers (tcpchat:oper) -------------------------------

OPER_PASSWORD = "s3cret pass"


def prompt(name):
    return r"\[" + TS + r"\]\[" + re.escape(name) + r"\]:$"


def reply(c, name, text):
    """The next line c gets is text (a regex), then its prompt."""
    c.expect(text + r"\n\[" + TS + r"\]\[" + re.escape(name) + r"\]:")


class OperCluster:
    """Two servers on one Redis, each with the same oper file (admin) and its own state
    directory; alice (an operator) on the first."""

    def __init__(self, d, irc=False):
        opers = os.path.join(d, "opers")
        h = subprocess.run(["openssl", "passwd", "-6", "-stdin"], input=OPER_PASSWORD.encode(),
                           capture_output=True, check=True).stdout.decode().strip()
        with open(opers, "w") as f:
            f.write("admin:%s\n" % h)
        os.chmod(opers, 0o600)
        self.r = Redis()
        self.servers = []
        for i in (1, 2):
            env = dict(os.environ, STATE_DIRECTORY=os.path.join(d, "state%d" % i))
            args = ("-r", "0", "--redis", self.r.url, "--oper-file", opers)
            if irc and i == 1:      # an IRC listener on the first (.irc)
                from test_irc import irc_server
                self.servers.append(irc_server(*args, env=env))
            else:
                self.servers.append(Server("-v", *args, env=env))
        self.s1, self.s2 = self.servers

    def alice(self):
        a = join(self.s1.port, "alice")
        a.line("/oper admin " + OPER_PASSWORD)
        a.expect(r"You are now an operator\.\n" + prompt("alice"))
        return a

    def stop(self):
        stop_all(self.servers, self.r)


def logged_on(s, pattern):
    """s's log gets a line matching pattern (within the timeout)."""
    deadline = time.monotonic() + TIMEOUT
    while not re.search(pattern, s.stderr()):
        if time.monotonic() > deadline:
            fail("not logged: %r in %r" % (pattern, s.stderr()))
        time.sleep(0.05)


def test_oper_kick_across_servers():
    with tempfile.TemporaryDirectory() as d:
        c = OperCluster(d)
        try:
            a = c.alice()
            b = join(c.s2.port, "bob")
            joined(a, "bob")
            a.line("/kick bob go away")
            reply(a, "alice", re.escape("Kicked bob (on another server): go away"))
            b.expect(r"You were kicked by alice: go away\n")
            b.expect_closed()
            left(a, "bob")
            logged_on(c.s2, r"warning: oper \"alice\" \(server [^)]+\): Kicked bob "
                      r"\(127\.0\.0\.1:\d+\): go away")
        finally:
            c.stop()


def test_irc_kick_across_servers():
    """Issue 20: an IRC operator's KICK of a user of another server goes through the
    cluster (it was done here only: the KICK line and the log said kicked, and the user
    stayed); that server puts the nc user out, as /kick does."""
    from test_irc import SERVER, irc_join
    with tempfile.TemporaryDirectory() as d:
        c = OperCluster(d, irc=True)
        try:
            i = irc_join(c.s1.irc, "ivy")
            i.cmd("OPER admin :" + OPER_PASSWORD)
            i.want(r":%s 381 ivy .*" % re.escape(SERVER))
            b = join(c.s2.port, "bob")
            i.want(r"(@\S+ )?:bob!\S+ JOIN :?#lobby")
            i.cmd("KICK #lobby bob :go away")
            b.expect(r"You were kicked by ivy: go away\n")
            b.expect_closed()
            i.want(r":%s NOTICE ivy :Kicked bob \(on another server\) from room lobby: go "
                   r"away" % re.escape(SERVER))
            i.want(r"(@\S+ )?:bob!\S+ QUIT .*")
            logged_on(c.s1, r"warning: oper \"ivy\" \(127\.0\.0\.1:\d+\): Kicked bob \(on "
                      r"another server\) from room lobby: go away")
            logged_on(c.s2, r"warning: oper \"ivy\" \(server [^)]+\): Kicked bob "
                      r"\(127\.0\.0\.1:\d+\): go away")
            i.cmd("QUIT")
        finally:
            c.stop()


def test_oper_mute_across_servers():
    with tempfile.TemporaryDirectory() as d:
        c = OperCluster(d)
        try:
            a = c.alice()
            b = join(c.s2.port, "bob")
            joined(a, "bob")
            a.line("/mute bob 10m")
            reply(a, "alice", re.escape("Muted bob for 10m."))
            b.expect(r"You were muted by alice for 10m\.\n" + prompt("bob"))
            b.line("can you hear me")
            reply(b, "bob", r"You are muted for \d+m( \d+s)? more: your messages are not sent\.")
            a.line("/unmute bob")
            reply(a, "alice", re.escape("Unmuted bob (on another server)."))
            b.expect(r"You can speak again\.\n" + prompt("bob"))
            b.line("back again")
            a.expect(r"\]\[bob\]:back again\n")
            if b"can you hear me" in a.skipped:
                fail("a muted member's message crossed: %r" % a.skipped)
            logged_on(c.s2, r"oper \"alice\" \(server [^)]+\): Muted bob for 10m\.")
            logged_on(c.s2, r"oper \"alice\" \(server [^)]+\): Unmuted bob\.")
        finally:
            c.stop()


def banned_on(s, host):
    """A connection from host to s is refused with the ban's message."""
    cl = Client(s.port, host)
    cl.expect(r"You are banned from this server until [^\n]*: spamming\.\n")
    cl.expect_closed()


def test_oper_ban_across_servers():
    with tempfile.TemporaryDirectory() as d:
        c = OperCluster(d)
        try:
            a = c.alice()
            b = join(c.s2.port, "bob", host="::1")     # bob's address: ::/64
            joined(a, "bob")
            # Connections from it that gave no name yet go too, on both servers.
            unnamed = [Client(s.port, "::1") for s in (c.s2, c.s1)]
            for u in unnamed:
                u.expect_exact(BANNER)
            a.line("/ban bob 2h spamming")
            reply(a, "alice", re.escape("Banning bob (on another server) for 2h: that server "
                                        "bans the address and every server adds it to its "
                                        "ban list."))
            for u in [b] + unnamed:
                u.expect(r"You were kicked by alice: spamming\n")
                u.expect_closed()
            left(a, "bob")
            logged_on(c.s2, r"oper \"alice\" \(server [^)]+\): Banned ::/64; 2 connections "
                      r"kicked\.")
            banned_on(c.s2, "::1")
            logged_on(c.s1, r"oper \"alice\" \(server [^)]+\): Banned ::/64; 1 connection "
                      r"kicked\.")
            banned_on(c.s1, "::1")
            a.line("/bans")
            a.expect(r"1 ban:\n  ::/64  (?:2h|1h 59m) left  by alice: spamming\n" +
                     prompt("alice"))
            a.line("/unban ::1")
            reply(a, "alice", re.escape("Unbanned ::/64."))
            logged_on(c.s2, r"oper \"alice\" \(server [^)]+\): Unbanned ::/64\.")
            join(c.s2.port, "bob", host="::1").close()
        finally:
            c.stop()


def test_oper_purge_across_servers():
    with tempfile.TemporaryDirectory() as d:
        c = OperCluster(d)
        s3 = None
        try:
            a = c.alice()
            e = join(c.s2.port, "eve")
            joined(a, "eve")
            a.line("hello")
            e.expect(r"\]\[alice\]:hello\n")
            e.line("buy cheap stuff")
            a.expect(r"\]\[eve\]:buy cheap stuff\n")
            a.line("/purge eve")
            reply(a, "alice", re.escape("Purged 1 message of eve from the history; every "
                                        "server of the cluster purges its own, and the "
                                        "shared history is purged too."))
            logged_on(c.s2, r"oper \"alice\" \(server [^)]+\): Purged 1 message of eve "
                      r"from the history\.")
            logged_on(c.s1, r"redis: purge: 1 messages deleted from the shared history")
            c.r.command("XRANGE", "tcpchat:hist:lobby", "-", "+")
            if "cheap" in c.r.last or '"text":"hello"' not in c.r.last:
                fail("the shared history after the purge: %r" % c.r.last)
            for port in (c.s2.port,):
                p = join(port, "peek")
                p.line("/history")
                m = p.expect(r"(?s)hello(.*)" + prompt("peek"))
                hist = m.group(0).decode()
                if "cheap" in hist:
                    fail("history on the other server after the purge: %r" % hist)
                p.close()
            s3 = Server("-v", "-r", "0", "--redis", c.r.url)   # reads the stream
            p = join(s3.port, "late")
            p.line("/history")
            hist = p.expect(r"(?s)hello(.*)" + prompt("late")).group(0).decode()
            if "cheap" in hist:
                fail("history of a new server after the purge: %r" % hist)
        finally:
            if s3 is not None:
                c.servers.append(s3)
            c.stop()


def test_oper_wall_across_servers():
    with tempfile.TemporaryDirectory() as d:
        c = OperCluster(d)
        try:
            a = c.alice()
            b = join(c.s2.port, "bob")
            joined(a, "bob")
            b.line("/join dev")
            b.expect(r"You are now in room dev[^\n]*\n(.*)" + prompt("bob"))
            a.expect(r"\nbob went to room dev\n" + prompt("alice"))
            a.line("/wall restart in 5 minutes")
            b.expect(r"\*\*\* Notice from alice: restart in 5 minutes\n" + prompt("bob"))
            a.expect(r"\*\*\* Notice from alice: restart in 5 minutes\n" + prompt("alice"))
            logged_on(c.s2, r"oper \"alice\" \(server [^)]+\): \*\*\* Notice from alice: "
                      r"restart in 5 minutes")
        finally:
            c.stop()


def test_client_reconnects_to_another_server_keeps_rooms():
    """A rolling restart behind one port: the full-screen client loses its server and
    comes back on the other one of the cluster, with its name and both its rooms."""
    import shutil
    if shutil.which("tmux") is None:
        print("tmux not installed: skipped")
        return
    from test_client_tui import Tmux
    r = Redis()
    port = free_port()
    s1 = node(r, "-p", str(port), "--reuse-port", "-b", "127.0.0.1")
    s2 = None
    t = None
    try:
        t = Tmux(port, name="alice")            # s1 is the only listener: it gets alice
        t.wait(r"You are alice, in #lobby")
        t.type("/join dev")
        t.keys("Enter")
        t.wait(r"\| 2:#dev \| alice \|")
        s2 = node(r, "-p", str(port), "--reuse-port", "-b", "127.0.0.1")
        if s1.stop() != 0:                     # SIGTERM: it leaves the cluster cleanly
            fail("s1 did not stop cleanly: " + s1.stderr())
        t.wait(r"Disconnected \(")
        t.wait(r"\| 2:#dev \| alice \| 1 here", timeout=TIMEOUT + 35)
        t.wait(r"connected\s*$")
        bob = join(port, "bob")                 # only s2 listens now
        bob.line("/join dev")
        bob.expect(r"\[" + TS + r"\]\[bob\]:$")
        t.wait(r"-- bob came from #lobby$")
        t.type("back on another server")
        t.keys("Enter")
        bob.expect(r"\]\[alice\]:back on another server\n")
        t.type("/window 1")
        t.keys("Enter")
        t.wait(r"\| 1:#lobby \| alice \|")
        bob.close()
    finally:
        if t:
            t.close()
        stop_all([s for s in (s1, s2) if s is not None], r)


def test_client_gets_its_name_back_after_its_server_died():
    """kill -9 of the client's server: the other server refuses its name while the dead
    server's lease holds it; the client keeps asking and gets name and rooms back."""
    import shutil
    if shutil.which("tmux") is None:
        print("tmux not installed: skipped")
        return
    from test_client_tui import Tmux
    r = Redis()
    port = free_port()
    s1 = node(r, "-p", str(port), "--reuse-port", "-b", "127.0.0.1")
    s2 = None
    t = None
    try:
        t = Tmux(port, name="alice")
        t.wait(r"You are alice, in #lobby")
        t.type("/join dev")
        t.keys("Enter")
        t.wait(r"\| 2:#dev \| alice \|")
        s2 = node(r, "-p", str(port), "--reuse-port", "-b", "127.0.0.1")
        s1.proc.kill()
        s1.proc.wait(TIMEOUT)
        # Refused while the dead server's lease holds the name, then taken back.
        t.wait(r"\| 2:#dev \| alice \| 1 here", timeout=TIMEOUT + 40)
        if re.search(r"Choose another name", t.screen()):
            fail("the client gave up its name:\n" + t.screen())
        asked = re.findall(r'name \S+: "alice"', s2.stderr())
        if len(asked) < 2:
            fail("the name was not refused first (asked %d times): %s" % (len(asked), s2.stderr()))
        bob = join(port, "bob")
        bob.line("/join dev")
        t.wait(r"-- bob came from #lobby$")
        t.type("alice again")
        t.keys("Enter")
        bob.expect(r"\]\[alice\]:alice again\n")
        bob.close()
    finally:
        if t:
            t.close()
        if s1.proc.poll() is None:
            s1.proc.kill()
        stop_all([s for s in (s2,) if s is not None], r)
# --- one action of a remote user in several rooms: one IRC line --------------------

def wait_subscribed(r, channel):
    """Until Redis has a subscriber on channel."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        r.command("PUBSUB", "NUMSUB", channel)
        if re.search(r":[1-9]\d*\r\n$", r.last):
            return
        if time.monotonic() > deadline:
            fail("nobody subscribed to %s: %r" % (channel, r.last))
        time.sleep(0.05)


def one_action_cluster(r, servers):
    """Two IRC servers on r (added to servers): dave on the second, in #lobby and #dev;
    carol on the first, in both too (dave saw her come into each); erin (nc) on the
    first, in lobby."""
    from test_irc import irc_join, irc_server
    s1 = irc_server("-r", "0", "--redis", r.url)
    servers.append(s1)
    s2 = irc_server("-r", "0", "--redis", r.url)
    servers.append(s2)
    d = irc_join(s2.irc, "dave")
    d.cmd("JOIN #dev")
    d.want(r"(@\S+ )?:dave!\S+ JOIN #dev")
    # What is said in dev before Redis has the second server's subscription is not
    # live there: wait for it, so that carol's coming into dev is.
    wait_subscribed(r, "tcpchat:room:dev")
    e = join(s1.port, "erin")
    d.want(r"(@\S+ )?:erin!\S+ JOIN #lobby")
    c = irc_join(s1.irc, "carol")
    d.want(r"(@\S+ )?:carol!\S+ JOIN #lobby")
    c.cmd("JOIN #dev")
    c.want(r"(@\S+ )?:carol!\S+ JOIN #dev")
    d.want(r"(@\S+ )?:carol!\S+ JOIN #dev")
    return d, e, c


def once_before_marker(d, e, pattern, what):
    """d gets one line matching pattern; then, once erin (of the same server as the
    action, so after it on Redis) speaks, no second one before her line."""
    d.want(pattern)
    e.line("marker")
    lines = d.lines_until(r"(@\S+ )?:erin!\S+ PRIVMSG #lobby :?marker")
    again = [ln for ln in lines if re.fullmatch(pattern, ln)]
    if again:
        fail("%s told twice to an IRC viewer of both rooms: %r" % (what, again))


def test_remote_quit_in_two_rooms_is_one_quit():
    """A user of another server in two rooms quits: an IRC viewer of both rooms here gets
    one QUIT, as on her own server (the events of one action share a group across
    Redis)."""
    r = Redis()
    servers = []
    try:
        d, e, c = one_action_cluster(r, servers)
        c.cmd("QUIT :bye")
        once_before_marker(d, e, r"(@\S+ )?:carol!\S+ QUIT .*", "carol's QUIT")
        d.cmd("QUIT")
        e.close()
    finally:
        stop_all(servers, r)


def test_quit_reason_across_servers():
    """Issue 20: the reason of a leave (and of a part) crosses Redis with it: a remote
    IRC QUIT shows its reason instead of "Quit", once, sanitised, to IRC, nc and client
    users of the other server; an nc user's /quit reason crosses too."""
    from test_irc import UTC
    r = Redis()
    servers = []
    try:
        d, e, c = one_action_cluster(r, servers)
        s2 = servers[1]
        f = join(s2.port, "fred")
        d.want(r"(@\S+ )?:fred!\S+ JOIN #lobby")
        g = proto_join(s2.port, "gil", 2)
        d.want(r"(@\S+ )?:gil!\S+ JOIN #lobby")
        joined(f, "gil")
        c.cmd("PART #dev :off \x1b[2Jto\x01 lunch")
        d.want(r"(@\S+ )?:carol!\S+ PART #dev " + re.escape(":off [2Jto lunch"))
        c.cmd("QUIT :gone \x1b]0;x\x07fishing\x01")
        once_before_marker(d, e, r"(@\S+ )?:carol!\S+ QUIT " +
                           re.escape(":Quit: gone ]0;xfishing"), "carol's QUIT")
        left(f, "carol", "Quit: gone ]0;xfishing")
        g.expect(r"(?:^|\n)LEAVE\tlobby\t" + UTC + r"\tcarol\t\tQuit: gone \]0;xfishing\n")
        e.line("/quit so long")
        e.expect(r"Goodbye!\n")
        d.want(r"(@\S+ )?:erin!\S+ QUIT :Quit: so long")
        left(f, "erin", "Quit: so long")
        d.cmd("QUIT")
        f.close()
        g.close()
    finally:
        stop_all(servers, r)


def test_remote_rename_in_two_rooms_is_one_nick():
    """Same for a rename: one NICK."""
    r = Redis()
    servers = []
    try:
        d, e, c = one_action_cluster(r, servers)
        c.cmd("NICK carla")
        c.want(r"(@\S+ )?:carol!\S+ NICK :?carla")
        once_before_marker(d, e, r"(@\S+ )?:carol!\S+ NICK :?carla", "carol's NICK")
        c.cmd("QUIT")
        d.cmd("QUIT")
        e.close()
    finally:
        stop_all(servers, r)


if __name__ == "__main__":
    if REDIS is None:
        print("SKIP: redis-server is not installed (apt-get install redis-server)")
        sys.exit(77)
    run([test_nc_transcript_exact_across_servers, test_client_protocol_across_servers,
         test_three_servers, test_shared_history_after_restart,
         test_name_clash_across_servers, test_lookalike_clash_across_servers,
         test_rename_clash_across_servers,
         test_irc_nick_claimed_across_servers, test_action_across_servers,
         test_topic_across_servers, test_whois_across_servers, test_kill9_server, test_redis_killed_and_restarted,
         test_redis_stall_during_name_claims_refuses_and_survives,
         test_slow_reader_does_not_slow_others, test_reuse_port,
         test_irc_nick_refused_by_another_server, test_cluster_counters_in_stats_and_sigusr1,
         test_remote_user_in_several_rooms,
         test_oper_kick_across_servers, test_irc_kick_across_servers,
         test_oper_mute_across_servers,
         test_oper_ban_across_servers, test_oper_purge_across_servers,
         test_oper_wall_across_servers,
         test_client_reconnects_to_another_server_keeps_rooms,
         test_client_gets_its_name_back_after_its_server_died,
         test_remote_quit_in_two_rooms_is_one_quit,
         test_remote_rename_in_two_rooms_is_one_nick, test_quit_reason_across_servers])
