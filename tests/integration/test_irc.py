"""Issue 17, IRC clients next to nc users: --irc-port, registration (CAP, PASS, NICK,
USER, 001-005, the MOTD or 422), channels as rooms, PRIVMSG both ways with nc users,
NAMES, TOPIC, WHO, WHOIS, AWAY, LIST, PART, PING/PONG, QUIT, KICK by an operator, 421,
long messages split at 512 bytes, /me as CTCP ACTION, the nick of a name with a space,
history replay with server-time, and the nc port pointing IRC clients at the IRC port.
A raw-socket IRC client, real server."""
import os
import re
import subprocess
import tempfile

from tclib import TS, Client, Server, fail, join, joined, left, notice, proto2_join, proto_join, run

SERVER = "My.Little.Server"
PASSWORD = "s3cret pass"


def crypt_hash(password):
    return subprocess.run(["openssl", "passwd", "-6", "-stdin"], input=password.encode(),
                          capture_output=True, check=True).stdout.decode().strip()


def irc_server(*args, env=None):
    """A server with an IRC listener; .irc is its port."""
    srv = Server("-vv", "--irc-port", "0", "--server-name", SERVER, *args, env=env)
    line = srv.proc.stdout.readline().decode()
    m = re.match(r"Listening for IRC on the port :(\d+)\n$", line)
    if not m:
        srv.stop()
        fail("no IRC port line: %r" % line)
    srv.irc = int(m.group(1))
    return srv


class Irc(Client):
    """A raw IRC client: lines with CRLF, waits for a line matching a regex."""

    def cmd(self, text):
        self.send(text + "\r\n")

    def next_line(self):
        m = self.expect(rb"^([^\n]*)\r\n")
        return m.group(1).decode(errors="replace")

    def want(self, pattern):
        """The next line that matches pattern (a regex over one whole line, no CRLF);
        the lines before it are skipped (kept in self.passed)."""
        self.passed = []
        while True:
            try:
                line = self.next_line()
            except AssertionError:
                fail("no line matching %r; lines were %r" % (pattern, self.passed[-8:]))
            if re.fullmatch(pattern, line):
                return line
            self.passed.append(line)

    def lines_until(self, pattern):
        """Every line up to and including the first that matches pattern."""
        last = self.want(pattern + r".*")
        return self.passed + [last]


def register(port, nick, cap=False, password=None):
    c = Irc(port)
    if cap:
        c.cmd("CAP LS 302")
    if password is not None:
        c.cmd("PASS :" + password)
    c.cmd("NICK " + nick)
    c.cmd("USER %s 0 * :Real %s" % (nick, nick))
    if cap:
        c.want(r":%s CAP (\*|%s) LS :?server-time" % (re.escape(SERVER), nick))
        c.cmd("CAP REQ :server-time")
        c.want(r":%s CAP (\*|%s) ACK :?server-time" % (re.escape(SERVER), nick))
        c.cmd("CAP END")
    c.want(r":%s 001 %s :Welcome[^\r]*" % (re.escape(SERVER), re.escape(nick)))
    return c


def welcomed(c, nick):
    """The rest of the welcome: 002-005, the MOTD or 422, then the default room."""
    for code in ("002", "003", "004", "005"):
        c.want(r":%s %s %s .*" % (re.escape(SERVER), code, re.escape(nick)))
    c.want(r":%s (376|422) %s .*" % (re.escape(SERVER), re.escape(nick)))
    c.want(r"(@\S+ )?:%s![^ ]+ JOIN #lobby" % re.escape(nick))
    c.want(r":%s 366 %s #lobby .*" % (re.escape(SERVER), re.escape(nick)))


def irc_join(port, nick, cap=False):
    c = register(port, nick, cap)
    welcomed(c, nick)
    return c


def test_registration_cap_and_numerics():
    srv = irc_server()
    try:
        c = Irc(srv.irc)
        c.cmd("CAP LS 302")
        c.want(r":My\.Little\.Server CAP \* LS :?server-time")
        c.cmd("JOIN :")
        c.want(r":My\.Little\.Server 451 \* :You have not registered")
        c.cmd("NICK alice")
        c.cmd("USER alice 0 * :Alice A")
        if b" 001 " in c.quiet(0.3):
            fail("registered before CAP END")
        c.cmd("CAP END")
        c.want(r":My\.Little\.Server 001 alice :Welcome[^\r]*")
        c.want(r":My\.Little\.Server 002 alice :Your host is My\.Little\.Server.*")
        c.want(r":My\.Little\.Server 003 alice .*")
        c.want(r":My\.Little\.Server 004 alice My\.Little\.Server .*")
        isupport = c.want(r":My\.Little\.Server 005 alice .*")
        for tok in ("CHANTYPES=#", "NICKLEN=", "CHANNELLEN=", "CASEMAPPING=", "NETWORK="):
            if tok not in isupport:
                fail("005 without %s: %r" % (tok, isupport))
        c.want(r":My\.Little\.Server 422 alice :MOTD File is missing")
        c.want(r":alice!~alice@127\.0\.0\.1 JOIN #lobby")
        c.want(r":My\.Little\.Server 353 alice = #lobby :?@?alice")
        c.want(r":My\.Little\.Server 366 alice #lobby :End of /NAMES list")
        c.cmd("FROBNICATE x")
        c.want(r":My\.Little\.Server 421 alice FROBNICATE :Unknown command")
        c.cmd("PING :abc123")
        c.want(r":My\.Little\.Server PONG My\.Little\.Server :?abc123")
        c.cmd("QUIT :bye now")
        c.want(r"(:My\.Little\.Server )?ERROR :Closing Link: .*")
        c.expect_closed()
    finally:
        srv.stop()


