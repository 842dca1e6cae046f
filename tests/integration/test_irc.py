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

from tclib import TS, Client, Server, fail, join, joined, left, notice, run

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
        # /me <-> CTCP ACTION.
        c.cmd("PRIVMSG #lobby :\x01ACTION waves\x01")
        nc.expect(r"\[alice\]:/me waves\n")
        nc.line("//me smiles")  # an nc user's action: the text "/me smiles"
        c.want(r":carol!nc@127\.0\.0\.1 PRIVMSG #lobby :\x01ACTION smiles\x01")
        # PART: the IRC client sees its own PART, nc users the classic line.
        c.cmd("PART #dev :later")
        c.want(r":alice!~alice@127\.0\.0\.1 PART #dev :?later")
        notice(nc2, "alice left room dev")
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
        left(nc, "alice")
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
        nc.line("//me waved before")
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


def test_kick_by_operator():
    with tempfile.TemporaryDirectory() as d:
        opers = os.path.join(d, "opers")
        with open(opers, "w") as f:
            f.write("admin:%s\n" % crypt_hash(PASSWORD))
        os.chmod(opers, 0o600)
        env = dict(os.environ, STATE_DIRECTORY=os.path.join(d, "state"))
        srv = irc_server("--oper-file", opers, env=env)
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
         test_nc_port_points_irc_clients_at_the_irc_port,
         test_irc_port_needs_no_banner_and_tls_option_needs_tls, test_nick_change_and_notice,
         test_irc_over_tls, test_topic_setter_kept_across_a_restart,
         test_per_address_limit_answers_in_irc, test_refusal_over_tls_is_an_irc_line_inside_tls])
