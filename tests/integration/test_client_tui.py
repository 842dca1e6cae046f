"""Issue 5: the full-screen client in a real terminal, driven through tmux.

tmux runs on a private socket (-L); the real client talks to the real server
(`tcpchat serve -p 0`). Every wait polls `capture-pane` with a deadline; the tmux server
and the processes are killed by PID in `finally`. Terminal state is checked with
`stty -a` before and after the client, from a shell wrapper inside the pane.
"""
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time

from tclib import BIN, TIMEOUT, TS, Server, fail, join, proto_join, run

_seq = [0]
# tmux handles UTF-8 only in a UTF-8 locale; C.UTF-8 is built into glibc.
ENV = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")


class Tmux:
    """One tmux server on a private socket running the client inside `sh`."""

    def __init__(self, port, *args, width=80, height=24, env=None, name=None, jobs=False):
        _seq[0] += 1
        self.sock = "tcpchat-test-%d-%d" % (os.getpid(), _seq[0])
        self.dir = tempfile.mkdtemp(prefix="tcpchat-tui-")
        self.conf = os.path.join(self.dir, "tmux.conf")
        open(self.conf, "w").close()
        # The tmux server runs in the foreground (-D) as our child: no daemon(3), and
        # its PID is known for the kill in close().
        self.server = subprocess.Popen(["tmux", "-D", "-L", self.sock, "-f", self.conf],
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, env=ENV)
        self.server_pid = self.server.pid
        deadline = time.monotonic() + TIMEOUT
        while subprocess.run(["tmux", "-N", "-L", self.sock, "-f", self.conf, "list-sessions"],
                             capture_output=True, env=ENV).returncode != 0:
            if time.monotonic() > deadline or self.server.poll() is not None:
                fail("tmux server did not start")
            time.sleep(0.02)
        self.state = os.path.join(self.dir, "state")
        argv = [BIN, "connect", "127.0.0.1", str(port)] + (["-n", name] if name else []) + list(args)
        envs = {"XDG_STATE_HOME": self.state, "TERM": "screen", "LANG": "C.UTF-8",
                "LC_ALL": "C.UTF-8", "ASAN_OPTIONS": "detect_leaks=1"}
        envs.update(env or {})
        if "NO_COLOR" not in (env or {}):
            envs["NO_COLOR"] = ""
        d = shlex.quote(self.dir)
        run = "env %s %s 2> %s/stderr" % (
            " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in envs.items()),
            " ".join(shlex.quote(a) for a in argv), d)
        if jobs:    # job control: Ctrl+Z stops the client and the script goes on
            run = ("set -m; %s; echo STOPPED; stty -a > %s/during; "
                   "read go < %s/go; fg" % (run, d, d))
        script = ("trap : INT; stty -a > %s/before; echo $$ > %s/shell; %s; "
                  "echo EXIT=$?; stty -a > %s/after; exec cat" % (d, d, run, d))
        if jobs:
            os.mkfifo(os.path.join(self.dir, "go"))
        self.tmux("new-session", "-d", "-x", str(width), "-y", str(height), "-s", "t",
                  "bash --norc --noprofile -c %s" % shlex.quote(script))
        self.client_pid = None
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and self.client_pid is None:
            shell = self.read("shell").strip()
            if shell:
                try:
                    with open("/proc/%s/task/%s/children" % (shell, shell)) as f:
                        pids = f.read().split()
                except OSError:
                    pids = []
                if pids:
                    self.client_pid = int(pids[0])
            time.sleep(0.02)

    def tmux(self, *args):
        # -N: never start a (daemon) server of its own; ours is the -D one.
        out = subprocess.run(["tmux", "-N", "-L", self.sock, "-f", self.conf, *args],
                             capture_output=True, text=True, timeout=TIMEOUT, env=ENV)
        if out.returncode != 0:
            fail("tmux %s failed: %s" % (args[0], out.stderr.strip()))
        return out.stdout

    def read(self, name):
        try:
            with open(os.path.join(self.dir, name), encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def screen(self, escapes=False):
        return self.tmux("capture-pane", "-p", "-t", "t", *(["-e"] if escapes else []))

    def wait(self, pattern, timeout=TIMEOUT, escapes=False):
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen(escapes)
            m = rx.search(text)
            if m:
                return m
            time.sleep(0.05)
        fail("screen lacks %r; screen:\n%s\nstderr: %s" % (pattern, text, self.read("stderr")))

    def wait_gone(self, pattern, timeout=TIMEOUT):
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if not rx.search(text):
                return
            time.sleep(0.05)
        fail("screen still shows %r:\n%s" % (pattern, text))

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "t", *keys)

    def type(self, text):
        self.tmux("send-keys", "-t", "t", "-l", text)

    def cursor(self):
        x, y = self.tmux("display", "-p", "-t", "t", "#{cursor_x},#{cursor_y}").strip().split(",")
        return int(x), int(y)

    def resize(self, w, h):
        self.tmux("resize-window", "-t", "t", "-x", str(w), "-y", str(h))

    def input_line(self):
        return self.screen().rstrip("\n").split("\n")[-1]

    def wait_exit(self):
        """Wait for the client to end; check the terminal was restored."""
        m = self.wait(r"^EXIT=(\d+)$")
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and not self.read("after"):
            time.sleep(0.02)
        size = re.compile(r"rows \d+; columns \d+;")   # a resize test changes these
        if size.sub("", self.read("before")) != size.sub("", self.read("after")):
            fail("terminal modes changed:\nbefore %s\nafter  %s" %
                 (self.read("before"), self.read("after")))
        alt = self.tmux("display", "-p", "-t", "t", "#{alternate_on}").strip()
        if alt not in ("", "0"):
            fail("still on the alternate screen")
        if self.tmux("display", "-p", "-t", "t", "#{mouse_any_flag}").strip() not in ("", "0"):
            fail("mouse reporting left on")
        err = self.read("stderr")
        if "Sanitizer" in err or "runtime error" in err:
            fail("sanitizer report:\n" + err)
        # Bracketed paste must be off: a bracketed paste into `cat` would show the markers.
        self.tmux("set-buffer", "-b", "probe", "pasted-probe")
        self.tmux("paste-buffer", "-p", "-b", "probe", "-t", "t")
        self.wait(r"pasted-probe")
        if "200~" in self.screen():
            fail("bracketed paste left on:\n" + self.screen())
        return int(m.group(1))

    def close(self):
        for pid in (self.client_pid, self.server_pid):
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.server.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def start(s, name="alice", **kw):
    t = Tmux(s.port, name=name, **kw)
    if name:
        t.wait(r"You are %s, in #lobby" % re.escape(name))
    return t