def test_motd_and_password():
    with tempfile.TemporaryDirectory() as d:
        motd = os.path.join(d, "motd")
        with open(motd, "w") as f:
            f.write("Be nice.\nSecond line.\n")
        pw = os.path.join(d, "pass")
        with open(pw, "w") as f:
            f.write(crypt_hash(PASSWORD) + "\n")
        os.chmod(pw, 0o600)
        srv = irc_server("--motd", motd, "--password-file", pw)
        try:
            c = register(srv.irc, "bob", password=PASSWORD)
            c.want(r":My\.Little\.Server 375 bob .*")
            c.want(r":My\.Little\.Server 372 bob :- Be nice\.")
            c.want(r":My\.Little\.Server 372 bob :- Second line\.")
            c.want(r":My\.Little\.Server 376 bob .*")
            bad = Irc(srv.irc)
            bad.cmd("PASS wrong")
            bad.cmd("NICK eve")
            bad.cmd("USER eve 0 * :Eve")
            bad.want(r":My\.Little\.Server 464 \* :Password incorrect")
            bad.want(r"(:My\.Little\.Server )?ERROR :Closing Link: .*")
            bad.expect_closed()
            c.cmd("QUIT")
        finally:
            srv.stop()


def test_channels_and_messages_with_nc_users():
    srv = irc_server()
    try:
        nc = join(srv.port, "carol")
        nc2 = join(srv.port, "dave")
        joined(nc, "dave")
        c = irc_join(srv.irc, "alice")
        joined(nc, "alice")
        joined(nc2, "alice")
        nc2.line("/join dev")
        c.want(r":dave!nc@127\.0\.0\.1 PART #lobby :went to #dev")
        c.cmd("JOIN #dev,#ops")
        c.want(r":alice!~alice@127\.0\.0\.1 JOIN #dev")
        c.want(r":My\.Little\.Server 353 alice = #dev :.*dave.*")
        c.want(r":My\.Little\.Server 366 alice #dev .*")
        c.want(r":alice!~alice@127\.0\.0\.1 JOIN #ops")
        c.want(r":My\.Little\.Server 366 alice #ops .*")
        notice(nc2, "alice joined room dev")
        # IRC -> nc, in each room: the exact classic line.
        c.cmd("PRIVMSG #lobby :hello lobby")
        nc.expect(r"\n\[" + TS + r"\]\[alice\]:hello lobby\n")
        c.cmd("PRIVMSG #dev :hello dev")
        nc2.expect(r"\n\[" + TS + r"\]\[alice\]:hello dev\n")
        if b"hello dev" in nc.quiet(0.3):
            fail("a #dev message reached the lobby")
        # nc -> IRC.
        nc.line("hi alice")
        c.want(r":carol!nc@127\.0\.0\.1 PRIVMSG #lobby :hi alice")
        nc2.line("in dev")
        c.want(r":dave!nc@127\.0\.0\.1 PRIVMSG #dev :in dev")
        # Private, both ways.
        c.cmd("PRIVMSG carol :psst")
        nc.expect(r"\[alice\] \(private\): psst|psst")
        nc.line("/msg alice back at you")
        c.want(r":carol!nc@127\.0\.0\.1 PRIVMSG alice :back at you")
        c.cmd("PRIVMSG nobody :x")
        c.want(r":My\.Little\.Server 401 alice nobody :.*")
        c.cmd("PRIVMSG #nowhere :x")
        c.want(r":My\.Little\.Server 40[34] alice #nowhere :.*")
        # /me <-> CTCP ACTION (test_action_is_one_event_everywhere has every dialect).
        c.cmd("PRIVMSG #lobby :\x01ACTION waves\x01")
        nc.expect(r"\n\* alice waves\n")
        nc.line("/me smiles")  # an nc user's action
        c.want(r":carol!nc@127\.0\.0\.1 PRIVMSG #lobby :\x01ACTION smiles\x01")
        # PART: the IRC client sees its own PART, nc users the classic line.
        c.cmd("PART #dev :later")
        c.want(r":alice!~alice@127\.0\.0\.1 PART #dev :?later")
        notice(nc2, "alice left room dev (later)")   # issue 20: the reason reaches nc users
        c.cmd("PART #dev")
        c.want(r":My\.Little\.Server 442 alice #dev :.*")
        # QUIT: one classic leave line for nc users, one QUIT for IRC users.
        b = irc_join(srv.irc, "bob")
        c.want(r":bob!~bob@127\.0\.0\.1 JOIN #lobby")
        c.cmd("JOIN #ops")  # already in it: nothing
        b.cmd("JOIN #ops")
        c.want(r":bob!~bob@127\.0\.0\.1 JOIN #ops")
        b.cmd("JOIN #tmp")
        b.want(r":My\.Little\.Server 366 bob #tmp .*")   # bob is in before alice comes
        c.cmd("JOIN #tmp")
        b.want(r":alice!~alice@127\.0\.0\.1 JOIN #tmp")
        c.cmd("PART #tmp :bye everyone")
        b.want(r":alice!~alice@127\.0\.0\.1 PART #tmp :bye everyone")
        c.cmd("QUIT :gone fishing")
        b.want(r":alice!~alice@127\.0\.0\.1 QUIT :Quit: gone fishing")
        if b"QUIT" in b.quiet(0.3):
            fail("two QUIT lines for one leave")
        left(nc, "alice", "Quit: gone fishing")
        b.cmd("QUIT")
        left(nc, "bob")
    finally:
        srv.stop()


