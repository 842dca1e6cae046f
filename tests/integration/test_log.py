"""Issue 3: the persistent log, history bounds, SIGHUP reopen, crash and restart."""
import os
import shutil
import re
import signal
import stat
import tempfile
import time

from tclib import BANNER, TIMEOUT, TS, Client, Server, fail, join, joined, run


def records(path):
    """The records of the log as EPOCH ROOM KIND NAME TEXT (the UTC-TIME field dropped)."""
    with open(path, "rb") as f:
        recs = [l.split(b"\t") for l in f.read().split(b"\n") if l]
    return [r[1:] if re.fullmatch(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r[0]) else r
            for r in recs]


def newcomer_history(port, name, room=None):
    c = join(port, "peek") if room else None
    if room:
        c.line("/join " + room)
        m = c.expect(r"You are now in room [^\n]*\n(.*?)\[" + TS + r"\]\[peek\]:$")
        c.close()
        return m.group(1).decode()
    c = Client(port)
    c.expect_exact(BANNER)
    c.line(name)
    m = c.expect(r"^(.*?)\[" + TS + r"\]\[" + name + r"\]:$")
    c.close()
    return m.group(1).decode()


def test_kill9_restart_replays_everything():
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "chat.log")
        s = Server("-l", log)
        try:
            a = join(s.port, "alice")
            b = join(s.port, "bob")
            joined(a, "bob")
            for i in range(20):
                a.line("lobby %d" % i)
                b.expect(r"\[alice\]:lobby %d\n" % i)
            b.line("/join dev")
            b.expect("You are now in room dev")
            b.line("dev message")
            b.expect(r"\]\[bob\]:$")
            a.line("/name alicia")
            a.expect("alice is now known as alicia")
        finally:
            s.stop(signal.SIGKILL)
        if stat.S_IMODE(os.stat(log).st_mode) != 0o600:
            fail("log mode is %o" % stat.S_IMODE(os.stat(log).st_mode))
        kinds = [r[2] for r in records(log)]
        for k in (b"MSG", b"JOIN", b"LEAVE", b"RENAME"):
            if k not in kinds:
                fail("no %s record in the log" % k)
        s = Server("-l", log)
        try:
            hist = newcomer_history(s.port, "carol")
            want = "".join("[%s][alice]:lobby %d\n" % ("X", i) for i in range(20))
            got = re.sub(TS, "X", hist)
            if got != want:
                fail("lobby history after restart:\n%s" % hist)
            dev = newcomer_history(s.port, None, room="dev")
            if not re.fullmatch(r"\[" + TS + r"\]\[bob\]:dev message\n", dev):
                fail("dev history after restart: %r" % dev)
        finally:
            assert s.stop() == 0


def test_torn_last_line():
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "chat.log")
        with open(log, "w") as f:
            f.write("1700000000\tlobby\tMSG\talice\twhole line\n")
            f.write("garbage without tabs\n")
            f.write("1700000001\tlobby\tMSG\tbob\ttorn li")
        s = Server("-l", log)
        try:
            hist = newcomer_history(s.port, "carol")
            if not re.fullmatch(r"\[" + TS + r"\]\[alice\]:whole line\n", hist):
                fail("history with a torn line: %r" % hist)
            c = join(s.port, "dave")
            c.line("after the tear")
            c.expect(r"\]\[dave\]:$")
        finally:
            assert s.stop() == 0
        if "skipped 2 malformed or torn line(s)" not in s.stderr():
            fail("no warning about the torn line: %r" % s.stderr())
        recs = records(log)
        last = recs[-1]
        if last[2:] != [b"MSG", b"dave", b"after the tear"]:
            fail("the record after a torn line is damaged: %r" % recs[-3:])
        s = Server("-l", log)
        try:
            hist = newcomer_history(s.port, "erin")
            if "after the tear" not in hist or "torn li" in hist:
                fail("second restart: %r" % hist)
        finally:
            s.stop()