def test_typing_editing_and_own_message_once():
    s = Server()
    t = None
    try:
        bob = proto_join(s.port, "bob")
        t = start(s)
        bob.expect(r"JOIN\t" + TS + r"\talice\n")
        t.type("hxllo")
        t.keys("Home", "Right", "DC")
        t.type("e")
        t.keys("End")
        t.type(" wrld")
        t.keys("Left", "Left", "Left")
        t.type("o")
        t.keys("C-e")
        t.type("!")
        t.wait(r"^> hello world!$")
        t.keys("Enter")
        bob.expect(r"MSG\t" + TS + r"\talice\thello world!\n")
        t.wait(r"<alice> hello world!$")
        t.wait(r"^>\s*$")
        if t.screen().count("hello world!") != 1:
            fail("own message not shown exactly once:\n" + t.screen())
        t.keys("Up")                                   # input history
        t.wait(r"^> hello world!$")
        t.keys("C-u")
        t.type("one two three")
        t.keys("M-b", "C-w")                           # emacs word editing
        t.wait(r"^> one three$")
        t.keys("C-a", "C-k")
        t.wait(r"^>\s*$")
        t.type("/quit")
        t.keys("Enter")
        if t.wait_exit() != 0:
            fail("exit status not 0 after /quit")
        bob.expect(r"LEAVE\t" + TS + r"\talice\n")
    finally:
        if t:
            t.close()
        s.stop()


def test_long_input_scrolls_sideways():
    s = Server()
    t = None
    try:
        bob = proto_join(s.port, "bob")
        t = start(s, width=40, height=10)
        text = "".join("%02d-" % i for i in range(40))          # 120 characters
        t.type(text)
        t.wait(r"39-$")                                     # the end is visible
        x, _ = t.cursor()
        if not 0 < x < 40:
            fail("cursor outside the input line: %d" % x)
        t.keys("Home")
        t.wait(r"^> 00-01-")                                # back to the start
        if t.cursor()[0] != 2:
            fail("cursor not after the prompt: %r" % (t.cursor(),))
        t.keys("Enter")
        bob.expect(r"MSG\t" + TS + r"\talice\t" + text + r"\n")
        t.wait(r"^>\s*$")
        t.keys("C-c")
        t.wait_exit()
    finally:
        if t:
            t.close()
        s.stop()


def test_receiving_notices_private_errors_and_status():
    s = Server()
    t = None
    try:
        t = start(s, height=42)
        t.wait(r"tcpchat \| 127\.0\.0\.1:%d \| 1:#lobby \| alice \| 1 here, 1 online" % s.port)
        bob = proto_join(s.port, "bob")
        t.wait(r"-- bob has joined$")
        t.wait(r"\| 2 here, 2 online")      # the room, and the chat (ONLINE)
        bob.line("hi alice")
        t.wait(r"<bob> hi alice$")
        t.type("/list")
        t.keys("Enter")
        t.wait(r"-- In the room: (alice, bob|bob, alice)$")
        bob.line("/msg alice a secret")
        t.wait(r"\[Act: 2!\]")                  # a window of its own, which named us
        t.keys("M-2")
        t.wait(r"\[bob -> alice\] a secret$")
        t.wait(r"\| 2:bob \| alice \|")
        t.keys("M-1")
        t.wait(r"\| 1:#lobby \| alice \|")
        t.type("/help")
        t.keys("Enter")
        t.wait(r"Keys \(/help KEY-OR-COMMAND tells more\):")
        t.wait(r"^\S+\s+/help\s+/list\s+/names\s+/r\s+/search\s+/window$")
        t.type("/frob")
        t.keys("Enter")
        t.wait(r"!! Unknown command: /frob \(try /help\)$")
        bob.line("/name robert")
        t.wait(r"-- bob is now known as robert$")
        bob.close()
        t.wait(r"-- robert has left$")
        t.wait(r"\| 1 here, 1 online")
        t.keys("C-d")
        if t.wait_exit() != 0:
            fail("exit status not 0 after Ctrl+D")
    finally:
        if t:
            t.close()
        s.stop()