def test_names_topic_who_whois_away_list():
    srv = irc_server()
    try:
        nc = join(srv.port, "bob smith")
        c = irc_join(srv.irc, "alice")
        joined(nc, "alice")
        c.cmd("NAMES #lobby")
        names = c.want(r":My\.Little\.Server 353 alice = #lobby :.*")
        if "bob[20]smith" not in names or "alice" not in names:
            fail("NAMES: %r" % names)
        c.want(r":My\.Little\.Server 366 alice #lobby .*")
        # The nick of a name with a space, both ways.
        c.cmd("PRIVMSG bob[20]smith :hi bob")
        nc.expect(r"hi bob")
        nc.line("/msg alice hi alice")
        c.want(r":bob\[20\]smith!nc@127\.0\.0\.1 PRIVMSG alice :hi alice")
        c.cmd("TOPIC #lobby")
        c.want(r":My\.Little\.Server 331 alice #lobby :No topic is set")
        c.cmd("TOPIC #lobby :all things chat")
        c.want(r":alice!~alice@127\.0\.0\.1 TOPIC #lobby :all things chat")
        notice(nc, "alice set the topic of lobby: all things chat")
        c.cmd("TOPIC #lobby")
        c.want(r":My\.Little\.Server 332 alice #lobby :all things chat")
        c.want(r":My\.Little\.Server 333 alice #lobby alice!~alice@127\.0\.0\.1 \d+")
        nc.line("/topic by nc")
        c.want(r":bob\[20\]smith!nc@127\.0\.0\.1 TOPIC #lobby :by nc")
        c.cmd("TOPIC #lobby")
        c.want(r":My\.Little\.Server 332 alice #lobby :by nc")
        c.want(r":My\.Little\.Server 333 alice #lobby bob\[20\]smith!nc@127\.0\.0\.1 \d+")
        c.cmd("WHO #lobby")
        who = c.lines_until(r":My\.Little\.Server 315 alice #lobby ")
        if not any(" 352 alice #lobby nc 127.0.0.1 My.Little.Server bob[20]smith H" in x
                   for x in who):
            fail("WHO: %r" % who)
        c.cmd("WHOIS bob[20]smith")
        c.want(r":My\.Little\.Server 311 alice bob\[20\]smith nc 127\.0\.0\.1 \* :bob smith")
        c.want(r":My\.Little\.Server 319 alice bob\[20\]smith :?#lobby")
        c.want(r":My\.Little\.Server 312 alice bob\[20\]smith My\.Little\.Server .*")
        c.want(r":My\.Little\.Server 317 alice bob\[20\]smith \d+ \d+ .*")
        c.want(r":My\.Little\.Server 318 alice bob\[20\]smith .*")
        c.cmd("WHOIS nobody")
        c.want(r":My\.Little\.Server 401 alice nobody .*")
        c.cmd("AWAY :lunch")
        c.want(r":My\.Little\.Server 306 alice .*")
        nc.line("/whois alice")
        nc.expect(r"lunch")
        nc.line("/away in a meeting")
        nc.expect(r"away")
        c.cmd("PRIVMSG bob[20]smith :still there?")
        c.want(r":My\.Little\.Server 301 alice bob\[20\]smith :in a meeting")
        c.cmd("AWAY")
        c.want(r":My\.Little\.Server 305 alice .*")
        c.cmd("JOIN #dev")
        c.want(r":My\.Little\.Server 366 alice #dev .*")
        c.cmd("LIST")
        lst = c.lines_until(r":My\.Little\.Server 323 alice ")
        if not any(" 322 alice #lobby 2 :by nc" in x for x in lst) or \
                not any(" 322 alice #dev 1 " in x for x in lst):
            fail("LIST: %r" % lst)
        c.cmd("QUIT")
    finally:
        srv.stop()


