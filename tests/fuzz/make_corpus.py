#!/usr/bin/env python3
"""Write the seed corpus of the fuzz harnesses (tests/fuzz/corpus/<harness>/).

The files are committed; this script documents how they were made and can remake them
(no network: the TLS ClientHello comes from Python's ssl module writing into a memory
BIO, so its random fields differ from run to run; everything else is deterministic). Each file starts with the two header bytes the harness reads:
fuzz_line: line limit - 64, chunking seed; fuzz_conn: flags (bit 0: limit 64, bit 1:
rate limit 5/s, bit 2: multiplex mode), chunking seed. fuzz_proto reads one flag byte
(bit 0: the first line is our own name); fuzz_known_hosts has one header
byte (the port asked about - 1); fuzz_irc has none.
`make_corpus.py fuzz_known_hosts` (or `fuzz_irc`) writes only that harness's seeds.
"""
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from junk import TELNET, tls_client_hello  # noqa: E402


ESCAPES = (b"\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1bP+q\x1b\\"
           b"\xc2\x9b31m\xc2\x9d8;;http://x\xc2\x9c\x9b\x07\x08\x08\x7f\x00tail\x1b[6n")
UTF8_OK = "héllo wörld, 日本語のテキスト, emoji 🎉👍🏽, Ελληνικά, עברית, ‮RLO".encode()
UTF8_BAD = (b"\xc0\xaf \xe0\x80\xaf \xed\xa0\x80 \xed\xbf\xbf \xf4\x90\x80\x80 \xf8\x88\x80"
            b"\x80\x80 \xe2\x82 \x80 \xbf \xfe\xff \xc3")
COMMANDS = (b"/help\n/list\n/who\n/rooms\n/join #dev\n/join lobby\n/join a b\n/join\n"
            b"/msg alice hi there\n/msg bob\n/msg nobody x\n/name eve2\n/nick eve\n"
            b"/name alice\n/name [x]\n/nope\n//slash\n/\n /help\n/quit\n")


def seeds_line(rng):
    return {
        "tls_clienthello": b"\x00\x01" + tls_client_hello(),
        "telnet_iac": b"\x10\x02" + TELNET + b"eve\r\nhello\r\n",
        "binary_noise": b"\x40\x03" + bytes(rng.getrandbits(8) for _ in range(2048)),
        "long_lines": b"\x00\x04" + b"x" * 65 + b"\n" + b"y" * 66 + b"\r\n" + b"z" * 64
        + b"\r\n" + b"w" * 1000 + b"\nok\n" + b"q" * 500,
        "crlf_mix": b"\x20\x05" + b"a\r\nb\nc\r\r\nd\r\n\r\n\n\re\rf\n\r",
        "escapes": b"\x80\x06" + ESCAPES + b"\n\t tab\tinside\n",
        "utf8_ok": b"\xc0\x07" + UTF8_OK + b"\n",
        "utf8_bad": b"\xc0\x08" + UTF8_BAD + b"\n" + UTF8_OK[:7] + b"\n",
        "hello": b"\x00\x09/TCPCHAT 1\neve\nhi\n",
    }