def test_help_key_card_columns_and_one_topic():
    """Issue 26 item 3: /help is a key card, then every command (the client's own
    too) in aligned columns, all on a 24-line screen; /help KEY-OR-COMMAND tells about
    one. Nothing of it goes to the server."""
    s = Server()
    t = None
    try:
        bob = proto_join(s.port, "bob")
        t = start(s, width=80, height=24)
        bob.expect(r"JOIN\t" + TS + r"\talice\n")
        t.type("/help")
        t.keys("Enter")
        t.wait(r"^\S+\s+/ban\s+/kick\s+/oper\s+/stats\s+/unmute$")
        scr = t.screen()
        lines = scr.split("\n")
        if not any(l.endswith(" Keys (/help KEY-OR-COMMAND tells more):") for l in lines):
            fail("the key card does not start the help, on screen:\n" + scr)
        for key in ("PageUp PageDown", "End  ", "Ctrl+End, Shift+End", "Shift+Home",
                    "Alt+N ", "F2 ", "F3 Shift+F3", "Ctrl+C "):
            if key not in scr:
                fail("%r not on the key card:\n%s" % (key, scr))
        rows = [l for l in lines if re.search(r"^\S+\s+/\w+\s+/\w+", l)]
        cols = [tuple(m.start() for m in re.finditer(r"/\w+", l)) for l in rows]
        if len(rows) < 4 or len(set(c[:5] for c in cols[:4])) != 1:
            fail("commands not in aligned columns:\n" + "\n".join(rows))
        for cmd in ("/search", "/window", "/clear", "/reconnect", "/r ", "/msg", "/part"):
            if cmd not in scr:
                fail("%s not listed:\n%s" % (cmd, scr))
        for topic, answer in (("F2", r"F2  show or hide the nick list"),
                              ("ctrl-end", r"End  the newest line"),
                              ("search", r"/search TEXT  find the newest line holding TEXT"),
                              ("/nick", r"/name NEW  change your name \(or /nick\)"),
                              ("frob", r'No key or command "frob" \(/help lists them\)\.')):
            t.type("/help " + topic)
            t.keys("Enter")
            t.wait(r"\d " + answer)
        time.sleep(0.3)
        if bob.quiet(0.2):
            fail("/help reached the server")
        t.keys("C-c")
        t.wait_exit()
    finally:
        if t:
            t.close()
        s.stop()


def test_end_and_ctrl_end_jump_to_the_newest_line():
    """Issue 26 item 3: End (which also ends the input line), Ctrl+End and Shift+End
    leave a scrolled-up history for the newest line."""
    s = Server("--rate-limit", "0")
    t = None
    try:
        t = start(s, height=12)
        bob = proto_join(s.port, "bob")
        for i in range(40):
            bob.line("line %02d" % i)
        t.wait(r"<bob> line 39$")
        t.type("abc")
        for key in ("End", "C-End", "S-End"):
            t.keys("PPage")
            t.wait(r"-- more below \(PgDn\) --")
            t.keys("Home")                               # the input cursor to the start
            t.wait_gone(r"<bob> line 39$")
            t.keys(key)
            t.wait(r"<bob> line 39$")
            t.wait_gone(r"more below")
            x = t.cursor()[0]
            if key == "End" and x != len("> abc"):
                fail("End did not end the input line: cursor at %d" % x)
            if key != "End" and x != len("> "):
                fail("%s moved the input cursor: %d" % (key, x))
        t.keys("C-e", "C-u")                             # the cursor was at the start
        t.wait(r"^>\s*$")
        t.keys("C-c")
        t.wait_exit()
    finally:
        if t:
            t.close()
        s.stop()


def test_colours_stable_and_no_color():
    s = Server()
    t = u = None
    try:
        t = start(s, env={"TERM": "screen-256color"})
        bob = proto_join(s.port, "bob")
        bob.line("first")
        bob.line("second")
        t.wait(r"<bob> second")
        scr = t.screen(escapes=True)
        cols = re.findall(r"((?:\x1b\[[0-9;]*m)+)bob(?:\x1b\[[0-9;]*m)*> (first|second)", scr)
        if len(cols) != 2 or cols[0][0] != cols[1][0] or not re.search(r"\[(?:[0-9;]*;)?(3[1-6]|9[1-6])m", cols[0][0]):
            fail("name not in one stable colour: %r\n%r" % (cols, scr))
        t.close()
        t = None
        u = Tmux(s.port, name="carol", env={"TERM": "screen-256color", "NO_COLOR": "1"})
        u.wait(r"You are carol")
        bob.line("third")
        u.wait(r"<bob> third")
        if re.search(r"\x1b\[[0-9;]*(3[0-7]|9[0-7]|4[0-7])m", u.screen(escapes=True)):
            fail("colours used under NO_COLOR:\n%r" % u.screen(escapes=True))
    finally:
        for x in (t, u):
            if x:
                x.close()
        s.stop()


