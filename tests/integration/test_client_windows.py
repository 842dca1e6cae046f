"""Issue 15: the full-screen client's windows (one per room and private conversation)
over client dialect 2, driven through tmux as in test_client_tui.py."""
import os
import shutil
import tempfile

from tclib import TIMEOUT, Server, fail, proto2_join, proto_join, run
from test_client_tui import Tmux, start


def test_windows_keys_commands_and_activity():
    s = Server()
    t = None
    try:
        bob = proto_join(s.port, "bob")
        t = start(s)
        t.wait(r"\| 1:#lobby \| alice \| 2 here")
        t.type("/join dev")
        t.keys("Enter")
        t.wait(r"Now in #dev")
        t.wait(r"\| 2:#dev \| alice \| 1 here, 2 online")   # the room, the chat
        t.type("/join ops")
        t.keys("Enter")
        t.wait(r"\| 3:#ops \| alice \|")
        bob.line("in the lobby")                      # window 1: new lines
        t.wait(r"\[Act: 1\]")
        t.keys("M-1")
        t.wait(r"<bob> in the lobby$")
        t.wait(r"\| 1:#lobby \| alice \| 2 here(, 2 online)?\s+connected")   # nothing waits now
        t.type("hello lobby")                         # plain lines go to the active window
        t.keys("Enter")
        bob.expect(r"MSG\t[^\t]+\talice\thello lobby\n")
        t.keys("M-Right")
        t.wait(r"\| 2:#dev \|")
        t.type("hello dev")
        t.keys("Enter")
        t.wait(r"<alice> hello dev$")
        bob.line("/join dev")
        bob.expect(r"ROOM\tdev\n")
        t.wait(r"bob came from #lobby$")
        t.keys("M-Left")
        t.wait(r"\| 1:#lobby \|")
        t.wait(r"bob went to #dev$")
        t.keys("C-n")
        t.wait(r"\| 2:#dev \| alice \| 2 here")
        t.keys("C-n", "C-n")                          # wraps round to 1
        t.wait(r"\| 1:#lobby \|")
        t.keys("C-p")
        t.wait(r"\| 3:#ops \|")
        bob.line("alice: in dev")                      # a mention in window 2
        t.wait(r"\[Act: 2!\]")
        t.type("/window 2")
        t.keys("Enter")
        t.wait(r"<bob> alice: in dev$")
        t.type("/window 9")
        t.keys("Enter")
        t.wait(r"Usage: /window N")
        bob.line("/msg alice psst")                    # a private window, 4
        t.wait(r"\[Act: 4!\]")
        t.keys("M-4")
        t.wait(r"\[bob -> alice\] psst$")
        t.wait(r"\| 4:bob \| alice \|")
        t.type("back to you")                          # a plain line there is private
        t.keys("Enter")
        bob.expect(r"PRIV\t[^\t]+\talice\tbob\tback to you\n")
        t.wait(r"\[alice -> bob\] back to you$")
        t.keys("M-2")
        t.type("/r via r")                             # the last private message's sender
        t.keys("Enter")
        bob.expect(r"PRIV\t[^\t]+\talice\tbob\tvia r\n")
        t.type("/part")                                # leaves dev, closes window 2
        t.keys("Enter")
        t.wait(r"\| 2:#ops \|")
        bob.expect(r"LEAVE\t[^\t]+\talice\n")
        t.keys("M-3")
        t.wait(r"\| 3:bob \|")
        t.type("/part")                                # a private window just closes
        t.keys("Enter")
        t.wait(r"\| 2:#ops \|")
        t.type("/part ops")
        t.keys("Enter")
        t.wait(r"\| 1:#lobby \|")
        t.type("/part")
        t.keys("Enter")
        t.wait(r"That is your last room")
        t.keys("C-c")
        t.wait_exit()
    finally:
        if t:
            t.close()
        s.stop()


def test_rooms_remembered_and_join_option_and_time_format():
    s = Server()
    state = tempfile.mkdtemp(prefix="tcpchat-state-")
    t = None
    try:
        bob = proto2_join(s.port, "bob")
        bob.line("/join dev")
        bob.expect(r"ROOM\tdev\n")
        t = Tmux(s.port, "--join", "dev,ops", "--time-format", "%H.%M.%S", name="alice",
                 env={"XDG_STATE_HOME": state})
        t.wait(r"\| 1:#dev \| alice \| 2 here")      # no lobby window: it was left
        bob.expect(r"MSG\tdev\t[^\t]+\tbob|JOIN\tdev\t[^\t]+\talice\n")
        bob.line("/say dev stamped")
        t.wait(r"^\d\d\.\d\d\.\d\d <bob> stamped$")
        t.keys("M-2")
        t.wait(r"\| 2:#ops \| alice \| 1 here")
        t.keys("C-c")
        t.wait_exit()
        t.close()
        with open(os.path.join(state, "tcpchat", "rooms")) as f:
            if f.read() != "dev\nops\n":
                fail("rooms not remembered")
        t = Tmux(s.port, name="alice", env={"XDG_STATE_HOME": state})   # the same again
        t.wait(r"\| 1:#dev \| alice \| 2 here")
        t.keys("M-2")
        t.wait(r"\| 2:#ops \|")
        t.keys("C-c")
        t.wait_exit()
    finally:
        if t:
            t.close()
        s.stop()
        shutil.rmtree(state, ignore_errors=True)


