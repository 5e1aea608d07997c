#!/bin/sh
# test-valgrind.sh - no memory lost, in the build as users run it (an
# optimised one, unlike the sanitizer build's): the tool over the whole
# corpus in one process (every charset, every decoder), and the library
# from eight threads at once (tests/test-threads.c), under valgrind's
# memcheck: no memory error and nothing "definitely lost".  Hyperscan's
# per-thread scratch, kept for the process's life and held by an interior
# pointer, is "possibly lost" and not counted; tests/valgrind.supp says
# what of glibc's loader is left out, and why.
#
#   sh test-valgrind.sh NDRPARSE TEST_THREADS CORPUS_DIR
tool=$1
threads=$2
corpus=$3
. "$(dirname "$0")/testlib.sh"

if ! command -v valgrind > /dev/null; then
	skip "valgrind" "valgrind not installed"
	finish
	exit
fi
# GLib's slice allocator keeps freed memory to itself; valgrind must see
# every block.
export G_SLICE=always-malloc

vg="valgrind --suppressions=$(dirname "$0")/valgrind.supp --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99"
$vg "$tool" -j1 --format=jsonl "$corpus"/*.eml \
	> /dev/null 2> "$tmp/tool.vg"
rc=$?
check "the tool over the corpus: no memory error (exit $rc)" test "$rc" -ne 99
check "the tool over the corpus: nothing definitely lost" grep -q "definitely lost: 0 bytes in 0 blocks" "$tmp/tool.vg"
check "the tool over the corpus: nothing indirectly lost" grep -q "indirectly lost: 0 bytes in 0 blocks" "$tmp/tool.vg"

$vg "$threads" "$corpus" > "$tmp/threads.out" 2> "$tmp/threads.vg"
rc=$?
check "eight threads: no memory error (exit $rc)" test "$rc" -ne 99
check "eight threads: the same records as one" grep -q " 0 mismatches" "$tmp/threads.out"
check "eight threads: nothing definitely lost" grep -q "definitely lost: 0 bytes in 0 blocks" "$tmp/threads.vg"
[ "$failed" -eq 0 ] || grep -A20 "definitely lost in" "$tmp/tool.vg" "$tmp/threads.vg" | head -80
finish