def test_scrollback_marker_and_paging():
    s = Server("--rate-limit", "0")
    t = None
    try:
        t = start(s, height=12)
        bob = proto_join(s.port, "bob")
        for i in range(40):
            bob.line("line %02d" % i)
        t.wait(r"<bob> line 39$")
        t.keys("PPage")
        t.wait(r"-- more below \(PgDn\) --")
        t.wait_gone(r"line 39$")
        top_before = t.screen().split("\n")[0]
        bob.line("news 1")
        bob.line("news 2")
        t.wait(r"-- 2 new messages below \(PgDn\) --")
        if t.screen().split("\n")[0] != top_before:
            fail("view moved while scrolled up:\n" + t.screen())
        t.keys("PPage", "PPage", "PPage", "PPage", "PPage", "PPage")
        t.wait(r"<bob> line 00$")
        t.keys("NPage", "NPage", "NPage", "NPage", "NPage", "NPage", "NPage", "NPage")
        t.wait(r"<bob> news 2$")
        t.wait_gone(r"new messages below")
        t.keys("PPage")
        t.wait(r"more below")
        t.type("back")
        t.keys("Enter")                                    # sending jumps to the bottom
        t.wait(r"<alice> back$")
        t.wait_gone(r"more below")
        t.keys("C-c")
        t.wait_exit()
    finally:
        if t:
            t.close()
        s.stop()


def test_resize_reflow_and_tiny_terminal():
    s = Server()
    t = None
    try:
        t = start(s, width=80, height=20)
        bob = proto_join(s.port, "bob")
        words = " ".join("word%02d" % i for i in range(20))
        bob.line(words)
        t.wait(r"word19$")
        t.resize(40, 20)
        t.wait(r"^\s+word04 word05 word06 word07$")      # wrapped onto more rows (not the old
        t.wait(r"^\s+word16 word17 word18 word19$")      # screen cut at 40 columns)
        scr = t.screen()
        if any(len(l) > 40 for l in scr.split("\n")):
            fail("rows wider than the terminal:\n" + scr)
        joined = " ".join(l.strip() for l in scr.split("\n") if "word" in l)
        if words not in joined:
            fail("reflowed text lost words:\n" + scr)
        for w, h in ((10, 4), (3, 2), (1, 1), (2, 1), (180, 30)):
            t.resize(w, h)
        t.wait(r"<bob> " + words + r"\s*│")             # one row again at 180 columns
        t.wait(r"│#lobby \(2\)")                        # the nick list is back too
        t.wait(r"connected\s*$")
        bob.line("still alive")
        t.wait(r"<bob> still alive\s*│")
        t.type("/quit")
        t.keys("Enter")
        if t.wait_exit() != 0:
            fail("bad exit after resizing")
    finally:
        if t:
            t.close()
        s.stop()


def test_utf8_and_wide_text():
    s = Server()
    t = None
    try:
        t = start(s)
        bob = proto_join(s.port, "bob")
        bob.line("héllo 日本語 ✓ ok")
        t.wait(r"<bob> héllo 日本語 ✓ ok$")
        t.type("naïve 日本")
        t.wait(r"^> naïve 日本$")
        x, y = t.cursor()
        if x != 2 + 6 + 4:
            fail("cursor at column %d after wide text, expected 12" % x)
        t.keys("BSpace")
        t.wait(r"^> naïve 日$")
        t.keys("Enter")
        bob.expect("MSG\t" + TS + "\talice\tna\u00efve \u65e5\n".encode().decode())
        t.resize(20, 10)
        bob.line("日本語日本語日本語日本語")                # 24 columns: must wrap whole
        t.wait(r"^日本語")
        for line in t.screen().split("\n"):
            if "\ufffd" in line:
                fail("split wide character:\n" + t.screen())
        t.keys("C-c")
        t.wait_exit()
    finally:
        if t:
            t.close()
        s.stop()


def test_tab_completion():
    s = Server()
    t = None
    try:
        bob = proto_join(s.port, "bobby")
        jl = proto_join(s.port, "Jean Luc")
        t = start(s)
        t.wait(r"\| 3 here")
        t.type("/jo")
        t.keys("Tab")
        t.wait(r"^> /join\s*$")
        t.keys("C-u")
        t.type("hi bo")
        t.keys("Tab")
        t.wait(r"^> hi bobby\s*$")
        t.keys("C-u")
        t.type("Je")                                    # a line's start: "name: "
        t.keys("Tab")
        t.type("x")
        t.wait(r"^> Jean Luc: x\s*$")
        t.keys("C-u")
        t.type("/m")                                    # candidates in the status line
        t.keys("Tab", "Tab")
        t.wait(r"^/me  /msg  /mute\s")
        if t.screen().count("/mute") != 1:
            fail("candidates written into the history pane")
        t.keys("C-u")
        t.wait(r"\| 3 here")                          # the next key: the status is back
        t.type("/ms")                                   # "/m": /me, /msg or /mute
        t.keys("Tab")
        t.wait(r"^> /msg\s*$")
        t.type("J")
        t.keys("Tab")
        t.type("psst")
        t.keys("Enter")
        jl.expect(r"PRIV\t" + TS + r"\talice\tJean Luc\tpsst\n")
        t.keys("C-c")
        t.wait_exit()
        del bob
    finally:
        if t:
            t.close()
        s.stop()


def test_name_asked_in_ui_with_refusals():
    s = Server()
    t = None
    try:
        bob = proto_join(s.port, "bob")
        t = start(s, name=None)
        t.wait(r"Choose a name and press Enter:")
        t.wait(r"^name>\s*$")
        t.type("BOB")
        t.keys("Enter")
        t.wait(r'!! Name refused: Name "BOB" is already taken\.')
        t.type("a[b]")
        t.keys("Enter")
        t.wait(r"!! Name refused: Name cannot contain \[ or \]\.")
        t.type("zoe")
        t.keys("Enter")
        t.wait(r"You are zoe, in #lobby")
        t.wait(r"^>\s*$")
        t.keys("C-c")
        t.wait_exit()
        bob.close()
    finally:
        if t:
            t.close()
        s.stop()