def seeds_conn(rng):
    return {
        "tls_clienthello": b"\x00\x01" + tls_client_hello(),
        "telnet_iac": b"\x00\x02" + TELNET + b"eve\r\nhello\r\n" + TELNET + b"\r\n",
        "binary_noise": b"\x00\x03eve\n" + bytes(rng.getrandbits(8) for _ in range(3000)),
        "long_lines": b"\x01\x04eve\n" + b"x" * 65 + b"\n" + b"y" * 66 + b"\r\n" + b"z" * 64
        + b"\r\nafter\n" + b"w" * 5000 + b"\nok\n",
        "long_line_4096": b"\x00\x05eve\n" + b"x" * 4097 + b"\nok\n" + b"y" * 4096 + b"\n",
        "crlf_mix": b"\x00\x06eve\r\na\r\nb\nc\r\r\nd\r\n\r\n\n\re\rf\n\r",
        "escapes": b"\x00\x07ev\x1be\neve\n" + ESCAPES + b"\n/name \x1b[31mred\n",
        "utf8_ok": b"\x00\x08\xc3\xa9ve\n" + UTF8_OK + "\n/name 日本\n/msg alice ".encode() + UTF8_OK
        + b"\n",
        "utf8_bad": b"\x00\x09eve\xc3\n\xf0\x9f\x8e\x89\n" + UTF8_BAD + b"\n",
        "commands": b"\x00\x0aeve\n" + COMMANDS,
        "commands_proto": b"\x00\x0b/TCPCHAT 1\neve\n" + COMMANDS,
        "hello": b"\x00\x0c/TCPCHAT 1\neve\nhi\tthere\n/TCPCHAT 1\n",
        "hello_late": b"\x00\x0d\n/TCPCHAT 2\neve\n",
        "names": b"\x00\x0e\n   \n" + b"n" * 33 + b"\na[b\n/x\nalice\nALICE\nbob smith\nhi\n",
        "name_tries": b"\x00\x0f" + b"alice\n" * 17,
        "rate_limited": b"\x02\x10eve\n" + b"".join(b"m%d\n" % i for i in range(60)),
        "rename_private": b"\x00\x11eve\n/name Eve Smith\n/msg bob  hi  \n/msg Eve Smith "
        b"me\n/join dev\n/join #DEV\n/join lobby\nback\n",
        # multiplex mode (flag 4): \xf5 X switches the sender to connection X % 3
        "multiplex": b"\x04\x12eve\nhi all\n\xf5\x00from alice \x1b[1m\n/msg eve psst\n"
        b"\xf5\x01/name robert\nfrom bob\t\x07\n/join dev\n\xf5\x02/join dev\nin dev\n"
        b"/quit\n\xf5\x02eve2\nback in lobby\n\xf5\x00/quit\n\xf5\x00/TCPCHAT 1\nalice\n"
        b"again\n\xf5\x01/join lobby\n/list\n",
        "multiplex_names": b"\x05\x13eve\n\xf5\x01/name EVE\n/name \xc3\xa9ve\n\xf5\x02"
        b"/name \xc3\xa9VE\n/msg \xc3\xa9ve hi\n\xf5\x00/rooms\n" + b"y" * 70 + b"\n",
        # actions: /me, /action to a room and to a name, //me (a message), each dialect
        "actions": b"\x04\x14eve\n/me waves\n//me claps\n/me\n/action alice bows\n"
        b"/action #lobby grins\n/action #nowhere x\n\xf5\x01/me nods\n/action eve winks\n"
        b"\xf5\x00/me \x1b[31mred\t\n/history\n",
    }


RECORDS = ("+TCPCHAT\t1\nNAME?\tName is taken.\nWELCOME\teve\tlobby\nROOM\tdev\n"
           "MEMBERS\teve\tbob smith\t\t\xc3\xa9ve\nMEMBERS\nHIST\t2026-01-02 03:04:05\tbob\thi\n"
           "MSG\t2026-01-02 03:04:05\teve\thello\tthere\nJOIN\t2026-01-02 03:04:05\tbob\n"
           "LEAVE\t2026-01-02 03:04:05\tbob\nRENAME\t2026-01-02 03:04:05\tbob\trob\n"
           "PRIV\t2026-01-02 03:04:05\trob\teve\tpsst\nINFO\tCommands:\nERR\t\nBYE\tbye\r\n"
           "MSG\tshort\nPRIV\ta\tb\nNOPE\tx\n\n\t\n").encode("latin-1")
RECORDS_V2 = (b"+TCPCHAT\t2\nWELCOME\teve\tlobby\nROOM\tdev\nMEMBERS\tdev\teve\tbob\n"
              b"MEMBERS\nMSG\tdev\t2026-12-01T09:30:00Z\tbob\thi\nHIST\tlobby\t2026-12-01T09:30:00Z\tx\ty\n"
              b"JOIN\tdev\t2026-12-01T09:30:00Z\tbob\nLEAVE\tdev\t2026-12-01T09:30:00Z\tbob\tlobby\n"
              b"RENAME\tdev\t2026-12-01T09:30:00Z\tbob\trob\nJOIN\tdev\nMSG\n"
              b"PRIV\t2026-12-01T09:30:00Z\trob\teve\tpsst\nINFO\tPONG\n")
RECORDS_ACTIONS = (b"+TCPCHAT\t2\nWELCOME\teve\tlobby\n"
                   b"ACTION\tdev\t2026-12-01T09:30:00Z\tbob\twaves\n"
                   b"HISTACTION\tlobby\t2026-12-01T09:30:00Z\tx\tnods\n"
                   b"PRIVACTION\t2026-12-01T09:30:00Z\trob\teve\twinks\nACTION\tdev\nPRIVACTION\n")
NC = (b"[ENTER YOUR NAME]:[2026-01-02 03:04:05][eve]:\n[2026-01-02 03:04:05][bob]:hi: there\n"
      b"[2026-01-02 03:04:05][bob][private]:psst\nbob has joined our chat...\n"
      b"[2026-01-02 03:04:05][eve]:[2026-01-02 03:04:05][bob]:x\n[2026-01-02 03:04:05][]:\n"
      b"[ENTER YOUR NAME]:\n[2026-13-99 99:99:99][x]:y\n")


