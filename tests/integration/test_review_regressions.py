"""Regression tests for bugs a code review found (each named after what broke)."""
import os
import re
import shutil
import signal
import socket
import struct
import tempfile
import time

from tclib import BANNER, TS, TIMEOUT, Client, Server, fail, join, proto_join, run


def test_two_stop_signals_at_once_exit_cleanly():
    """Both signals handled in one pass once freed connections still on the
    pending-write list (a use-after-free ASan reports; Server.stop checks)."""
    s = Server()
    a = join(s.port, "alice")
    b = Client(s.port)
    b.expect_exact(BANNER)
    os.kill(s.proc.pid, signal.SIGSTOP)
    os.kill(s.proc.pid, signal.SIGINT)
    os.kill(s.proc.pid, signal.SIGTERM)
    os.kill(s.proc.pid, signal.SIGCONT)
    s.proc.wait(TIMEOUT)
    if s.stop() != 0:
        fail("exit status %r after two stop signals" % s.proc.returncode)
    a.close()
    b.close()


def test_name_timeout_in_client_dialect_has_no_blank_line():
    s = Server("-t", "1")
    try:
        c = Client(s.port)
        c.line("/TCPCHAT 1")
        rest = c.expect_closed()
        if not rest.endswith(b"+TCPCHAT\t1\nBYE\tNo name given in 1 second, goodbye.\n"):
            fail("client dialect name timeout sent %r" % rest[-80:])
    finally:
        s.stop()


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


def test_throttled_client_reset_handles_one_burst_and_counts_the_rest():
    """Lines still in the kernel's receive buffer when a rate-limited client resets
    were lost without a word (1.0), then were delivered at the rate limit long after
    the client left (a ghost; issue 11). Now: at most one burst more is delivered, in
    order, and every other line is counted as dropped in the log."""
    s = Server("-r", "1000", "-H", "0")
    try:
        obs = proto_join(s.port, "obs")
        f = join(s.port, "flooder")
        n = 6000
        f.send(b"".join(b"l%08d\n" % i for i in range(n)))
        time.sleep(0.3)        # let the server read some and fall behind (not a wait for a result)
        f.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        f.sock.close()
        obs.expect(r"LEAVE\t" + TS + r"\tflooder\n", timeout=60)
        got = [int(x) for x in re.findall(rb"MSG\t[^\t]*\tflooder\tl(\d{8})\n", obs.skipped)]
        if got != list(range(len(got))):
            fail("%d lines delivered, not in order from the first" % len(got))
        deadline = time.monotonic() + 10
        while not (m := re.findall(r'"flooder" hung up with (\d+) lines? over the rate '
                                   r'limit: dropped', s.stderr())):
            if time.monotonic() > deadline:
                fail("no drop in the log: %r" % s.stderr()[-300:])
            time.sleep(0.05)
        if len(got) + int(m[-1]) != n:
            fail("%d delivered + %s dropped != %d" % (len(got), m[-1], n))
    finally:
        s.stop()


def test_no_messages_after_bye():
    """The throttle timer kept delivering lines during the shutdown flush."""
    s = Server("-m", "60", "-r", "20")
    try:
        a = join(s.port, "alice")
        b = proto_join(s.port, "bob")
        a.send(b"".join(b"m%03d\n" % i for i in range(300)))   # throttled: 40 at once
        b.expect(r"MSG\t" + TS + r"\talice\tm039\n")
        os.kill(s.proc.pid, signal.SIGTERM)
        rest = b.expect_closed()
        tail = rest[rest.index(b"BYE\t"):]
        if tail != b"BYE\tServer is shutting down. Goodbye!\n":
            fail("records after BYE: %r" % tail[:200])
    finally:
        assert s.stop() == 0


if __name__ == "__main__":
    run([test_two_stop_signals_at_once_exit_cleanly,
         test_name_timeout_in_client_dialect_has_no_blank_line,
         test_failed_log_reopen_is_retried, test_throttled_client_reset_handles_one_burst_and_counts_the_rest,
         test_no_messages_after_bye])
