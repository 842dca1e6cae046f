"""SPEC section 2 / issue 3: commands, rooms, private messages, renames."""
import re

from tclib import TS, Client, Server, fail, join, joined, left, notice, proto_join, run


def prompt(name):
    return r"\[" + TS + r"\]\[" + re.escape(name) + r"\]:$"


def test_help_and_errors_are_private():
    s = Server()
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        joined(a, "bob")
        a.line("/help")
        m = a.expect(r"^Commands:\n(.*)\n" + prompt("alice"))
        for usage in ("/help", "/name NEW", "/list", "/rooms", "/join ROOM", "/msg NAME TEXT",
                      "/quit", "//TEXT"):
            if usage not in m.group(1).decode():
                fail("/help lacks %s" % usage)
        for line, err in (("/frob", "Unknown command: /frob (try /help)"),
                          ("/join", "Usage: /join ROOM"),
                          ("/join two words",
                           "Usage: /join ROOM (spaces are not allowed in room names)"),
                          ("/list extra", "Usage: /list"),
                          ("/msg", "Usage: /msg NAME TEXT"),
                          ("/msg nobody hi", "No such user: nobody"),
                          ("/msg bob", "Usage: /msg NAME TEXT"),
                          ("/join bad!room", "Room names use letters, digits, '-', '_' and '.' only."),
                          ("/name", "Usage: /name NEW"),
                          ("/name Bob", 'Name "Bob" is already taken.'),
                          ("/name a[b", "Name cannot contain [ or ]."),
                          ("/name alice", "That is already your name.")):
            a.line(line)
            a.expect_exact(err + "\n")
            a.expect(r"^" + prompt("alice"))
        if b.quiet(0.3):
            fail("errors or help leaked to another client")
    finally:
        assert s.stop() == 0


def test_double_slash_is_a_message():
    s = Server()
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        joined(a, "bob")
        a.line("//shrug")
        b.expect(r"\n\[" + TS + r"\]\[alice\]:/shrug\n")
    finally:
        assert s.stop() == 0


def test_rename():
    s = Server()
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        joined(a, "bob")
        a.line("/name Alicia")
        a.expect(r"^alice is now known as Alicia\n" + prompt("Alicia"))
        b.expect(r"^\nalice is now known as Alicia\n" + prompt("bob"))
        a.line("after")
        a.expect(prompt("Alicia"))
        b.expect(r"\]\[Alicia\]:after\n")
        a.line("/nick ALICIA")        # changing only the case of your own name is fine
        a.expect(r"^Alicia is now known as ALICIA\n")
        c = join(s.port, "alice")      # the old name is free again
        c.line("/name alicia")
        c.expect_exact('Name "alicia" is already taken.\n')
    finally:
        assert s.stop() == 0


def test_list_and_rooms():
    s = Server()
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        joined(a, "bob")
        a.line("/WHO")                   # commands are case-insensitive
        a.expect(r"^2 in lobby:\n  alice \(you\)\n  bob\n" + prompt("alice"))
        b.line("/join dev")
        b.expect(r"^You are now in room dev \(1 here\)\.\n" + prompt("bob"))
        notice(a, "bob went to room dev")
        a.line("/rooms")
        m = a.expect(r"^2 rooms:\n(.*?)\n" + prompt("alice"))
        body = m.group(1).decode()
        if "  lobby (1) <- you are here" not in body or "  dev (1)" not in body:
            fail("/rooms said %r" % body)
        a.line("/list")
        a.expect(r"^1 in lobby:\n  alice \(you\)\n")
    finally:
        assert s.stop() == 0


def test_join_with_a_space_says_why():
    s = Server()
    try:
        a = join(s.port, "alice")
        a.line("/join bad room")
        a.expect_exact("Usage: /join ROOM (spaces are not allowed in room names)\n")
    finally:
        assert s.stop() == 0