def test_ping_long_lines_and_history():
    srv = irc_server()
    try:
        nc = join(srv.port, "carol")
        nc.line("one before")
        nc.line("/me waved before")
        c = register(srv.irc, "alice", cap=True)
        welcomed(c, "alice")
        c.want(r"@time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z :carol!nc@127\.0\.0\.1 "
               r"PRIVMSG #lobby :one before")
        c.want(r"@time=[^ ]+ :carol!nc@127\.0\.0\.1 PRIVMSG #lobby :\x01ACTION waved before\x01")
        plain = irc_join(srv.irc, "bob")
        plain.want(r":carol!nc@127\.0\.0\.1 NOTICE #lobby :\[\d{4}-\d\d-\d\d \d\d:\d\d\] one before")
        # A long message reaches IRC clients in lines of at most 512 bytes.
        words = " ".join("word%03d" % i for i in range(150))
        nc.line(words)
        got = ""
        while "word149" not in got:
            line = c.want(r"@time=[^ ]+ :carol!nc@127\.0\.0\.1 PRIVMSG #lobby :[^\r]*")
            body = line.split(" ", 1)[1]
            if len(body.encode()) + 2 > 512:
                fail("an IRC line over 512 bytes: %d" % len(body))
            got += " " + body.split(" :", 1)[1]
        if got.split() != words.split():
            fail("split message lost words")
        # A line over the input limit: 417.
        c.cmd("PRIVMSG #lobby :" + "x" * 9000)
        c.want(r":My\.Little\.Server 417 alice .*")
        c.cmd("QUIT")
        plain.cmd("QUIT")
    finally:
        srv.stop()


def irc_oper_server(d):
    """An IRC server with an oper file in d (account admin, PASSWORD)."""
    opers = os.path.join(d, "opers")
    with open(opers, "w") as f:
        f.write("admin:%s\n" % crypt_hash(PASSWORD))
    os.chmod(opers, 0o600)
    env = dict(os.environ, STATE_DIRECTORY=os.path.join(d, "state"))
    return irc_server("--oper-file", opers, env=env)


UTC = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


def exactly(cl, pattern):
    """The next bytes cl receives are exactly what pattern (a regex) matches (ONLINE
    records of the client dialect 2 aside: they come on their own timer)."""
    cl.expect(pattern)
    if not re.fullmatch(rb"(ONLINE\t\d+\n)*", cl.skipped):
        fail("before %r came %r" % (pattern, cl.skipped))


def nc_line(cl, line, me):
    """An nc user at its prompt gets exactly: newline, the line, newline, its prompt."""
    exactly(cl, r"\n" + re.escape(line) + r"\n\[" + TS + r"\]\[" + me + r"\]:")