def test_signals_restore_terminal():
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGSEGV, signal.SIGQUIT):
        s = Server()
        t = None
        try:
            t = start(s)
            os.kill(t.client_pid, sig)
            status = t.wait_exit()
            crash = sig in (signal.SIGSEGV, signal.SIGQUIT)
            if crash and status != 128 + sig:
                fail("crash signal %d: exit status %d, expected death by the signal" % (sig, status))
        finally:
            if t:
                t.close()
            s.stop()


def test_ctrl_z_and_fg():
    s = Server()
    t = None
    try:
        bob = proto_join(s.port, "bob")
        t = Tmux(s.port, name="alice", jobs=True)
        t.wait(r"You are alice, in #lobby")
        t.type("abc")
        t.wait(r"^> abc\s*$")
        t.keys("C-z")
        t.wait(r"^STOPPED$")
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and not t.read("during"):
            time.sleep(0.02)
        size = re.compile(r"rows \d+; columns \d+;")
        if size.sub("", t.read("before")) != size.sub("", t.read("during")):
            fail("terminal not given back on Ctrl+Z:\n%s\n%s" % (t.read("before"), t.read("during")))
        if t.tmux("display", "-p", "-t", "t", "#{alternate_on}").strip() not in ("", "0"):
            fail("still on the alternate screen while stopped")
        if _flag(t, "mouse_any_flag") not in ("", "0"):
            fail("mouse reporting left on while stopped")
        with open(os.path.join(t.dir, "go"), "w") as f:    # let the script run fg
            f.write("go\n")
        t.wait(r"^> abc\s*$")                           # back, with the line kept
        _wait_flag(t, "mouse_any_flag", "1")              # and the wheel again
        t.type("d")
        t.keys("Enter")
        bob.expect(r"MSG\t" + TS + r"\talice\tabcd\n")
        t.keys("C-c")
        t.wait_exit()
    finally:
        if t:
            t.close()
        s.stop()


def test_reconnect_keeps_name_and_room():
    logdir = tempfile.mkdtemp(prefix="tcpchat-log-")
    log = os.path.join(logdir, "chat.log")
    s = Server("-l", log)
    s2 = None
    t = None
    try:
        port = s.port
        t = start(s)
        t.type("/join dev")
        t.keys("Enter")
        t.wait(r"Now in #dev")
        t.wait(r"\| 2:#dev \| alice \|")
        t.type("before the drop")
        t.keys("Enter")
        t.wait(r"<alice> before the drop$")
        s.stop()
        t.wait(r"Disconnected \(")
        t.wait(r"offline, retry in \d+s")
        t.type("lost line")
        t.keys("Enter")
        t.wait(r"!! Not connected: the line was not sent\.$")
        s2 = _server_on(port, "-l", log)       # same port, history reloaded from the log
        t.wait(r"\| 2:#dev \| alice \| 1 here", timeout=TIMEOUT + 35)
        t.wait(r"connected\s*$")
        bob = proto_join(port, "bob")
        bob.line("/join dev")
        t.wait(r"-- bob came from #lobby$")
        t.type("back again")
        t.keys("Enter")
        bob.expect(r"MSG\t" + TS + r"\talice\tback again\n")
        t.wait(r"<alice> back again$")
        if t.screen().count("before the drop") != 1:
            fail("replayed history shown twice after the reconnect:\n" + t.screen())
        t.keys("C-c")
        t.wait_exit()
    finally:
        if t:
            t.close()
        s.stop()
        if s2:
            s2.kill()
            s2.wait()
        shutil.rmtree(logdir, ignore_errors=True)


