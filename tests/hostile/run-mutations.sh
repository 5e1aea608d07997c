#!/bin/sh
# run-mutations.sh - decodes COUNT mutated corpus messages (mutate.c) in
# one run and checks that each is accounted for: a record, "not a bounce"
# or an error, with a documented exit status and no sanitizer report.
#
#   sh run-mutations.sh NDRPARSE MUTATE CORPUS-DIR SEED COUNT OUTDIR
tool=$1 mutate=$2 corpus=$3 seed=$4 count=$5 out=$6
rm -rf "$out"
"$mutate" "$seed" "$count" "$out/set" "$corpus"/*.eml || exit 1
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=99" \
	"$tool" --format=jsonl --all-inputs --include-vacation -j1 "$out/set" > "$out/records" 2> "$out/errors"
rc=$?
accounted=$(sed 's/^{"file": "\([^"]*\)".*/\1/' "$out/records" | sort -u | wc -l)
echo "$count mutated messages: exit $rc, $accounted accounted for, $(wc -l < "$out/records") entries, $(wc -l < "$out/errors") error lines"
if [ "$rc" -ne 0 ] && [ "$rc" -ne 66 ]; then
	echo "run-mutations: exit status $rc" >&2
	grep -m5 -A20 "ERROR: AddressSanitizer\|runtime error\|LeakSanitizer" "$out/errors" >&2
	exit 1
fi
if grep -q "AddressSanitizer\|runtime error\|LeakSanitizer" "$out/errors"; then
	grep -m5 -A20 "AddressSanitizer\|runtime error\|LeakSanitizer" "$out/errors" >&2
	exit 1
fi
[ "$accounted" -eq "$count" ] || { echo "run-mutations: $accounted of $count inputs accounted for" >&2; exit 1; }
