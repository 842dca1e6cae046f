"""Issue 11 items 4-7, issue 12 (log rotation keeps history), issue 14 (readable UTC time):
the persistent log against a running server."""
import os
import re
import signal
import subprocess
import tempfile
import time

from tclib import BIN, TIMEOUT, TS, Server, fail, join, run
from test_log import newcomer_history


def start_fails(log, what):
    """The server refuses the log path at start: exit 1, a clear reason, no hang."""
    p = subprocess.run([BIN, "serve", "-p", "0", "-l", log], capture_output=True,
                       timeout=TIMEOUT)
    if p.returncode != 1 or what.encode() not in p.stderr:
        fail("log at %s: exit %d, %r" % (log, p.returncode, p.stderr))


def wait_stderr(s, text):
    deadline = time.monotonic() + TIMEOUT
    while text not in s.stderr():
        if time.monotonic() > deadline:
            fail("never said %r: %r" % (text, s.stderr()))
        time.sleep(0.02)


def test_fifo_symlink_directory_at_start_exit_1():
    with tempfile.TemporaryDirectory() as d:
        fifo = os.path.join(d, "fifo.log")
        os.mkfifo(fifo)
        start_fails(fifo, "it is a FIFO, not a regular file")
        target = os.path.join(d, "target")
        with open(target, "w") as f:
            f.write("precious\nno newline")
        link = os.path.join(d, "link.log")
        os.symlink(target, link)
        start_fails(link, "it is a symbolic link")
        with open(target) as f:
            if f.read() != "precious\nno newline":
                fail("the symlink's target was changed")
        dangling = os.path.join(d, "dangling.log")
        os.symlink(os.path.join(d, "nowhere"), dangling)
        start_fails(dangling, "it is a symbolic link")
        if os.path.exists(os.path.join(d, "nowhere")):
            fail("a dangling symlink's target was created")
        start_fails(d, "it is a directory")


def test_sighup_onto_fifo_keeps_old_file():
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "chat.log")
        s = Server("-l", log)
        try:
            a = join(s.port, "alice")
            os.rename(log, log + ".1")
            os.mkfifo(log)
            os.kill(s.proc.pid, signal.SIGHUP)
            wait_stderr(s, "still writing to the old file")
            if "it is a FIFO" not in s.stderr():
                fail("no reason for the refused reopen: %r" % s.stderr())
            a.line("still logged")                 # the server is not frozen in open()
            a.expect(r"\]\[alice\]:$")
        finally:
            assert s.stop() == 0
        with open(log + ".1", "rb") as f:
            if b"\tMSG\talice\tstill logged\n" not in f.read():
                fail("the message after a refused reopen is not in the old file")


def test_rotation_keeps_history():
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "chat.log")
        s = Server("-l", log, "-v")
        try:
            a = join(s.port, "alice")
            a.line("before rotation")
            a.expect(r"\]\[alice\]:$")
            os.rename(log, log + ".1")
            os.kill(s.proc.pid, signal.SIGHUP)
            wait_stderr(s, "rewritten with the 1 record(s) kept")
            a.line("after rotation")
            a.expect(r"\]\[alice\]:$")
        finally:
            assert s.stop() == 0
        s = Server("-l", log)
        try:
            hist = re.sub(TS, "X", newcomer_history(s.port, "carol"))
            if hist != "[X][alice]:before rotation\n[X][alice]:after rotation\n":
                fail("history after rotation and restart: %r" % hist)
        finally:
            s.stop()


def test_replay_sanitises_hostile_log():
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "chat.log")
        with open(log, "wb") as f:
            f.write(b"1700000000\tlobby\tMSG\talice\tplain\n")
            f.write(b"1700000001\tlobby\tMSG\tbob\t\x1b]0;owned\x07\x1b[2J\r\xffend\n")
            f.write(b"1700000002\tlobby\tMSG\t[fake]\tspoof\n")
            f.write(b"1700000003\tlobby\tMSG\t" + b"n" * 5000 + b"\tlong name\n")
            f.write(b"1700000004\tlobby\tMSG\teve\t" + b"x" * (12 << 20) + b"\n")
            f.write(b"1700000005\tlobby\tMSG\talice\tglued1700000006\tlobby\tMSG\tbob\tx\n")
        s = Server("-l", log)
        try:
            hist = re.sub(TS, "X", newcomer_history(s.port, "carol"))
            want = "[X][alice]:plain\n[X][bob]:]0;owned[2J\ufffdend\n"
            if hist != want:
                fail("replayed history: %r" % hist[:300])
        finally:
            assert s.stop() == 0
        if "skipped 4 malformed or torn line(s)" not in s.stderr():
            fail("skipped count: %r" % s.stderr())


def test_records_carry_utc_time():
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "chat.log")
        s = Server("-l", log)
        try:
            a = join(s.port, "alice")
            a.line("dated")
            a.expect(r"\]\[alice\]:$")
        finally:
            assert s.stop() == 0
        day = time.strftime("%Y-%m-%d", time.gmtime())
        with open(log, "rb") as f:
            lines = [l for l in f.read().decode().splitlines() if "\tMSG\t" in l]
        m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\t(\d+)\tlobby\tMSG\talice\tdated",
                         lines[-1])
        if not m or not m.group(1).startswith(day[:4]):
            fail("record without a UTC time: %r" % lines)
        if time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(m.group(2)))) != m.group(1):
            fail("UTC time and epoch disagree: %r" % lines[-1])


def test_long_log_is_compacted_at_start():
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "chat.log")
        with open(log, "w") as f:
            for i in range(20000):
                f.write("%d\tlobby\tMSG\talice\tm%d\n" % (1700000000 + i, i))
        s = Server("-l", log, "-H", "10")
        try:
            hist = re.sub(TS, "X", newcomer_history(s.port, "carol"))
            if hist != "".join("[X][alice]:m%d\n" % i for i in range(19990, 20000)):
                fail("history of a long log: %r" % hist[:200])
        finally:
            assert s.stop() == 0
        with open(log) as f:
            msgs = [l for l in f.read().splitlines() if "\tMSG\t" in l]
        if len(msgs) != 10 or not msgs[0].endswith("\tm19990"):
            fail("the log was not compacted to what is kept: %d MSG records" % len(msgs))


if __name__ == "__main__":
    run([test_fifo_symlink_directory_at_start_exit_1, test_sighup_onto_fifo_keeps_old_file,
         test_rotation_keeps_history, test_replay_sanitises_hostile_log,
         test_records_carry_utc_time, test_long_log_is_compacted_at_start])
