"""Issue 17 as a person would use it: irssi (a real IRC client) in tmux next to nc users.
irssi connects to the IRC port, joins a second channel, talks with an nc user in each,
sends /msg, sets a /topic and quits; both sides are checked (irssi through its screen
and its autolog files, nc users through their classic lines). irssi runs with a
temporary --home and a config of its own (no networks, no autoconnect); tmux runs on a
private socket, its server a child of this test killed by PID."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from tclib import TIMEOUT, TS, Server, fail, join, joined, left, notice, run

ENV = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8", TERM="screen")


def wait_for(what, fn):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        got = fn()
        if got:
            return got
        time.sleep(0.05)
    fail("timed out waiting for %s" % what)


class Irssi:
    def __init__(self, port, nick):
        self.home = tempfile.mkdtemp(prefix="tcpchat-irssi-")
        self.logs = os.path.join(self.home, "logs")
        with open(os.path.join(self.home, "config"), "w") as f:
            f.write('settings = {\n  core = { real_name = "Alice A"; user_name = "%s"; '
                    'nick = "%s"; };\n  "fe-common/core" = { autolog = "yes"; '
                    'autolog_path = "%s/$0.log"; autolog_level = "all"; };\n'
                    '  "irc/core" = { cmd_queue_speed = "10msec"; cmds_max_at_once = "50"; };\n};\n'
                    % (nick, nick, self.logs))
        self.sock = "tcpchat-irssi-%d" % os.getpid()
        conf = os.path.join(self.home, "tmux.conf")
        open(conf, "w").close()
        self.base = ["tmux", "-N", "-L", self.sock, "-f", conf]
        self.server = subprocess.Popen(["tmux", "-D", "-L", self.sock, "-f", conf],
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, env=ENV)
        wait_for("tmux", lambda: subprocess.run(self.base + ["list-sessions"],
                                                capture_output=True, env=ENV).returncode == 0
                 or self.server.poll() is not None)
        cmd = "irssi --home=%s -c 127.0.0.1 -p %d -n %s; echo IRSSI-EXIT=$?; exec cat" % (
            self.home, port, nick)
        self.tmux("new-session", "-d", "-x", "120", "-y", "40", "-s", "t", cmd)

    def tmux(self, *args):
        return subprocess.run(self.base + list(args), capture_output=True, env=ENV,
                              timeout=TIMEOUT).stdout.decode(errors="replace")

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "t")

    def type(self, text):
        self.tmux("send-keys", "-t", "t", "-l", text)
        self.tmux("send-keys", "-t", "t", "Enter")

    def wait_screen(self, pattern):
        return wait_for("%r on irssi's screen" % pattern,
                        lambda: re.search(pattern, self.screen()))

    def log(self, name):
        try:
            with open(os.path.join(self.logs, name + ".log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def wait_log(self, name, pattern):
        return wait_for("%r in irssi's log of %s (have %r)" % (pattern, name, self.log(name)),
                        lambda: re.search(pattern, self.log(name), re.M))

    def close(self):
        if self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        shutil.rmtree(self.home, ignore_errors=True)


def test_irssi_with_nc_users():
    if shutil.which("irssi") is None or shutil.which("tmux") is None:
        fail("irssi and tmux are needed (Debian irssi, tmux)")
    srv = Server("-vv", "--irc-port", "0", "--server-name", "My.Little.Server")
    irc_port = int(re.match(r"Listening for IRC on the port :(\d+)",
                            srv.proc.stdout.readline().decode()).group(1))
    irssi = None
    try:
        carol = join(srv.port, "carol")
        dave = join(srv.port, "dave")
        joined(carol, "dave")
        dave.line("/join dev")
        dave.expect(r"You are now in room dev")
        irssi = Irssi(irc_port, "alice")
        irssi.wait_screen(r"Welcome to the tcpchat IRC Network alice")
        joined(carol, "alice")
        irssi.wait_log("#lobby", r"alice \[~alice@127\.0\.0\.1\] has joined #lobby")
        irssi.type("/join #dev")
        irssi.wait_log("#dev", r"alice \[~alice@127\.0\.0\.1\] has joined #dev")
        notice(dave, "alice joined room dev")
        # Talk in each room, both ways.
        carol.line("hello from the lobby")
        irssi.wait_log("#lobby", r"< ?carol> hello from the lobby")
        dave.line("hello from dev")
        irssi.wait_log("#dev", r"< ?dave> hello from dev")
        irssi.type("/msg #lobby hi carol")
        carol.expect(r"\n\[" + TS + r"\]\[alice\]:hi carol\n")
        irssi.type("/msg #dev hi dave")
        dave.expect(r"\n\[" + TS + r"\]\[alice\]:hi dave\n")
        # /msg, both ways.
        irssi.type("/msg carol just between us")
        carol.expect(r"\[" + TS + r"\]\[alice\]\[private\]:just between us\n")
        carol.line("/msg alice sure")
        irssi.wait_log("carol", r"< ?carol> sure")
        # /topic.
        irssi.type("/topic #dev all about dev")
        notice(dave, "alice set the topic of dev: all about dev")
        irssi.wait_log("#dev", r"alice changed the topic of #dev to: all about dev")
        # /quit: the leave line for each nc user, with the reason (issue 20).
        irssi.type("/quit see you")
        left(carol, "alice", "Quit: see you")
        left(dave, "alice", "Quit: see you")
        irssi.wait_screen(r"IRSSI-EXIT=0")
        if "ERROR" in srv.stderr() or "runtime error" in srv.stderr():
            fail("server errors: %r" % srv.stderr()[-2000:])
    finally:
        if irssi is not None:
            irssi.close()
        srv.stop()


if __name__ == "__main__":
    run([test_irssi_with_nc_users])