def test_history_length_option():
    s = Server("-H", "2")
    try:
        a = join(s.port, "alice")
        for i in range(5):
            a.line("m%d" % i)
            a.expect(r"\]\[alice\]:$")
        hist = newcomer_history(s.port, "bob")
        if re.sub(TS, "X", hist) != "[X][alice]:m3\n[X][alice]:m4\n":
            fail("-H 2 kept %r" % hist)
    finally:
        s.stop()
    s = Server("-H", "0")
    try:
        a = join(s.port, "alice")
        a.line("gone")
        a.expect(r"\]\[alice\]:$")
        if newcomer_history(s.port, "bob") != "":
            fail("-H 0 kept history")
    finally:
        s.stop()


def test_sighup_reopens():
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "chat.log")
        s = Server("-l", log)
        try:
            a = join(s.port, "alice")
            a.line("before rotation")
            a.expect(r"\]\[alice\]:$")
            os.rename(log, log + ".1")
            os.kill(s.proc.pid, signal.SIGHUP)
            # SIGHUP is handled in the loop; a message after it proves the order
            deadline_ok = False
            for _ in range(100):
                if os.path.exists(log):
                    deadline_ok = True
                    break
                import time
                time.sleep(0.05)
            if not deadline_ok:
                fail("no new log file after SIGHUP")
            a.line("after rotation")
            a.expect(r"\]\[alice\]:$")
        finally:
            assert s.stop() == 0
        old = [r[4] for r in records(log + ".1") if r[2] == b"MSG"]
        new = [r[4] for r in records(log) if r[2] == b"MSG"]
        # issue 12: the new file starts with a snapshot of the history kept
        if old != [b"before rotation"] or new != [b"before rotation", b"after rotation"]:
            fail("rotation: old %r new %r" % (old, new))


def test_failed_log_reopen_is_retried():
    d = tempfile.mkdtemp()
    log = os.path.join(d, "chat.log")
    s = Server("-l", log)
    try:
        a = join(s.port, "alice")
        os.rename(log, log + ".1")
        os.mkdir(log)                      # the reopen fails: a directory is in the way
        os.kill(s.proc.pid, signal.SIGHUP)
        deadline = time.monotonic() + TIMEOUT
        while "it is a directory" not in s.stderr():
            if time.monotonic() > deadline:
                fail("no error for the failed reopen: %r" % s.stderr())
            time.sleep(0.02)
        os.rmdir(log)
        os.kill(s.proc.pid, signal.SIGHUP)  # the next SIGHUP tries again
        while not os.path.isfile(log):
            if time.monotonic() > deadline:
                fail("the log was not reopened on the second SIGHUP")
            time.sleep(0.02)
        a.line("logged again")
        a.expect(r"\]\[alice\]:$")
    finally:
        s.stop()
    with open(log, "rb") as f:
        if b"\tMSG\talice\tlogged again\n" not in f.read():
            fail("the message after the retried reopen is not in the log")
    shutil.rmtree(d)


def test_log_written_before_delivery():
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "chat.log")
        s = Server("-l", log)
        try:
            a = join(s.port, "alice")
            b = join(s.port, "bob")
            joined(a, "bob")
            for i in range(50):
                a.line("n%d" % i)
                b.expect(r"\]:n%d\n" % i)
                # bob has seen it: it must already be in the file
                msgs = [r[4] for r in records(log) if r[2] == b"MSG"]
                if msgs[-1:] != [b"n%d" % i]:
                    fail("n%d delivered before it was logged" % i)
        finally:
            s.stop()


def test_unwritable_log_is_an_error():
    r = Server.__new__(Server)
    import subprocess
    from tclib import BIN
    p = subprocess.run([BIN, "serve", "-p", "0", "-l", "/nonexistent/dir/x.log"],
                       capture_output=True, timeout=10)
    if p.returncode != 1 or b"cannot open log" not in p.stderr:
        fail("unwritable log: %d %r" % (p.returncode, p.stderr))


if __name__ == "__main__":
    run([test_kill9_restart_replays_everything, test_torn_last_line, test_history_length_option,
         test_sighup_reopens, test_failed_log_reopen_is_retried,
         test_log_written_before_delivery, test_unwritable_log_is_an_error])