def test_action_is_one_event_everywhere():
    """Issue 20 point 3: /me from nc, /me from the client dialect, and CTCP ACTION from
    IRC are one event, which each dialect renders its own way: nc "* NAME TEXT" and a
    prompt, the client dialect 2 an ACTION record (1: a MSG of "* NAME TEXT"), IRC a
    CTCP ACTION; "//me" stays a message; private actions too; history keeps them."""
    srv = irc_server()
    try:
        nc = join(srv.port, "carol")
        v2 = proto2_join(srv.port, "dave")
        v1 = proto_join(srv.port, "erin")
        c = irc_join(srv.irc, "alice")
        for name in ("dave", "erin", "alice"):
            joined(nc, name)
        v2.expect(r"JOIN\tlobby\t%s\talice\n" % UTC)
        v1.expect(r"JOIN\t%s\talice\n" % TS)
        # nc -> the others; the nc sender gets its prompt back.
        nc.line("/me waves")
        exactly(nc, r"\[" + TS + r"\]\[carol\]:")
        exactly(v2, r"ACTION\tlobby\t%s\tcarol\twaves\n" % UTC)
        exactly(v1, r"MSG\t%s\tcarol\t\* carol waves\n" % TS)
        exactly(c, r":carol!nc@127\.0\.0\.1 PRIVMSG #lobby :\x01ACTION waves\x01\r\n")
        # The client dialect -> the others; its own action comes back to it once.
        v2.line("/me nods")
        exactly(v2, r"ACTION\tlobby\t%s\tdave\tnods\n" % UTC)
        nc_line(nc, "* dave nods", "carol")
        exactly(v1, r"MSG\t%s\tdave\t\* dave nods\n" % TS)
        exactly(c, r":dave!tcpchat@127\.0\.0\.1 PRIVMSG #lobby :\x01ACTION nods\x01\r\n")
        v2.line("/action #lobby grins")         # a room named, as the terminal client does
        exactly(v2, r"ACTION\tlobby\t%s\tdave\tgrins\n" % UTC)
        nc_line(nc, "* dave grins", "carol")
        exactly(v1, r"MSG\t%s\tdave\t\* dave grins\n" % TS)
        exactly(c, r":dave!tcpchat@127\.0\.0\.1 PRIVMSG #lobby :\x01ACTION grins\x01\r\n")
        # IRC -> the others.
        c.cmd("PRIVMSG #lobby :\x01ACTION dances\x01")
        nc_line(nc, "* alice dances", "carol")
        exactly(v2, r"ACTION\tlobby\t%s\talice\tdances\n" % UTC)
        exactly(v1, r"MSG\t%s\talice\t\* alice dances\n" % TS)
        # "//me" is a message that starts with "/me", for everyone; so is IRC's text.
        nc.line("//me claps")
        exactly(nc, r"\[" + TS + r"\]\[carol\]:")
        exactly(v2, r"MSG\tlobby\t%s\tcarol\t/me claps\n" % UTC)
        exactly(v1, r"MSG\t%s\tcarol\t/me claps\n" % TS)
        exactly(c, r":carol!nc@127\.0\.0\.1 PRIVMSG #lobby :/me claps\r\n")
        c.cmd("PRIVMSG #lobby :/me too")
        exactly(nc, r"\n\[" + TS + r"\]\[alice\]:/me too\n\[" + TS + r"\]\[carol\]:")
        exactly(v2, r"MSG\tlobby\t%s\talice\t/me too\n" % UTC)
        exactly(v1, r"MSG\t%s\talice\t/me too\n" % TS)
        # Private actions, both ways.
        c.cmd("PRIVMSG carol :\x01ACTION winks\x01")
        nc_line(nc, "[private] * alice winks", "carol")
        nc.line("/action alice bows")
        exactly(nc, r"\[to alice\]\[private\] \* carol bows\n\[" + TS + r"\]\[carol\]:")
        exactly(c, r":carol!nc@127\.0\.0\.1 PRIVMSG alice :\x01ACTION bows\x01\r\n")
        v2.line("/action alice hugs")
        exactly(v2, r"PRIVACTION\t%s\tdave\talice\thugs\n" % UTC)
        exactly(c, r":dave!tcpchat@127\.0\.0\.1 PRIVMSG alice :\x01ACTION hugs\x01\r\n")
        c.cmd("PRIVMSG dave :\x01ACTION smiles\x01")
        exactly(v2, r"PRIVACTION\t%s\talice\tdave\tsmiles\n" % UTC)
        c.cmd("PRIVMSG erin :\x01ACTION smiles\x01")
        exactly(v1, r"PRIV\t%s\talice\terin\t\* alice smiles\n" % TS)
        # The history keeps them as actions, for a newcomer of each dialect.
        late = join(srv.port, "fred")
        if not re.fullmatch(rb"\* carol waves\n\* dave nods\n\* dave grins\n\* alice dances\n"
                            rb"\[[^]]+\]\[carol\]:/me claps\n\[[^]]+\]\[alice\]:/me too\n",
                            late.skipped):
            fail("nc history: %r" % late.skipped)
        v2b = proto2_join(srv.port, "gina")
        exactly(v2b, r"MEMBERS\tlobby\t[^\n]*\nHISTACTION\tlobby\t{0}\tcarol\twaves\n"
                r"HISTACTION\tlobby\t{0}\tdave\tnods\nHISTACTION\tlobby\t{0}\tdave\tgrins\n"
                r"HISTACTION\tlobby\t{0}\talice\tdances\nHIST\tlobby\t{0}\tcarol\t/me claps\n"
                r"HIST\tlobby\t{0}\talice\t/me too\n".format(UTC))
        d = register(srv.irc, "hank", cap=True)
        welcomed(d, "hank")
        d.want(r"@time=\S+ :carol!nc@127\.0\.0\.1 PRIVMSG #lobby :\x01ACTION waves\x01")
        d.want(r"@time=\S+ :carol!nc@127\.0\.0\.1 PRIVMSG #lobby :/me claps")
        for x in (c, d):
            x.cmd("QUIT")
    finally:
        srv.stop()


