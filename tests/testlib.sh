# testlib.sh - what the shell test suites share.  Sourced after setting
# $tool (the ndrparse binary, an absolute path) and $corpus.
#
#   check NAME COMMAND...   counts "ok"/"not ok": the command must succeed
#   all COND...             succeeds when every COND (a command line, in
#                           single quotes: evaluated then) does:
#                           check NAME all '[ $rc -eq 64 ]' 'grep -q x "$tmp/err"'
#                           (after check NAME A && B, check sees only A)
#   skip NAME WHY           an "ok ... # SKIP" line
#   run ARGS...             runs the tool: $rc, $tmp/out, $tmp/err (stdin: $stdin)
#   measure FILE CMD...     runs CMD (stdin and stdout its own) and writes
#                           "EXIT SECONDS PEAK_RSS_KIB" to FILE
#   can_limit_memory        whether ulimit -v works on the tool (it does
#                           not under AddressSanitizer)
#   rss_bound_kib           the peak memory a bounded run may take: 256 MiB,
#                           or 1 GiB under AddressSanitizer
#   finish                  prints the count; the suite's exit status
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap '[ -n "$KEEP" ] || rm -rf "$tmp"' EXIT
passed=0
failed=0

check() {
	name=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
		echo "ok - $name"
	else
		failed=$((failed + 1))
		echo "not ok - $name"
	fi
}

all() {
	for cond in "$@"; do
		eval "$cond" || return 1
	done
}

skip() {
	echo "ok - $1 # SKIP $2"
}

run() {
	"$tool" "$@" > "$tmp/out" 2> "$tmp/err" < "${stdin:-/dev/null}"
	rc=$?
}

measure() {
	"${measure_bin:?set measure_bin}" "$@"
}

can_limit_memory() {
	(ulimit -v 400000 && "$tool" --version > /dev/null 2>&1)
}

rss_bound_kib() {
	if can_limit_memory; then echo 262144; else echo 1048576; fi
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
