#!/usr/bin/env python3
"""
test_layout.py: the tree keeps the shape the README's Architecture section describes.

- No include cycle between modules: a module is a file stem (chat.c + chat.h), and
  module A depends on B when one of A's files includes "B.h". A cycle means two modules
  that can only be understood together; the chat reaches the cluster through a table
  of operations in struct chat instead (chat/cluster.h: struct cluster_ops).
- Every source file is in one of the folders the README names (src/core, src/client,
  the server's subsystems src/server/{net,chat,proto,irc,cluster}, plus src/main.c and
  include/), and each header sits beside its source.
- The chat core knows no protocol module and no cluster implementation, and the
  protocol modules know no cluster: no file of src/server/chat includes a header of
  proto, irc or cluster, and no file of proto or irc includes one of cluster or of the
  other protocol folder; of net, only the file that makes the cluster includes one of
  cluster. The interfaces they meet at live in chat/ (dialect.h for the protocol
  modules, cluster.h for the cluster). The exceptions are listed in CROSSINGS, each
  with why; the list must stay exact (an exception that is gone must be removed).
- Tests follow modules (issue 20): every src/**/*.c has a unit test named after it,
  tests/unit/test_<stem>.c, or its opening comment says "Tested by tests/integration/..."
  (which test covers it, and why a unit test does not fit).
"""
import os
import re
import sys

SRC = os.environ.get("TCPCHAT_SRC") or os.path.join(os.path.dirname(__file__), "..", "..")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources():
    for top in ("src", "include"):
        for d, _, files in os.walk(os.path.join(SRC, top)):
            for f in files:
                if f.endswith((".c", ".h")):
                    yield os.path.join(d, f)


def stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def include_graph(files):
    mods = {stem(p) for p in files}
    graph = {}
    for p in files:
        with open(p, errors="replace") as f:
            text = f.read()
        for inc in INCLUDE.findall(text):
            t = stem(inc)
            if t in mods and t != stem(p):
                graph.setdefault(stem(p), set()).add(t)
    return graph


def cycles(graph):
    """Every pair of modules that reach each other, with one path each way."""
    def path(a, b):
        seen, todo = {a: None}, [a]
        while todo:
            n = todo.pop()
            for m in sorted(graph.get(n, ())):
                if m not in seen:
                    seen[m] = n
                    if m == b:
                        out = [b]
                        while seen[out[-1]] is not None:
                            out.append(seen[out[-1]])
                        return out[::-1]
                    todo.append(m)
        return None
    found = []
    for a in sorted(graph):
        for b in sorted(graph[a]):
            back = path(b, a)
            if back is not None and a < b:
                found.append(f"{a} -> {b}, and back: {' -> '.join(back)}")
    return found


# (from folder, to folder) pairs that may not include one another.
FORBIDDEN = {("chat", "proto"), ("chat", "irc"), ("chat", "cluster"), ("proto", "irc"),
             ("irc", "proto"), ("proto", "cluster"), ("irc", "cluster"),
             ("net", "cluster")}
# file -> headers it includes across a forbidden line, and why.
CROSSINGS = {
    # The one line that makes the Redis cluster (--redis) and hands it to the chat;
    # everything else reaches it through chat/cluster.h.
    "src/server/net/server.c": {"chat_bus.h"},
}


def crossings(files):
    """Every include across a forbidden folder line: {file: {header, ...}}."""
    where = {os.path.basename(p): os.path.basename(os.path.dirname(p)) for p in files}
    found = {}
    for p in files:
        rel = os.path.relpath(p, SRC)
        if not rel.startswith("src/server/"):
            continue
        frm = os.path.basename(os.path.dirname(p))
        with open(p, errors="replace") as f:
            for inc in INCLUDE.findall(f.read()):
                if (frm, where.get(inc)) in FORBIDDEN:
                    found.setdefault(rel, set()).add(inc)
    return found


# A module's opening comment: the first comment that starts a line.
OPENING = re.compile(r"^/\*.*?\*/", re.S | re.M)


def untested(files):
    """Every source without tests/unit/test_<stem>.c whose opening comment does not
    name the integration test that covers it."""
    unit = os.path.join(SRC, "tests", "unit")
    found = []
    for p in files:
        rel = os.path.relpath(p, SRC)
        if not rel.startswith("src/") or not rel.endswith(".c"):
            continue
        if os.path.exists(os.path.join(unit, "test_" + stem(p) + ".c")):
            continue
        with open(p, errors="replace") as f:
            m = OPENING.search(f.read())
        text = re.sub(r"\s*\n\s*\*?\s*", " ", m.group(0)) if m else ""
        if "Tested by tests/integration/" not in text:
            found.append(rel)
    return found


ROOMS = ("include", "src/core", "src/client", "src/server/net", "src/server/chat",
         "src/server/proto", "src/server/irc", "src/server/cluster")


def main():
    files = sorted(sources())
    failures = []
    if len(files) < 50:
        failures.append(f"only {len(files)} sources found under {SRC}: wrong TCPCHAT_SRC?")
    for c in cycles(include_graph(files)):
        failures.append("include cycle: " + c)
    for p in files:
        rel = os.path.relpath(p, SRC)
        if rel == "src/main.c":
            continue
        if os.path.dirname(rel) not in ROOMS:
            failures.append(f"{rel}: not in one of {', '.join(ROOMS)}")
        if rel.endswith(".h") and rel.startswith("src/"):
            body = p[:-2] + ".c"
            if not os.path.exists(body) and "#define" not in open(p).read():
                failures.append(f"{rel}: a header with no source beside it")
    found = crossings(files)
    for rel in sorted(set(found) | set(CROSSINGS)):
        extra = found.get(rel, set()) - CROSSINGS.get(rel, set())
        gone = CROSSINGS.get(rel, set()) - found.get(rel, set())
        if extra:
            failures.append(f"{rel} includes {', '.join(sorted(extra))} across a "
                            "subsystem line (see FORBIDDEN)")
        if gone:
            failures.append(f"{rel} no longer includes {', '.join(sorted(gone))}: "
                            "take it out of CROSSINGS")
    for rel in untested(files):
        failures.append(f"{rel}: no tests/unit/test_{stem(rel)}.c, and its opening comment "
                        "does not say \"Tested by tests/integration/...\" (and why no unit test)")
    for f in failures:
        print("FAIL:", f)
    print(f"{len(files)} files, {'ok' if not failures else str(len(failures)) + ' failures'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
