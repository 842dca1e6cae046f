"""Issue 15: the terminal client watches its link. Own lines pending until the server
echoes them, failed when it does not, and cleared when the echo comes late (issue 26
item 2); the keepalive (/ping) marks a silent link stalled
and reconnects; /reconnect; the first connection failing exits 1; HOST:PORT. The
client talks to the real server through a small TCP proxy in this test, which can hold
or black-hole the traffic."""
import os
import select
import signal
import shutil
import socket
import subprocess
import tempfile
import threading
import time

from tclib import BIN, TIMEOUT, TS, Server, fail, join, proto_join, run
from test_client_tui import Tmux


class Proxy:
    """127.0.0.1:port -> the server. mode: "pass"; "hold" (what the client sends waits
    for release()); "blackhole" (nothing crosses, either way)."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.mode = "pass"
        self.held = []
        self.stop = False
        self.lsock = socket.socket()
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(8)
        self.lsock.settimeout(0.05)
        self.port = self.lsock.getsockname()[1]
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def _accept(self):
        while not self.stop:
            try:
                c, _ = self.lsock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            u = socket.create_connection(("127.0.0.1", self.upstream))
            th = threading.Thread(target=self._pump, args=(c, u), daemon=True)
            self.threads.append(th)
            th.start()

    def _pump(self, c, u):
        try:
            while not self.stop:
                if self.mode == "pass" and self.held:
                    u.sendall(b"".join(self.held))
                    self.held = []
                r, _, _ = select.select([c, u], [], [], 0.05)
                for s in r:
                    data = s.recv(65536)
                    if not data:
                        return
                    if self.mode == "blackhole":
                        continue
                    if s is c and self.mode == "hold":
                        self.held.append(data)
                    else:
                        (u if s is c else c).sendall(data)
        except OSError:
            pass
        finally:
            c.close()
            u.close()

    def release(self):
        self.mode = "pass"

    def close(self):
        self.stop = True
        self.lsock.close()
        for th in self.threads:
            th.join(TIMEOUT)


def test_pending_confirmed_then_failed():
    s = Server()
    p = Proxy(s.port)
    t = None
    try:
        t = Tmux(p.port, name="alice")
        t.wait(r"You are alice, in #lobby")
        p.mode = "hold"
        t.type("held line")
        t.keys("Enter")
        t.wait(r"<alice> held line \(sending\)$")
        p.release()
        t.wait(r"<alice> held line$")
        if t.screen().count("held line") != 1:
            fail("the echo was shown again:\n" + t.screen())
        p.mode = "blackhole"
        t.type("lost line")
        t.keys("Enter")
        t.wait(r"<alice> lost line \(sending\)$")
        t.wait(r"<alice> lost line \(not confirmed: Up brings it back\)$", timeout=TIMEOUT + 6)
        t.keys("Up")
        t.wait(r"^> lost line\s*$")
        t.keys("C-c")                         # clears the line (two at once may merge)
        t.wait(r"^>\s*$")
        t.keys("C-c")
        t.wait_exit()
    finally:
        if t:
            t.close()
        p.close()
        s.stop()


def test_late_echo_clears_the_failed_mark():
    """A server that was only slow (stopped, then continued): the line marked failed
    gets its echo late; the mark goes, in place, and the line is shown once."""
    s = Server()
    t = None
    stopped = False
    try:
        bob = proto_join(s.port, "bob")
        t = Tmux(s.port, name="alice")
        t.wait(r"You are alice, in #lobby")
        bob.expect(r"JOIN\t" + TS + r"\talice\n")
        os.kill(s.proc.pid, signal.SIGSTOP)
        stopped = True
        t.type("slow but sure")
        t.keys("Enter")
        t.wait(r"<alice> slow but sure \(sending\)$")
        t.wait(r"<alice> slow but sure \(not confirmed: Up brings it back\)$",
               timeout=TIMEOUT + 6)
        os.kill(s.proc.pid, signal.SIGCONT)
        stopped = False
        bob.expect(r"MSG\t" + TS + r"\talice\tslow but sure\n")
        t.wait(r"<alice> slow but sure$")                      # the mark is gone
        t.type("/list")                                        # a later record in: the
        t.keys("Enter")                                        # echo was handled
        t.wait(r"-- In the room: ")
        screen = t.screen()
        if screen.count("slow but sure") != 1 or "not confirmed" in screen:
            fail("the late echo shown again, or the mark kept:\n" + screen)
        t.keys("C-c")
        t.wait_exit()
    finally:
        if stopped:
            os.kill(s.proc.pid, signal.SIGCONT)
        if t:
            t.close()
        s.stop()


def test_keepalive_stalls_then_reconnects_and_reconnect_command():
    s = Server()
    p = Proxy(s.port)
    t = None
    try:
        bob = proto_join(s.port, "bob")
        t = Tmux(p.port, "--keepalive", "1", name="alice")
        t.wait(r"You are alice, in #lobby")
        bob.expect(r"JOIN\t[^\t]+\talice\n")
        time.sleep(1.5)                       # quiet: pings are answered, nothing shows
        if "PONG" in t.screen() or "stalled" in t.screen():
            fail("keepalive visible on a live link:\n" + t.screen())
        p.mode = "blackhole"
        t.wait(r"stalled \(no answer\)\s*$")
        p.mode = "pass"                       # too late: the ping was lost
        t.wait(r"Disconnected \(the server did not answer the keepalive\)")
        bob.expect(r"LEAVE\t[^\t]+\talice\n")
        t.wait(r"connected\s*$", timeout=TIMEOUT + 5)
        bob.expect(r"JOIN\t[^\t]+\talice\n")
        t.type("/reconnect")
        t.keys("Enter")
        bob.expect(r"LEAVE\t[^\t]+\talice\n")
        bob.expect(r"JOIN\t[^\t]+\talice\n")
        t.wait(r"connected\s*$")
        t.keys("C-c")
        t.wait_exit()
    finally:
        if t:
            t.close()
        p.close()
        s.stop()


def test_first_connection_failure_exits_1():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()                              # nothing listens there now
    t = Tmux(port, name="alice")
    try:
        m = t.wait(r"^EXIT=(\d+)$")
        if m.group(1) != "1":
            fail("exit status %s, not 1" % m.group(1))
        if "tcpchat: cannot connect to 127.0.0.1:%d: " % port not in t.read("stderr"):
            fail("no reason on stderr: %r" % t.read("stderr"))
    finally:
        t.close()
    r = subprocess.run([BIN, "connect", "--plain", "-n", "x", "127.0.0.1", str(port)],
                       input=b"", capture_output=True, timeout=TIMEOUT)
    if r.returncode != 1:
        fail("plain mode: exit status %d, not 1" % r.returncode)


def test_host_port_forms_and_ping():
    s = Server()
    try:
        for host in ("127.0.0.1:%d" % s.port, "[127.0.0.1]:%d" % s.port):
            r = subprocess.run([BIN, "connect", "--plain", "-n", "hp", host],
                               input=b"/ping abc\n", capture_output=True, timeout=TIMEOUT)
            if r.returncode != 0 or b"PONG abc" not in r.stdout:
                fail("%s: status %d, output %r %r" % (host, r.returncode, r.stdout, r.stderr))
        r = subprocess.run([BIN, "connect", "127.0.0.1:x"], capture_output=True, timeout=TIMEOUT)
        if r.returncode != 2:
            fail("a bad port after the host is not a usage error")
        bob = proto_join(s.port, "bob")
        bob.line("/ping")
        bob.expect(r"INFO\tPONG\n")
        nc = join(s.port, "carol")
        nc.line("/ping " + "x" * 80)
        nc.expect(r"PONG x{64}\n")
    finally:
        s.stop()


def test_config_file():
    s = Server()
    d = tempfile.mkdtemp(prefix="tcpchat-config-")
    try:
        os.makedirs(os.path.join(d, "tcpchat"))
        cfg = os.path.join(d, "tcpchat", "config")
        env = dict(os.environ, XDG_CONFIG_HOME=d)
        with open(cfg, "w") as f:
            f.write("# mine\nhost = 127.0.0.1:%d\nname = cfgname\nplain = yes\n"
                    "no-bell = no\n" % s.port)
        r = subprocess.run([BIN, "connect"], input=b"/ping cfg\n", capture_output=True,
                           timeout=TIMEOUT, env=env)
        if r.returncode != 0 or b"You are cfgname" not in r.stdout or b"PONG cfg" not in r.stdout:
            fail("settings not used: %d %r %r" % (r.returncode, r.stdout, r.stderr))
        r = subprocess.run([BIN, "connect", "-n", "cmdline"], input=b"", capture_output=True,
                           timeout=TIMEOUT, env=env)      # the command line wins
        if b"You are cmdline" not in r.stdout:
            fail("command line did not win: %r %r" % (r.stdout, r.stderr))
        for text, why in (("name = x\nport 2525\n", b"config:2: expected `key = value`"),
                          ("colour = red\n", b"config:1: unknown key"),
                          ("port = 99999\n", b"config:1: invalid port '99999'")):
            with open(cfg, "w") as f:
                f.write(text)
            r = subprocess.run([BIN, "connect", "127.0.0.1"], input=b"", capture_output=True,
                               timeout=TIMEOUT, env=env)
            if r.returncode != 2 or why not in r.stderr:
                fail("bad line %r: %d %r" % (text, r.returncode, r.stderr))
    finally:
        shutil.rmtree(d, ignore_errors=True)
        s.stop()


if __name__ == "__main__":
    if shutil.which("tmux") is None:
        print("tmux not installed")
        raise SystemExit(1)
    run([test_pending_confirmed_then_failed,
         test_late_echo_clears_the_failed_mark,
         test_keepalive_stalls_then_reconnects_and_reconnect_command,
         test_first_connection_failure_exits_1,
         test_host_port_forms_and_ping,
         test_config_file])
