#!/bin/sh
# run.sh: build the libFuzzer harnesses with clang in their own build directory and run
# each for a bounded time on the committed seed corpus.
#
#   tests/fuzz/run.sh [SECONDS_PER_HARNESS] [HARNESS...]
#
# SECONDS_PER_HARNESS defaults to 30 (FUZZ_SECONDS in the environment also works).
# Build directory: $FUZZ_BUILD_DIR, default build-fuzz/ at the top of the source tree.
# New inputs found are written to $FUZZ_BUILD_DIR/corpus/<harness>/ (the committed seed
# corpus is only read); crashes go to $FUZZ_BUILD_DIR/artifacts/<harness>/. Exit status:
# 0 when every harness ran clean, 1 if one found a crash or invariant failure, 77 if clang
# is not available (ctest and the smoke test treat that as a skip).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
secs=${1:-${FUZZ_SECONDS:-30}}
[ $# -gt 0 ] && shift
harnesses=${*:-fuzz_line fuzz_conn fuzz_proto fuzz_chatlog fuzz_known_hosts fuzz_bus fuzz_irc}
build=${FUZZ_BUILD_DIR:-$src/build-fuzz}
jobs=$(nproc 2>/dev/null || echo 2)

if ! command -v clang >/dev/null 2>&1; then
	echo "run.sh: clang not found; the libFuzzer harnesses need clang" >&2
	exit 77
fi

# A project-wide Debug configuration would add ASan twice; RelWithDebInfo leaves the
# sanitizers to the fuzz targets' own flags. -Werror is kept: the harnesses build clean.
mkdir -p "$build"
cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	>"$build/cmake.log" 2>&1 || { cat "$build/cmake.log" >&2; exit 1; }
# shellcheck disable=SC2086
cmake --build "$build" -j "$jobs" --target $harnesses

status=0
for h in $harnesses; do
	corpus=$build/corpus/$h
	artifacts=$build/artifacts/$h
	mkdir -p "$corpus" "$artifacts"
	echo "=== $h: ${secs}s on $here/corpus/$h (+ $corpus)"
	# -max_len: long lines (over the 4096-byte limit) must be reachable.
	# -timeout: one input taking more than 10 s is a hang, reported as a failure.
	if ! "$build/tests/fuzz/$h" -max_total_time="$secs" -max_len=16384 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" \
		"$corpus" "$here/corpus/$h" 2>"$build/$h.log"; then
		status=1
		echo "!!! $h FAILED; reproduce with: $build/tests/fuzz/$h $artifacts/<file>" >&2
		tail -n 60 "$build/$h.log" >&2
	fi
	grep -E '^(#[0-9]+ +DONE|Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb|INFO: seed corpus)' \
		"$build/$h.log" || true
	grep -E '^#[0-9]+' "$build/$h.log" | tail -n 1 || true
done
exit $status
