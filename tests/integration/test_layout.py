#!/usr/bin/env python3
"""
test_layout.py: the tree keeps the shape the README's Architecture section describes.

- No include cycle between modules: a module is a file stem (chat.c + chat.h), and
  module A depends on B when one of A's files includes "B.h". A cycle means two modules
  that can only be understood together; the chat reaches the cluster through hooks in
  struct chat instead (chat.h: struct chat_claims).
- Every source file is in one of the folders the README names (src/core, src/server,
  src/client, plus src/main.c), and each header sits beside its source.
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


def main():
    files = sorted(sources())
    failures = []
    if len(files) < 50:
        failures.append(f"only {len(files)} sources found under {SRC}: wrong TCPCHAT_SRC?")
    for c in cycles(include_graph(files)):
        failures.append("include cycle: " + c)
    rooms = ("src/core/", "src/server/", "src/client/", "include/")
    for p in files:
        rel = os.path.relpath(p, SRC)
        if rel == "src/main.c":
            continue
        depth = 1 if rel.startswith("include/") else 2
        if not rel.startswith(rooms) or rel.count("/") != depth:
            failures.append(f"{rel}: not in src/core, src/server, src/client or include/")
        if rel.endswith(".h") and rel.startswith("src/"):
            body = p[:-2] + ".c"
            if not os.path.exists(body) and "#define" not in open(p).read():
                failures.append(f"{rel}: a header with no source beside it")
    for f in failures:
        print("FAIL:", f)
    print(f"{len(files)} files, {'ok' if not failures else str(len(failures)) + ' failures'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