def test_rooms_are_isolated_with_own_history():
    s = Server()
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        joined(a, "bob")
        a.line("lobby talk")
        b.expect("lobby talk")
        b.line("/join #Dev")           # '#' ignored; name kept as typed
        b.expect(r"You are now in room Dev")
        b.line("dev talk")
        b.expect(prompt("bob"))
        if b"dev talk" in a.quiet(0.3):
            fail("a message crossed rooms")
        a.line("/join dev")            # rooms match case-insensitively
        a.expect(r"^You are now in room Dev \(2 here\)\.\n\[" + TS + r"\]\[bob\]:dev talk\n" + prompt("alice"))
        b.expect(r"\nalice came from room lobby\n")
        a.line("/join lobby")
        a.expect(r"^You are now in room lobby \(1 here\)\.\n\[" + TS + r"\]\[alice\]:lobby talk\n" + prompt("alice"))
        b.expect(r"\nalice went to room lobby\n")
        a.line("/join lobby")
        a.expect_exact("You are already in that room.\n")
    finally:
        assert s.stop() == 0


def test_room_switch_notices():
    s = Server()
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        joined(a, "bob")
        d = join(s.port, "dora")
        joined(a, "dora")
        joined(b, "dora")
        d.line("/join dev")
        d.expect("You are now in room dev")
        b.line("/join dev")
        b.expect("You are now in room dev")
        notice(a, "bob went to room dev")             # not "bob has left our chat..."
        notice(d, "bob came from room lobby")         # not "bob has joined our chat..."
        p = proto_join(s.port, "robot")
        joined(a, "robot")
        p.line("/join dev")
        p.expect(r"\nROOM\tdev\n")
        b.expect(r"\nrobot came from room lobby\n")
        b.line("/join lobby")
        p.expect(r"LEAVE\t" + TS + r"\tbob\tlobby\n")  # the other room, a third field
        notice(a, "bob came from room dev")
        d.close()                                     # a real disconnect: the classic line
        p.expect(r"LEAVE\t" + TS + r"\tdora\n")
        b.close()
        left(a, "bob")
        data = a.quiet(0.3)
        if b"has left our chat" in data or b"went to" in data:
            fail("extra notices: %r" % data)
    finally:
        assert s.stop() == 0


def test_private_messages():
    s = Server()
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob smith")   # names with spaces work with /msg
        joined(a, "bob smith")
        c = join(s.port, "carol")
        joined(a, "carol")
        joined(b, "carol")
        c.line("/join elsewhere")        # private messages reach any room
        c.expect("You are now in room elsewhere")
        notice(a, "carol went to room elsewhere")
        notice(b, "carol went to room elsewhere")
        a.line("/msg bob smith meet at noon")
        a.expect(r"^\[" + TS + r"\]\[to bob smith\]\[private\]:meet at noon\n" + prompt("alice"))
        b.expect(r"\n\[" + TS + r"\]\[alice\]\[private\]:meet at noon\n" + prompt("bob smith"))
        a.line("/msg CAROL psst")
        c.expect(r"\n\[" + TS + r"\]\[alice\]\[private\]:psst\n")
        if b"psst" in b.quiet(0.3) or b"meet" in c.quiet(0.3):
            fail("a private message leaked")
    finally:
        assert s.stop() == 0


def prompt_re(name):
    """The prompt anywhere in what came (prompt() wants it last)."""
    return r"\[" + TS + r"\]\[" + re.escape(name) + r"\]:"


def say(c, name, n):
    for i in range(n):
        c.line("m%d" % i)
        c.expect(prompt_re(name) + "$")


def test_history_command():
    s = Server()
    try:
        a = join(s.port, "alice")
        say(a, "alice", 4)
        a.line("/history 2")
        a.expect(r"^\[" + TS + r"\]\[alice\]:m2\n\[" + TS + r"\]\[alice\]:m3\n" + prompt_re("alice"))
        a.line("/history two")
        a.expect_exact("Usage: /history [N] (N a number of messages, at least 1)\n")
        a.expect(prompt_re("alice"))
        a.line("/join empty")
        a.expect(prompt_re("alice") + "$")
        a.line("/history")
        a.expect_exact("No messages kept in this room yet.\n")
        p = proto_join(s.port, "robot")
        p.expect(r"\tm3\n")                           # the replay on joining
        p.line("/history 1")
        p.expect(r"^HIST\t" + TS + r"\talice\tm3\n")
        a.line("/help")
        a.expect(r"/history \[N\]")
    finally:
        assert s.stop() == 0


