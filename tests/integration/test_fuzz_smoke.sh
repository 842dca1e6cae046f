#!/bin/bash
# test_fuzz_smoke.sh: a short, CI-friendly run of the libFuzzer harnesses (tests/fuzz/):
# each harness fuzzes for FUZZ_SECONDS (default 10) from the committed seed corpus, in its
# own clang build directory under the build tree. Skips (exit 0, saying why) when clang
# or its libFuzzer runtime is not available.
set -u

src=${TCPCHAT_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${TCPCHAT_BUILD:-$src/build}
secs=${FUZZ_SECONDS:-10}

if ! command -v clang >/dev/null 2>&1; then
	echo "skip: clang is not installed; the fuzz harnesses need clang's libFuzzer"
	exit 0
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\n%s\n' \
	'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
	>"$probe/p.c"
if ! clang -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
	echo "skip: clang cannot link -fsanitize=fuzzer,address,undefined (no libFuzzer runtime)"
	exit 0
fi

FUZZ_BUILD_DIR=$build/fuzz-clang "$src/tests/fuzz/run.sh" "$secs"
rc=$?
if [ $rc -eq 77 ]; then
	echo "skip: run.sh found no clang"
	exit 0
fi
exit $rc