def test_nick_pane_and_search():
    s = Server()
    t = None
    try:
        bob = proto_join(s.port, "bob")
        t = start(s, width=120)
        t.wait(r"│#lobby \(2\)\s*$")                 # the pane on a wide terminal
        t.wait(r"│bob\s*$")
        t.wait(r"│alice\s*$")
        for i in range(40):
            bob.line("line %02d%s" % (i, " needle" if i in (5, 12) else ""))
        t.wait(r"<bob> line 39")
        t.type("/search NEEDLE")                        # any case; the newest first
        t.keys("Enter")
        t.wait(r"\A\d\d:\d\d <bob> line 12 needle")    # at the top of the view
        t.wait(r"more below")
        t.keys("F3")                                    # older
        t.wait(r"\A\d\d:\d\d <bob> line 05 needle")
        t.keys("F3")
        t.wait(r"No earlier line holds")
        t.type("\x1b[1;2R")                           # Shift+F3 (xterm's): newer
        t.wait(r"\A\d\d:\d\d <bob> line 12 needle")
        t.keys("F2")                                    # the pane goes
        t.wait_gone(r"│#lobby \(2\)")
        t.keys("F2")
        t.wait(r"│#lobby \(2\)")
        t.resize(80, 24)                                # too narrow: no pane
        t.wait_gone(r"│#lobby \(2\)")
        t.wait(r"^>\s*$")
        t.keys("C-c")
        t.wait_exit()
    finally:
        if t:
            t.close()
        s.stop()


def test_me_is_an_action_in_each_window():
    """Issue 20 point 3: /me sends the server's action to the window's room (or, in a
    private window, to its person), and action records show as "* NAME TEXT"."""
    s = Server()
    t = None
    try:
        bob = proto2_join(s.port, "bob")
        t = start(s)
        t.wait(r"\| 1:#lobby \| alice \| 2 here")
        t.type("/join dev")
        t.keys("Enter")
        t.wait(r"\| 2:#dev \| alice \|")
        t.keys("M-1")
        t.wait(r"\| 1:#lobby \|")
        t.type("/me waves")                   # the lobby's window, not the server's #dev
        t.keys("Enter")
        bob.expect(r"\nACTION\tlobby\t[^\t]+\talice\twaves\n")
        t.wait(r"^\d\d:\d\d \* alice waves$")
        t.wait_gone(r"sending")              # the echo confirmed it
        bob.line("/me nods")
        t.wait(r"^\d\d:\d\d \* bob nods$")
        bob.line("//me claps")               # a message that starts with /me
        t.wait(r"<bob> /me claps$")
        bob.line("/action alice winks")
        t.wait(r"\[Act: 3!\]")
        t.keys("M-3")
        t.wait(r"\[bob -> alice\] \* bob winks$")
        t.type("/me smiles")
        t.keys("Enter")
        bob.expect(r"\nPRIVACTION\t[^\t]+\talice\tbob\tsmiles\n")
        t.wait(r"\[alice -> bob\] \* alice smiles$")
        t.keys("C-d")
        t.wait_exit()
    finally:
        if t:
            t.close()
        s.stop()


def test_part_and_quit_reasons_in_the_client():
    """Issue 20: the client shows the reason of a leave, and gives one with
    /part ROOM REASON and /quit REASON."""
    s = Server()
    t = None
    try:
        bob = proto2_join(s.port, "bob")
        bob.line("/join dev")
        bob.expect(r"ROOM\tdev\n")
        t = start(s)
        t.type("/join dev")
        t.keys("Enter")
        t.wait(r"\| 2:#dev \| alice \| 2 here")
        t.type("/part dev see you later")
        t.keys("Enter")
        bob.expect(r"LEAVE\tdev\t[^\t]+\talice\t\tsee you later\n")
        t.wait(r"\| 1:#lobby \|")
        bob.line("/quit gone fishing")
        t.wait(r"bob has left \(Quit: gone fishing\)$")
        carol = proto2_join(s.port, "carol")
        t.wait(r"carol has joined$")
        t.type("/quit so long")
        t.keys("Enter")
        carol.expect(r"LEAVE\tlobby\t[^\t]+\talice\t\tQuit: so long\n")
        t.wait_exit()
    finally:
        if t:
            t.close()
        s.stop()


if __name__ == "__main__":
    if shutil.which("tmux") is None:
        print("tmux not installed")
        raise SystemExit(1)
    run([test_windows_keys_commands_and_activity,
         test_rooms_remembered_and_join_option_and_time_format,
         test_nick_pane_and_search, test_me_is_an_action_in_each_window,
         test_part_and_quit_reasons_in_the_client])
