#!/bin/sh
# chatlog_replay.sh: how long `tcpchat serve` takes to start on a long persistent log.
#
#   bench/chatlog_replay.sh [TCPCHAT_BINARY] [RECORDS]
#
# Writes a log of RECORDS (default 5000000) MSG records over 300 rooms to a temporary
# directory, then times two starts of the server (until it prints "Listening"): the
# first replays every record and compacts the log to what is kept; the second replays
# the compacted log. Use a Release build: cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release
set -eu
bin=${1:-build-rel/tcpchat}
n=${2:-5000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
log=$dir/chat.log
python3 - "$log" "$n" <<'PY'
import sys, time
path, n = sys.argv[1], int(sys.argv[2])
t0 = 1796115917
with open(path, "w") as f:
    for i in range(n):
        t = t0 + i // 100
        iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        f.write("%s\t%d\tr%d\tMSG\tuser%d\tmessage number %d from a long log\n"
                % (iso, t, i % 300, i % 97, i))
PY
start() {
	s=$(date +%s.%N)
	"$bin" serve -p 0 -l "$log" >"$dir/out" 2>"$dir/err" &
	pid=$!
	until grep -q Listening "$dir/out" 2>/dev/null; do sleep 0.01; done
	e=$(date +%s.%N)
	kill "$pid"; wait "$pid" || true
	echo "$1: $(echo "$e - $s" | bc) s, log $(wc -c <"$log") bytes"
}
echo "log of $n records: $(wc -c <"$log") bytes"
bench=$(dirname "$bin")/bench/tcpchat-replay-bench
[ -x "$bench" ] && echo "chatlog_replay alone: $("$bench" "$log")"
start "first start (replay + compaction)"
start "second start (compacted log)"