def test_kick_by_operator():
    with tempfile.TemporaryDirectory() as d:
        srv = irc_oper_server(d)
        try:
            nc = join(srv.port, "carol")
            c = irc_join(srv.irc, "alice")
            b = irc_join(srv.irc, "bob")
            c.want(r":bob!~bob@127\.0\.0\.1 JOIN #lobby")
            b.cmd("KICK #lobby alice :no")
            b.want(r":My\.Little\.Server 482 bob #lobby :.*")
            c.cmd("OPER admin wrong")
            c.want(r":My\.Little\.Server 464 alice .*")
            c.cmd("OPER admin :" + PASSWORD)
            c.want(r":My\.Little\.Server 381 alice .*")
            c.cmd("KICK #lobby bob :behave")
            c.want(r":alice!~alice@127\.0\.0\.1 KICK #lobby bob :?behave")
            b.want(r":alice!~alice@127\.0\.0\.1 KICK #lobby bob :?behave")
            b.want(r"(:My\.Little\.Server )?ERROR :Closing Link: 127\.0\.0\.1 \(You were kicked by alice: behave\)")
            b.expect_closed()
            left(nc, "bob")
            c.cmd("KICK #lobby nobody")
            c.want(r":My\.Little\.Server 441 alice nobody #lobby :.*")
            c.cmd("QUIT")
        finally:
            srv.stop()


def test_kick_from_one_of_two_channels():
    """Issue 20: an IRC KICK of a member of two channels takes it out of that channel
    only. The channel's IRC users and the member see the KICK line (no PART after it),
    an nc user there the usual "left room" line; the member stays in its other
    channel. Kicked from its last channel, it is put out of the chat as /kick does."""
    with tempfile.TemporaryDirectory() as d:
        srv = irc_oper_server(d)
        try:
            c = irc_join(srv.irc, "alice")
            c.cmd("OPER admin :" + PASSWORD)
            c.want(r":My\.Little\.Server 381 alice .*")
            b = irc_join(srv.irc, "bob")
            nc = join(srv.port, "carol")
            nc.line("/join dev")
            nc.expect(r"You are now in room dev")
            for cl, nick in ((c, "alice"), (b, "bob")):
                cl.cmd("JOIN #dev")
                cl.want(r":%s!~%s@127\.0\.0\.1 JOIN #dev" % (nick, nick))
            notice(nc, "bob joined room dev")
            c.cmd("KICK #dev bob :off topic")
            c.want(r":alice!~alice@127\.0\.0\.1 KICK #dev bob :?off topic")
            b.want(r":alice!~alice@127\.0\.0\.1 KICK #dev bob :?off topic")
            notice(nc, "bob left room dev")
            b.cmd("PRIVMSG #lobby :still here")
            c.want(r":bob!~bob@127\.0\.0\.1 PRIVMSG #lobby :?still here")
            if any(" PART " in line for line in c.passed):
                fail("a PART after the KICK: %r" % c.passed)
            b.cmd("PRIVMSG #dev :let me in")
            b.want(r":My\.Little\.Server 404 bob #dev :.*")
            c.cmd("NAMES #dev")
            names = c.want(r":My\.Little\.Server 353 alice = #dev :.*")
            if "bob" in names.split(":")[-1].split():
                fail("bob still in #dev: %r" % names)
            c.cmd("KICK #dev bob")
            c.want(r":My\.Little\.Server 441 alice bob #dev :.*")
            c.cmd("KICK #lobby bob :out")
            b.want(r":alice!~alice@127\.0\.0\.1 KICK #lobby bob :?out")
            b.want(r"(:My\.Little\.Server )?ERROR :Closing Link: 127\.0\.0\.1 \(You were kicked by alice: out\)")
            b.expect_closed()
            c.cmd("QUIT")
            nc.close()
        finally:
            srv.stop()


def test_nc_port_points_irc_clients_at_the_irc_port():
    srv = irc_server()
    try:
        c = Client(srv.port)
        c.send("CAP LS 302\r\nNICK alice\r\nUSER alice 0 * :A\r\n")
        data = c.expect_closed().decode(errors="replace")
        if str(srv.irc) not in data:
            fail("the IRC port is not named: %r" % data)
    finally:
        srv.stop()


def test_irc_port_needs_no_banner_and_tls_option_needs_tls():
    srv = irc_server()
    try:
        c = Irc(srv.irc)
        if c.quiet(0.3):
            fail("the IRC port sent something before the client spoke")
    finally:
        srv.stop()
    from tclib import BIN
    p = subprocess.run([BIN, "serve", "-p", "0", "--irc-tls-port", "0"], capture_output=True,
                       timeout=10)
    if p.returncode != 2:
        fail("--irc-tls-port without --tls: status %d" % p.returncode)


