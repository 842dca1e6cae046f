"""Issue 26 item 1: `tcpchat connect` joins a server started with --password-file.

The full-screen client (in tmux) asks for the password, masked, and keeps it out of the
scrollback and the input history; a wrong one is said and asked again; a reconnect gives
it again unasked. Plain mode takes --server-password-file FILE or
TCPCHAT_SERVER_PASSWORD, and exits 1 saying why without one or with a wrong one (it
used to hang). Real server, real client; every wait has a deadline; the tmux server,
the clients and the servers are killed by PID in `finally`.
"""
import os
import re
import shutil
import subprocess
import tempfile

from tclib import BIN, TIMEOUT, TS, Client, Server, fail, run
from test_client_tui import Tmux

PASSWORD = "open sesame"


def crypt_hash(password):
    return subprocess.run(["openssl", "passwd", "-6", "-stdin"], input=password.encode(),
                          capture_output=True, check=True).stdout.decode().strip()


class Locked:
    """A directory with a password file for the server (PASSWORD) and files holding
    the right and a wrong password for the client."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="tcpchat-pass-")
        self.hash = os.path.join(self.dir, "server-password")
        with open(self.hash, "w") as f:
            f.write(crypt_hash(PASSWORD) + "\n")
        os.chmod(self.hash, 0o600)
        self.good = self.secret("good", PASSWORD + "\n")
        self.bad = self.secret("bad", "not it\r\n")

    def secret(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def server(self):
        return Server("--password-file", self.hash)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def proto_join_locked(port, name):
    """A raw client-dialect user of a locked server: hello, password, name."""
    c = Client(port)
    c.line("/TCPCHAT 1")
    c.expect(r"\n\+TCPCHAT\t1\nPASS\?\t\n")
    c.line(PASSWORD)
    c.line(name)
    c.expect(r"WELCOME\t" + name + r"\t[^\n]*\n")
    return c


def plain(port, *args, stdin=b"", env=None):
    return subprocess.run([BIN, "connect", "127.0.0.1", str(port), *args], input=stdin,
                          capture_output=True, timeout=TIMEOUT,
                          env=dict(os.environ, **(env or {})))


def test_plain_password_from_file_or_environment():
    lk = Locked()
    s = lk.server()
    try:
        bob = proto_join_locked(s.port, "bob")
        r = plain(s.port, "-n", "alice", "--server-password-file", lk.good,
                  stdin=b"from the file\n", env={"TCPCHAT_SERVER_PASSWORD": "not it"})
        if r.returncode != 0 or b"You are alice" not in r.stdout:
            fail("file: status %d, %r %r" % (r.returncode, r.stdout, r.stderr))
        bob.expect(r"MSG\t" + TS + r"\talice\tfrom the file\n")
        r = plain(s.port, "-n", "carol", stdin=b"from the environment\n",
                  env={"TCPCHAT_SERVER_PASSWORD": PASSWORD})
        if r.returncode != 0 or b"You are carol" not in r.stdout:
            fail("environment: status %d, %r %r" % (r.returncode, r.stdout, r.stderr))
        bob.expect(r"MSG\t" + TS + r"\tcarol\tfrom the environment\n")
        r = plain(s.port, "--server-password-file", lk.good, stdin=b"dave\nnamed on stdin\n")
        if r.returncode != 0 or b"You are dave" not in r.stdout:
            fail("name from stdin: status %d, %r %r" % (r.returncode, r.stdout, r.stderr))
        bob.expect(r"MSG\t" + TS + r"\tdave\tnamed on stdin\n")
    finally:
        s.stop()
        lk.close()


def test_plain_without_or_with_a_wrong_password_exits_1():
    lk = Locked()
    s = lk.server()
    try:
        r = plain(s.port, "-n", "alice", stdin=b"hi\n", env={"TCPCHAT_SERVER_PASSWORD": ""})
        if r.returncode != 1 or (b"the server asks for a password: give "
                                 b"--server-password-file FILE or set "
                                 b"TCPCHAT_SERVER_PASSWORD") not in r.stderr:
            fail("no password: status %d, %r" % (r.returncode, r.stderr))
        for args, env in ((["--server-password-file", lk.bad], {}),
                          ([], {"TCPCHAT_SERVER_PASSWORD": "not it"})):
            r = plain(s.port, "-n", "alice", *args, stdin=b"hi\n", env=env)
            if r.returncode != 1 or b"Wrong password." not in r.stderr:
                fail("wrong password %r: status %d, %r" % (args, r.returncode, r.stderr))
        r = plain(s.port, "-n", "alice", "--server-password-file",
                  os.path.join(lk.dir, "missing"), stdin=b"hi\n")
        if r.returncode != 1 or b"--server-password-file " not in r.stderr:
            fail("missing file: status %d, %r" % (r.returncode, r.stderr))
        empty = lk.secret("empty", "\n")
        r = plain(s.port, "-n", "alice", "--server-password-file", empty, stdin=b"hi\n")
        if r.returncode != 1 or b"the first line is empty" not in r.stderr:
            fail("empty file: status %d, %r" % (r.returncode, r.stderr))
    finally:
        s.stop()
        lk.close()


def test_full_screen_asks_masked_then_reconnects_unasked():
    lk = Locked()
    s = lk.server()
    t = None
    try:
        bob = proto_join_locked(s.port, "bob")
        t = Tmux(s.port, name="alice", env={"TCPCHAT_SERVER_PASSWORD": ""})
        t.wait(r"This server asks for a password: type it and press Enter \(it shows as \*\)\.")
        t.wait(r"^password>\s*$")
        t.wait(r"password needed\s*$")
        t.type("wrong one")
        t.wait(r"^password> \*{9}\s*$")                     # masked, one * a character
        t.keys("Enter")
        t.wait(r"!! Wrong password\.$")
        t.wait(r"^password>\s*$")                            # asked again
        for _ in range(2):                                   # the server's third refusal
            t.type("wrong one")                              # closes the connection: the
            t.keys("Enter")                                  # client connects again, and
        t.wait(r"Wrong password, goodbye\.")                 # asks again (the refused
        t.wait(r"offline, retry in")                         # one is not given unasked)
        t.wait(r"password needed\s*$", timeout=TIMEOUT + 5)
        t.wait(r"^password>\s*$")
        t.type(PASSWORD)
        t.wait(r"^password> \*{11}\s*$")
        t.keys("Enter")
        t.wait(r"You are alice, in #lobby")
        bob.expect(r"JOIN\t" + TS + r"\talice\n")
        t.type("in at last")
        t.keys("Enter")
        bob.expect(r"MSG\t" + TS + r"\talice\tin at last\n")
        t.keys("Up")                                         # the input history: the
        t.wait(r"^> in at last\s*$")                         # message, never a password
        t.keys("Up")
        t.wait(r"^> in at last\s*$")
        t.keys("C-u")
        t.type("/reconnect")                                 # a new link: the password
        t.keys("Enter")                                      # is given again, unasked
        bob.expect(r"LEAVE\t" + TS + r"\talice\n")
        bob.expect(r"JOIN\t" + TS + r"\talice\n")
        t.wait(r"connected\s*$")
        screen = t.screen()
        if len(re.findall(r"!! Wrong password\.$", screen, re.M)) != 2:
            fail("not two refusals (the refused password given again?):\n" + screen)
        if screen.count("This server asks for a password") != 4:
            fail("asked again after the reconnect (or not twice before):\n" + screen)
        if "Connection refused" in screen:
            fail("a reconnect's first attempt failed:\n" + screen)
        for secret in (PASSWORD, "wrong one"):
            if secret in screen:
                fail("a password on the screen:\n" + screen)
        t.keys("C-c")
        if t.wait_exit() != 0:
            fail("bad exit status")
        history = ""
        for root, _, files in os.walk(t.state):
            for f in files:
                with open(os.path.join(root, f), errors="replace") as fh:
                    history += fh.read()
        if "in at last" not in history:
            fail("the input history file was not written: %r" % history)
        for secret in (PASSWORD, "wrong one"):
            if secret in history:
                fail("a password in the state files: %r" % history)
    finally:
        if t:
            t.close()
        s.stop()
        lk.close()


if __name__ == "__main__":
    if shutil.which("tmux") is None:
        print("tmux not installed")
        raise SystemExit(1)
    run([test_plain_password_from_file_or_environment,
         test_plain_without_or_with_a_wrong_password_exits_1,
         test_full_screen_asks_masked_then_reconnects_unasked])