def seeds_proto(rng):
    return {
        "records": b"\x00" + RECORDS,
        "records_own": b"\x01eve\n" + RECORDS,
        "records_v2": b"\x03eve\n" + RECORDS_V2,
        "records_actions": b"\x03eve\n" + RECORDS_ACTIONS,
        "nc_lines": b"\x01eve\n" + NC,
        "escapes": b"\x00MSG\t" + ESCAPES.replace(b"\n", b"") + b"\tx\tyz\n" + UTF8_BAD + b"\n",
        "utf8": b"\x00INFO\t" + UTF8_OK + b"\nMEMBERS\t" + UTF8_BAD.replace(b" ", b"\t") + b"\n",
        "binary_noise": b"\x01" + bytes(rng.getrandbits(8) for _ in range(1024)),
    }


FP_A = b"AC:4A:08:FD:E6:8A:55:EF:C9:3A:C6:5D:A0:B0:44:3A:65:21:97:BE:4A:27:0F:36:E0:51:BD:A1:C8:33:75:21"
FP_B = b"00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF"


def seeds_known_hosts(rng):
    # byte 0: port - 1; line 1: host asked about; line 2: fingerprint typed; rest: the file
    text = (b"# known hosts\nchat.example.org 8 " + FP_A + b"\nbad line\n\n"
            b"CHAT.example.org 8 " + FP_B + b"\nother 9 " + FP_A + b"\r\n  \t# c\n")
    return {
        "match": b"\x07chat.example.org\n" + FP_A + b"\n" + text,
        "changed": b"\x08other\n" + FP_B + b"\n" + text,
        "unknown": b"\x00new.host\n" + FP_A.lower() + b"\n" + text + b"new.host 2 " + FP_A,
        "empty": b"\x10h\n" + FP_B + b"\n",
        "junk": b"\x01h\nzz\n" + bytes(rng.getrandbits(8) for _ in range(512)),
        "ipv6": b"\x00::1\n " + FP_A + b" \n::1 1 " + FP_B + b"\n::1 1 " + FP_A + b" x\n",
    }


IRC_SESSION = (b'CAP LS 302\n'
               b'CAP REQ :server-time\n'
               b'NICK bob[20]smith\n'
               b'USER u 0 * :Real\n'
               b'CAP END\n'
               b'JOIN #lobby,#dev,#x\n'
               b'NAMES\n'
               b'NAMES #lobby\n'
               b'WHO #lobby\n'
               b'WHOIS alice\n'
               b'PRIVMSG #lobby :hello\n'
               b'PRIVMSG Jos[c3a9] :ACTION waves\n'
               b'TOPIC #lobby\n'
               b'TOPIC #lobby :new topic\n'
               b'LIST\n'
               b'AWAY :lunch\n'
               b'KICK #lobby alice :bye\n'
               b'MODE #lobby\n'
               b'NICK taken\n'
               b'PING :x\n'
               b'PART #lobby :bye\n'
               b'QUIT :done\n'
               b'JOIN #lobby\n'
               b'NICK a\n'
               b'USER a 0 * :a\n')


def seeds_irc(rng):
    # one IRC line, CRLF removed (no header byte)
    return {
        "cap_ls": b"CAP LS 302",
        "user": b"USER guest 0 * :Ronnie Reagan",
        "tags": b"@id=234AB;+draft/x=y\\:z :dan!d@localhost PRIVMSG #chan :Hey what's up!",
        "action": b"PRIVMSG #lobby :\x01ACTION waves at \xc3\xa9ric\x01",
        "nick_escaped": b"Jos[c3a9][20]d[5f]x",
        "fifteen": b"MODE " + b" ".join(str(i).encode() for i in range(20)),
        "long": b"PRIVMSG #lobby :" + "\u4e2d\u6587 word ".encode() * 100,
        "junk": bytes(rng.getrandbits(8) for _ in range(600)),
        "join_probe": b"JOIN :",
        "session": IRC_SESSION,
    }


def main():
    rng = random.Random(4)
    if sys.argv[1:] == ["fuzz_known_hosts"]:   # only this harness's seeds
        harnesses = (("fuzz_known_hosts", seeds_known_hosts(rng)),)
    elif sys.argv[1:] == ["fuzz_irc"]:
        harnesses = (("fuzz_irc", seeds_irc(rng)),)
    else:
        harnesses = (("fuzz_line", seeds_line(rng)), ("fuzz_conn", seeds_conn(rng)),
                     ("fuzz_proto", seeds_proto(rng)), ("fuzz_known_hosts", seeds_known_hosts(rng)),
                     ("fuzz_irc", seeds_irc(rng)))
    for harness, seeds in harnesses:
        d = os.path.join(HERE, "corpus", harness)
        os.makedirs(d, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