def test_quit():
    s = Server()
    try:
        a = join(s.port, "alice")
        b = join(s.port, "bob")
        joined(a, "bob")
        b.line("/quit")
        rest = b.expect_closed()
        if rest != b"Goodbye!\n":
            fail("/quit sent %r" % rest)
        a.expect(r"\nbob has left our chat\.\.\.\n")
    finally:
        assert s.stop() == 0


def test_client_dialect():
    s = Server()
    try:
        n = join(s.port, "ncuser")
        n.line("old message")
        n.expect(prompt("ncuser"))
        p = proto_join(s.port, "robot")
        p.expect(r"^MEMBERS\tncuser\trobot\nHIST\t" + TS + r"\tncuser\told message\n")
        n.expect(r"\nrobot has joined our chat\.\.\.\n")
        n.line("hi robot")
        p.expect(r"^MSG\t" + TS + r"\tncuser\thi robot\n")
        p.line("beep")
        p.expect(r"^MSG\t" + TS + r"\trobot\tbeep\n")    # own message comes back once
        n.expect(r"\]\[robot\]:beep\n")
        p.line("/frob")
        p.expect(r"^ERR\tUnknown command: /frob \(try /help\)\n")
        p.line("/msg ncuser secret")
        p.expect(r"^PRIV\t" + TS + r"\trobot\tncuser\tsecret\n")
        p.line("/name robo2")
        p.expect(r"^RENAME\t" + TS + r"\trobot\trobo2\n")
        p.line("/join lab")
        p.expect(r"^ROOM\tlab\nMEMBERS\trobo2\n")
        n.line("/join lab")
        p.expect(r"^JOIN\t" + TS + r"\tncuser\tlobby\n")    # a room switch: where from
        n.close()
        p.expect(r"^LEAVE\t" + TS + r"\tncuser\n")
        p.line("/quit")
        if p.expect_closed() != b"BYE\tGoodbye!\n":
            fail("no BYE record")
        q = proto_join(s.port, "x")
        q.line("/help")
        q.expect(r"\nINFO\tCommands:\n")
        # name refusal in the client dialect
        r2 = proto_join(s.port, "y")
        r2.close()
        r = Client(s.port)
        r.line("/TCPCHAT 1")
        r.expect(r"\+TCPCHAT\t1\n")
        r.line("x")
        r.expect(r"^NAME\?\tName \"x\" is already taken\.\n")
        if r.quiet(0.2):
            fail("prompt noise in the client dialect")
    finally:
        assert s.stop() == 0


def test_announce_max():
    s = Server("-A", "2")
    try:
        a = join(s.port, "a")
        b = join(s.port, "b")
        joined(a, "b")               # 1 member before b: announced
        c = join(s.port, "c")
        joined(a, "c")               # 2 members: still announced
        joined(b, "c")
        d = join(s.port, "d")        # 3 members: a crowd, quiet
        d.close()
        c.line("/list")              # /list still tells who is there
        c.expect(r"4 in lobby:|3 in lobby:")
        c.close()                    # 2 members left: announced again
        left(a, "c")
        if b"d has" in a.skipped + a.buf:
            fail("a join or leave was announced in a room over --announce-max")
    finally:
        assert s.stop() == 0


if __name__ == "__main__":
    run([test_help_and_errors_are_private, test_double_slash_is_a_message, test_rename,
         test_list_and_rooms, test_join_with_a_space_says_why,
         test_rooms_are_isolated_with_own_history, test_room_switch_notices,
         test_private_messages, test_history_command,
         test_quit, test_client_dialect, test_announce_max])