def test_nick_change_and_notice():
    srv = irc_server()
    try:
        nc = join(srv.port, "carol")
        c = irc_join(srv.irc, "alice")
        b = irc_join(srv.irc, "bob")
        c.want(r":bob!~bob@127\.0\.0\.1 JOIN #lobby")
        for x in (c, b):
            x.cmd("JOIN #dev")
        c.want(r":bob!~bob@127\.0\.0\.1 JOIN #dev")
        c.cmd("NICK alicia")
        c.want(r":alice!~alice@127\.0\.0\.1 NICK :?alicia")
        b.want(r":alice!~alice@127\.0\.0\.1 NICK :?alicia")
        nc.expect(r"alice[^\n]*alicia")
        if b"NICK" in c.quiet(0.3) + b.quiet(0.01):
            fail("two NICK lines for one rename told in two shared rooms")
        c.cmd("NICK carol")
        c.want(r":My\.Little\.Server 433 alicia carol :.*")
        c.cmd("NOTICE #dev :a notice")
        b.want(r":alicia!~alice@127\.0\.0\.1 NOTICE #dev :a notice")
        c.cmd("NOTICE bob :to you")
        b.want(r":alicia!~alice@127\.0\.0\.1 NOTICE bob :to you")
        c.cmd("NOTICE #nowhere :x")
        c.cmd("PING :sync")
        c.want(r":My\.Little\.Server PONG My\.Little\.Server :?sync")
        if c.passed:
            fail("a reply to a NOTICE: %r" % c.passed)
        c.cmd("QUIT")
        b.cmd("QUIT")
    finally:
        srv.stop()


def test_irc_over_tls():
    import socket
    import ssl
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, STATE_DIRECTORY=d)
        srv = Server("--tls", "--tls-port", "0", "--irc-tls-port", "0", "--server-name",
                     SERVER, env=env)
        try:
            lines = [srv.proc.stdout.readline().decode() for _ in range(3)]
            m = re.match(r"Listening for IRC over TLS on the port :(\d+)\n$", lines[-1])
            if not m:
                fail("no IRC TLS port line: %r" % lines)
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            raw = socket.create_connection(("127.0.0.1", int(m.group(1))), timeout=10)
            c = Irc.__new__(Irc)
            c.sock, c.buf, c.closed = ctx.wrap_socket(raw), b"", False
            c.cmd("NICK tls")
            c.cmd("USER tls 0 * :T")
            c.want(r":My\.Little\.Server 001 tls .*")
            c.cmd("QUIT")
            c.want(r"(:My\.Little\.Server )?ERROR :.*")
            c.close()
        finally:
            srv.stop()


def test_topic_setter_kept_across_a_restart():
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, STATE_DIRECTORY=d)
        srv = irc_server(env=env)
        try:
            c = irc_join(srv.irc, "alice")
            c.cmd("TOPIC #lobby :kept with its setter")
            c.want(r":alice!~alice@127\.0\.0\.1 TOPIC #lobby :kept with its setter")
            c.cmd("QUIT")
        finally:
            srv.stop()
        with open(os.path.join(d, "topics"), "a") as f:     # one without its setter's mask
            f.write("dev\t1796115917\tbob smith\t\tno mask kept\n")
        srv = irc_server(env=env)
        try:
            c = register(srv.irc, "carol")
            c.want(r":My\.Little\.Server 332 carol #lobby :kept with its setter")
            c.want(r":My\.Little\.Server 333 carol #lobby alice!~alice@127\.0\.0\.1 \d+")
            c.cmd("JOIN #dev")
            c.want(r":My\.Little\.Server 332 carol #dev :no mask kept")
            c.want(r":My\.Little\.Server 333 carol #dev "
                   r"bob\[20\]smith!tcpchat@My\.Little\.Server 1796115917")
            c.cmd("QUIT")
        finally:
            srv.stop()


REFUSED = (b"ERROR :Closing Link: 127.0.0.1 "
           b"(too many connections from your address (at most 1 at once))\r\n")


def test_per_address_limit_answers_in_irc():
    srv = irc_server("--max-per-ip", "1")
    try:
        c = irc_join(srv.irc, "alice")
        second = Irc(srv.irc)
        data = second.expect_closed()
        if data != REFUSED:
            fail("refused IRC connection: %r" % data)
        c.cmd("QUIT")
    finally:
        srv.stop()


UTC = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