def _server_on(port, *args):
    """Start `tcpchat serve` on a given port (the Server helper always uses -p 0)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        p = subprocess.Popen([BIN, "serve", "-p", str(port), *args], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        line = p.stdout.readline()
        if line.startswith(b"Listening"):
            return p
        p.kill()
        p.wait()
        if time.monotonic() > deadline:
            fail("cannot restart the server on port %d" % port)
        time.sleep(0.1)


def test_multiline_paste_guard():
    s = Server("--rate-limit", "0")
    t = None
    try:
        bob = proto_join(s.port, "bob")
        t = start(s)
        t.tmux("set-buffer", "-b", "p3", "one\ntwo\nthree")
        t.tmux("paste-buffer", "-p", "-b", "p3", "-t", "t")
        t.wait("^> one\u21b5two\u21b5three$")
        t.keys("Enter")
        for w in ("one", "two", "three"):
            bob.expect(r"MSG\t" + TS + r"\talice\t%s\n" % w)
        many = "\n".join("p%d" % i for i in range(8))
        t.tmux("set-buffer", "-b", "p8", many)
        t.tmux("paste-buffer", "-p", "-b", "p8", "-t", "t")
        t.keys("Enter")
        t.wait(r"You pasted 8 lines\. Send them all\?")
        t.wait(r"^send 8 lines\? \[y/N\]\s*$")
        if b"p0" in bob.quiet(0.3):
            fail("paste sent before confirmation")
        t.type("y")
        t.keys("Enter")
        for i in range(8):
            bob.expect(r"MSG\t" + TS + r"\talice\tp%d\n" % i)
        t.tmux("paste-buffer", "-p", "-b", "p8", "-t", "t")
        t.keys("Enter")
        t.wait(r"^send 8 lines\? \[y/N\]\s*$")
        t.type("n")
        t.keys("Enter")
        t.wait(r"Paste not sent\.")
        if b"p0" in bob.quiet(0.3):
            fail("refused paste was sent")
        t.keys("C-c")
        t.wait_exit()
    finally:
        if t:
            t.close()
        s.stop()


def test_input_history_file():
    s = Server()
    t = None
    try:
        t = start(s)
        t.type("remember me")
        t.keys("Enter")
        t.wait(r"<alice> remember me$")
        t.type("/quit")
        t.keys("Enter")
        t.wait_exit()
        hist = os.path.join(t.state, "tcpchat", "history")
        with open(hist, encoding="utf-8") as f:
            if "remember me" not in f.read():
                fail("line not in the history file")
        state = t.state
        keep = tempfile.mkdtemp()
        shutil.copytree(state, os.path.join(keep, "state"))
        t.close()
        t = Tmux(s.port, name="alice2", env={"XDG_STATE_HOME": os.path.join(keep, "state")})
        t.wait(r"You are alice2")
        t.keys("Up", "Up")
        t.wait(r"^> remember me$")
        t.keys("C-c")                                    # clears the line
        t.wait(r"^>\s*$")
        t.keys("C-c")                                    # quits
        t.wait_exit()
        shutil.rmtree(keep, ignore_errors=True)
    finally:
        if t:
            t.close()
        s.stop()


def test_degraded_old_style_server():
    """A stand-in for an old nc-only server (the real one always answers the hello)."""
    import socket
    import threading
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    got = []

    def old_server():
        conn, _ = srv.accept()
        f = conn.makefile("rb")
        conn.sendall(b"Welcome to TCP-Chat!\n[ENTER YOUR NAME]:")
        got.append(f.readline())                      # the hello, taken as a bad name
        conn.sendall(b"Name cannot start with /.\n[ENTER YOUR NAME]:")
        got.append(f.readline())
        conn.sendall(b"[2020-01-01 00:00:00][old]:history line\n[2020-01-01 00:00:01][oldie]:")
        got.append(f.readline())
        conn.sendall(b"[2020-01-01 00:00:02][oldie]:\nfriend has joined our chat...\n"
                     b"[2020-01-01 00:00:02][oldie]:")
        f.readline()
        conn.close()

    th = threading.Thread(target=old_server, daemon=True)
    th.start()
    t = None
    try:
        t = Tmux(srv.getsockname()[1], name="oldie")
        t.wait(r"connected \(nc mode\)", timeout=TIMEOUT + 5)
        t.wait(r"2020-01-01 00:00 <old> history line$")
        t.type("hello old world")
        t.keys("Enter")
        t.wait(r"friend has joined our chat\.\.\.$")
        if "ENTER YOUR NAME" in t.screen() or re.search(r"\]:\s*$", t.screen(), re.M):
            fail("prompt repaints shown:\n" + t.screen())
        if got[:3] != [b"/TCPCHAT 2\n", b"oldie\n", b"hello old world\n"]:
            fail("old server got %r" % got)
        t.keys("C-c")
        t.wait_exit()
    finally:
        if t:
            t.close()
        srv.close()


def _flag(t, name):
    return t.tmux("display", "-p", "-t", "t", "#{%s}" % name).strip()


def _wait_flag(t, name, want):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if _flag(t, name) == want:
            return
        time.sleep(0.05)
    fail("#{%s} is %r, expected %r" % (name, _flag(t, name), want))


def test_ctrl_c_clears_line_then_quits():
    s = Server()
    t = None
    try:
        bob = proto_join(s.port, "bob")
        t = start(s)
        t.type("half a thought")
        t.wait(r"^> half a thought$")
        t.keys("C-c")                                  # clears, does not quit
        t.wait(r"^>\s*$")
        if b"half" in bob.quiet(0.3):
            fail("cleared line was sent")
        t.keys("Up")                                   # kept in the input history
        t.wait(r"^> half a thought$")
        t.keys("Enter")
        bob.expect(r"MSG\t" + TS + r"\talice\thalf a thought\n")
        t.tmux("set-buffer", "-b", "p8", "\n".join("p%d" % i for i in range(8)))
        t.tmux("paste-buffer", "-p", "-b", "p8", "-t", "t")
        t.keys("Enter")
        t.wait(r"^send 8 lines\? \[y/N\]\s*$")
        t.keys("C-c")                                  # cancels the paste question
        t.wait(r"Paste not sent\.")
        t.wait(r"^>\s*$")
        t.keys("C-c")                                  # empty line: quits
        if t.wait_exit() != 0:
            fail("exit status not 0 after Ctrl+C on an empty line")
        if b"p0" in bob.quiet(0.2):
            fail("cancelled paste was sent")
    finally:
        if t:
            t.close()
        s.stop()


def test_mouse_wheel_scrolls_history():
    # TERM=screen: ncurses asks for X10 reports (ESC [ M b x y); xterm-256color: SGR 1006.
    wheel = {"screen": ("\x1b[M`((", "\x1b[Ma(("),
             "xterm-256color": ("\x1b[<64;8;8M", "\x1b[<65;8;8M")}
    s = Server("--rate-limit", "0")
    bob = proto_join(s.port, "bob")
    for i in range(40):
        bob.line("line %02d" % i)
    try:
        for term, (up, down) in wheel.items():
            t = Tmux(s.port, name="alice-" + term[:6], env={"TERM": term}, height=12)
            try:
                t.wait(r"<bob> line 39$")
                _wait_flag(t, "mouse_any_flag", "1")
                t.type(up)
                t.wait(r"-- more below \(PgDn\) --")
                t.wait_gone(r"line 39$")
                for _ in range(6):
                    t.type(up)
                t.wait(r"<bob> line [0-2]\d$")
                for _ in range(20):
                    t.type(down)
                t.wait(r"<bob> line 39$")
                t.wait_gone(r"more below")
                t.wait(r"^>\s*$")                      # no stray bytes in the input line
                t.keys("C-c")
                t.wait_exit()
                if _flag(t, "mouse_any_flag") not in ("", "0"):
                    fail("mouse reporting left on after exit (%s)" % term)
            finally:
                t.close()
        t = Tmux(s.port, "--no-mouse", name="carol")
        try:
            t.wait(r"carol \| 2 here")
            if _flag(t, "mouse_any_flag") not in ("", "0"):
                fail("mouse reporting on with --no-mouse")
            t.keys("C-c")
            t.wait_exit()
        finally:
            t.close()
    finally:
        s.stop()


def test_mentions_bell_and_title():
    s = Server()
    t = u = None
    try:
        bob = proto_join(s.port, "bob")
        t = start(s)
        if _flag(t, "window_bell_flag") != "0":
            fail("bell before any mention")
        bob.line("malice is no mention")
        t.wait(r"<bob> malice is no mention$")
        bob.line("how are you")
        t.wait(r"<bob> how are you$")
        if _flag(t, "window_bell_flag") != "0":
            fail("bell without a mention")
        bob.line("hey ALICE, look")
        t.wait(r"<bob> hey ALICE, look$")
        _wait_flag(t, "window_bell_flag", "1")
        scr = t.screen(escapes=True)
        line = [l for l in scr.split("\n") if "hey ALICE" in l][0]
        if not re.search(r"\x1b\[[0-9;]*43[;m]", line):
            fail("mention not highlighted: %r" % line)
        plain = [l for l in scr.split("\n") if "how are you" in l][0]
        if re.search(r"\x1b\[[0-9;]*43[;m]", plain):
            fail("plain line highlighted: %r" % plain)
        # the terminal reports the focus lost: mentions count in the title
        t.type("\x1b[O")
        bob.line("alice: still there?")
        t.wait(r"still there\?$")
        _wait_flag(t, "pane_title", "tcpchat: 1 new")
        bob.line("/msg alice psst")
        _wait_flag(t, "pane_title", "tcpchat: 2 new")
        t.type("\x1b[I")                                  # focus back: window 1 read
        _wait_flag(t, "pane_title", "tcpchat: 1 new")
        t.keys("M-2")                                     # the private window
        t.wait(r"\[bob -> alice\] psst$")
        _wait_flag(t, "pane_title", "tcpchat")
        t.keys("M-1")
        # scrolled up counts as away too
        for i in range(30):
            bob.line("filler %02d" % i)
        t.wait(r"filler 29$")
        t.keys("PPage")
        t.wait(r"more below")
        bob.line("ping alice")
        _wait_flag(t, "pane_title", "tcpchat: 1 new")
        t.keys("NPage", "NPage", "NPage", "NPage")
        t.wait(r"<bob> ping alice$")
        _wait_flag(t, "pane_title", "tcpchat")
        t.wait(r"^>\s*$")
        t.keys("C-c")
        t.wait_exit()
        t.close()
        t = None
        u = Tmux(s.port, "--no-bell", name="carol")
        u.wait(r"carol \| 2 here")
        bob.line("carol, hello")
        bob.line("/msg carol hi")
        u.wait(r"\[Act: 2!\]")
        u.keys("C-n")
        u.wait(r"\[bob -> carol\] hi$")
        time.sleep(0.3)                                  # tmux handles alerts in a callback
        if _flag(u, "window_bell_flag") != "0":
            fail("bell rang with --no-bell")
        u.keys("C-c")
        u.wait_exit()
    finally:
        for x in (t, u):
            if x:
                x.close()
        s.stop()


def test_me_and_clear():
    s = Server()
    t = None
    try:
        bob = proto_join(s.port, "bob")
        t = start(s)
        t.type("/me waves")
        t.keys("Enter")
        bob.expect(r"MSG\t" + TS + r"\talice\t\* alice waves\n")
        t.wait(r"^\d\d:\d\d \* alice waves$")
        bob.line("* bob dances")
        t.wait(r"^\d\d:\d\d \* bob dances$")
        bob.line("* carol lies")                          # not in another's name
        t.wait(r"<bob> \* carol lies$")
        t.type("/me")
        t.keys("Enter")
        t.wait(r"!! Usage: /me ACTION$")
        t.type("/cl")
        t.keys("Tab")
        t.wait(r"^> /clear\s*$")
        t.keys("Enter")
        t.wait_gone(r"dances|carol lies|Usage")
        bob.line("after the clear")
        t.wait(r"<bob> after the clear$")
        t.keys("C-c")
        t.wait_exit()
    finally:
        if t:
            t.close()
        s.stop()


def test_long_line_split_into_messages():
    s = Server("--rate-limit", "0")
    t = None
    try:
        bob = proto_join(s.port, "bob")
        t = start(s)
        t.wait(r"\| 2 here")
        words = " ".join("w%04d" % i for i in range(1500))        # 8999 bytes
        for prefix, rx in (("", r"MSG\t" + TS + r"\talice\t([^\n]*)\n"),
                           ("/msg bob ", r"PRIV\t" + TS + r"\talice\tbob\t([^\n]*)\n")):
            t.tmux("set-buffer", "-b", "long", prefix + words)
            t.tmux("paste-buffer", "-p", "-b", "long", "-t", "t")
            t.keys("Enter")
            got = []
            while len(" ".join(got)) < len(words):
                m = bob.expect(rx)
                piece = m.group(1).decode()
                if len(piece.encode()) > 4096 or piece.startswith(" ") or piece.endswith(" "):
                    fail("bad piece of %d bytes: %r" % (len(piece), piece[:80]))
                got.append(piece)
            if " ".join(got) != words or len(got) != 3:
                fail("split lost or changed words: %d pieces" % len(got))
        t.keys("C-c")
        t.wait_exit()
    finally:
        if t:
            t.close()
        s.stop()


def test_long_word_tiny_terminal_keeps_prompt():
    s = Server()
    t = None
    try:
        bob = proto_join(s.port, "bob")
        t = start(s, width=40, height=12)
        bob.line("x" * 100)
        t.wait(r"^\d\d:\d\d <bob> x{28}$")               # the word starts on the first row
        t.type("typed")
        for w in (2, 1, 2, 40):
            t.resize(w, 12)
        t.wait(r"^> typed$")
        t.keys("C-u")
        t.wait(r"^>\s*$")                               # a key, then a signal: in order
        t.keys("C-c")
        t.wait_exit()
    finally:
        if t:
            t.close()
        s.stop()


def test_dumb_terminal_and_non_utf8_locale():
    s = Server()
    t = u = None
    try:
        bob = proto_join(s.port, "bob")
        t = Tmux(s.port, name="dumbo", env={"TERM": "dumb"})
        t.wait(r"You are dumbo")
        if t.tmux("display", "-p", "-t", "t", "#{alternate_on}").strip() not in ("", "0"):
            fail("full screen on TERM=dumb")
        t.type("plain hello")
        t.keys("Enter")
        bob.expect(r"MSG\t" + TS + r"\tdumbo\tplain hello\n")
        deadline = time.monotonic() + TIMEOUT
        while "plain line mode" not in t.read("stderr") and time.monotonic() < deadline:
            time.sleep(0.05)
        if "cannot use the terminal type 'dumb'; plain line mode" not in t.read("stderr"):
            fail("no word about the plain mode: %r" % t.read("stderr"))
        t.close()
        t = None
        u = Tmux(s.port, name="ascii", env={"LC_ALL": "C", "LANG": "C"})
        u.wait(r"!! The locale's character set is ANSI_X3\.4-1968, not UTF-8")
        u.wait(r"You are ascii")
        u.keys("C-c")
        u.wait_exit()
    finally:
        for x in (t, u):
            if x:
                x.close()
        s.stop()


def test_big_room_member_list_whole():
    """A room whose names need MEMBERS+ records: the list notice holds every name."""
    s = Server("--max-per-ip", "0", "--max-per-ip-rate", "0", "-m", "1000")
    t = None
    crowd = []
    try:
        # 560 names of 29 bytes: more than TC_MEMBERS_RECORD_MAX (16384) bytes of names.
        for i in range(560):
            crowd.append(join(s.port, "u%03d" % i + "x" * 25))
        t = Tmux(s.port, name="alice", width=200, height=50)
        t.wait(r"\| alice \| 561 here")      # the welcome's own list fills the screen
        t.type("/list")
        t.keys("Enter")
        # The room's order is the join order: alice, last, ends the whole list (at this
        # width on the row of u559); the first MEMBERS record alone ends before u559.
        t.wait(r"u559x{25}, alice\s")
    finally:
        if t:
            t.close()
        for c in crowd:
            c.close()
        s.stop()


if __name__ == "__main__":
    if shutil.which("tmux") is None:
        print("tmux not installed")
        raise SystemExit(1)
    run([test_typing_editing_and_own_message_once,
         test_long_input_scrolls_sideways,
         test_receiving_notices_private_errors_and_status,
         test_help_key_card_columns_and_one_topic,
         test_end_and_ctrl_end_jump_to_the_newest_line,
         test_colours_stable_and_no_color,
         test_scrollback_marker_and_paging,
         test_resize_reflow_and_tiny_terminal,
         test_utf8_and_wide_text,
         test_tab_completion,
         test_name_asked_in_ui_with_refusals,
         test_signals_restore_terminal,
         test_ctrl_z_and_fg,
         test_reconnect_keeps_name_and_room,
         test_multiline_paste_guard,
         test_input_history_file,
         test_degraded_old_style_server,
         test_ctrl_c_clears_line_then_quits,
         test_mouse_wheel_scrolls_history,
         test_mentions_bell_and_title,
         test_me_and_clear,
         test_long_line_split_into_messages,
         test_long_word_tiny_terminal_keeps_prompt,
         test_dumb_terminal_and_non_utf8_locale,
         test_big_room_member_list_whole])
