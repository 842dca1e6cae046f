#!/usr/bin/env bash
# A seconds-long run of bench/run --smoke: the load generator and the script keep
# working, in plain TCP and in TLS (workloads ta, tb, tc). Asserts that tcpchat lost nothing and that the table was printed; no
# timing is asserted. Redis joins in when it is installed (ncat is left out: its
# stalled-reader run waits for a timeout).
set -euo pipefail
: "${TCPCHAT_BIN:?}" "${TCPCHAT_SRC:?}" "${TCPCHAT_BUILD:?}"

LG=$TCPCHAT_BUILD/bench/tcpchat-loadgen
out=$(mktemp)
trap 'rm -f "$out"' EXIT

fail() {
	echo "FAIL: $*"
	cat "$out"
	exit 1
}

"$LG" --help | grep -q -- '--clients' || fail "tcpchat-loadgen --help"
status=0
timeout 240 bash "$TCPCHAT_SRC/bench/run" --smoke --servers tcpchat,redis \
	--bin "$TCPCHAT_BIN" --loadgen "$LG" >"$out" 2>&1 || status=$?
[[ $status == 0 ]] || fail "bench/run --smoke exited with $status"
grep -q '^workload  *metric  *tcpchat' "$out" || fail "no table header"
for wl in a b c d ta tb tc; do
	grep -q "^$wl: " "$out" || fail "no row for workload $wl"
done
grep -q 'deliveries/s' "$out" || fail "no deliveries/s row"
grep -Eq '^ *tcpchat +ta +run 1: .*loss 0, ok=1' "$out" || fail "no clean TLS fan-out run"
grep -Eq '^ *tcpchat +tc +run 1: connect .*ok=1' "$out" || fail "no clean TLS idle run"
grep -q 'tcpchat lost nothing' "$out" || fail "no verdict"
if grep -E '^ *tcpchat .*ok=0' "$out"; then fail "a tcpchat run failed"; fi
echo "ok"