def test_part_and_quit_reasons_reach_everyone_sanitised():
    """Issue 20: an IRC user's PART and QUIT reasons reach nc users, client users and the
    other IRC users, sanitised like a message (no ESC, no \\x01); version 1 records and
    a plain disconnect stay as they were; nc and client users give reasons too."""
    srv = irc_server()
    try:
        nc = join(srv.port, "carol")
        v2 = proto_join(srv.port, "dave", 2)     # reasons ride version 2's LEAVE
        joined(nc, "dave")
        v1 = proto_join(srv.port, "erin")
        joined(nc, "erin")
        b = irc_join(srv.irc, "bob")
        joined(nc, "bob")
        a = irc_join(srv.irc, "alice")
        joined(nc, "alice")
        b.want(r":alice!~alice@127\.0\.0\.1 JOIN #lobby")
        a.cmd("JOIN #dev")
        a.want(r":My\.Little\.Server 366 alice #dev .*")
        # PART with ESC and \x01 in the reason: the same clean words for everyone.
        a.cmd("PART #lobby :bye \x1b[31mall\x01 of you")
        a.want(re.escape(":alice!~alice@127.0.0.1 PART #lobby :bye [31mall of you"))
        b.want(re.escape(":alice!~alice@127.0.0.1 PART #lobby :bye [31mall of you"))
        notice(nc, "alice left room lobby (bye [31mall of you)")
        v2.expect(r"(?:^|\n)LEAVE\tlobby\t" + UTC + r"\talice\t\tbye \[31mall of you\n")
        v1.expect(r"LEAVE\t" + TS + r"\talice\n")        # version 1: as it always was
        a.cmd("JOIN #lobby")
        notice(nc, "alice joined room lobby")
        # QUIT: the reason as IRC tells a user's words ("Quit: ..."), instead of "Quit".
        a.cmd("QUIT :gone \x1b]0;pwned\x07fishing\x01")
        b.want(re.escape(":alice!~alice@127.0.0.1 QUIT :Quit: gone ]0;pwnedfishing"))
        left(nc, "alice", "Quit: gone ]0;pwnedfishing")
        v2.expect(r"(?:^|\n)LEAVE\tlobby\t" + UTC + r"\talice\t\tQuit: gone \]0;pwnedfishing\n")
        v1.expect(r"LEAVE\t" + TS + r"\talice\n")
        # A client user parts with a reason; a plain disconnect stays the classic line.
        v2.line("/join dev")
        v2.expect(r"ROOM\tdev\n")
        v2.line("/part lobby brb")
        notice(nc, "dave left room lobby (brb)")
        b.want(r":dave!\S+ PART #lobby :?brb")
        v1.close()
        left(nc, "erin")
        b.want(r":erin!\S+ QUIT :?Quit")
        # An nc user quits with a reason.
        nc.line("/quit so long")
        nc.expect(r"Goodbye!\n")
        b.want(r":carol!nc@127\.0\.0\.1 QUIT :Quit: so long")
        b.cmd("QUIT")
        v2.close()
    finally:
        srv.stop()


def test_refusal_over_tls_is_an_irc_line_inside_tls():
    import socket
    import ssl
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, STATE_DIRECTORY=d)
        srv = Server("--tls", "--tls-port", "0", "--irc-tls-port", "0", "--max-per-ip", "1",
                     "--server-name", SERVER, env=env)
        try:
            lines = [srv.proc.stdout.readline().decode() for _ in range(3)]
            m = re.match(r"Listening for IRC over TLS on the port :(\d+)\n$", lines[-1])
            if not m:
                fail("no IRC TLS port line: %r" % lines)
            keep = join(srv.port, "alice")      # the address's one seat
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            raw = socket.create_connection(("127.0.0.1", int(m.group(1))), timeout=10)
            try:
                tls = ctx.wrap_socket(raw)
            except ssl.SSLError as e:
                fail("the refusal was not inside TLS: %s" % e)
            data = b""
            while True:
                chunk = tls.recv(4096)
                if not chunk:
                    break
                data += chunk
            tls.close()
            if data != REFUSED:
                fail("refused IRC-over-TLS connection got %r" % data)
            keep.close()
        finally:
            srv.stop()


if __name__ == "__main__":
    run([test_registration_cap_and_numerics, test_motd_and_password,
         test_channels_and_messages_with_nc_users, test_names_topic_who_whois_away_list,
         test_ping_long_lines_and_history, test_kick_by_operator,
         test_kick_from_one_of_two_channels,


         test_ping_long_lines_and_history, test_action_is_one_event_everywhere,
         test_kick_by_operator,
         test_nc_port_points_irc_clients_at_the_irc_port,
         test_irc_port_needs_no_banner_and_tls_option_needs_tls, test_nick_change_and_notice,
         test_irc_over_tls, test_topic_setter_kept_across_a_restart,
         test_per_address_limit_answers_in_irc, test_refusal_over_tls_is_an_irc_line_inside_tls,
         test_part_and_quit_reasons_reach_everyone_sanitised])
