#!/bin/sh
# test-cli.sh - the ndrparse command line: exit codes, errors, stdin, formats.
#   sh test-cli.sh NDRPARSE CORPUS-DIR
# Prints one "ok"/"not ok" line per check and a closing "N passed, N failed".
tool=$1
corpus=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

check() {  # check NAME COMMAND...: the command must succeed
	name=$1; shift
	if "$@"; then
		passed=$((passed + 1)); echo "ok - $name"
	else
		failed=$((failed + 1)); echo "not ok - $name"
	fi
}

run() {  # run ARGS...: sets $rc, $out (stdout file) and $err (stderr file)
	"$tool" "$@" > "$tmp/out" 2> "$tmp/err" < "${stdin:-/dev/null}"
	rc=$?
}

bounce=$corpus/postfix-user-unknown.eml
printf 'From: a@example.org\nTo: b@example.org\nSubject: hi\n\nJust a note.\n' > "$tmp/plain.eml"
printf '\000\001\002binary' > "$tmp/binary.bin"
: > "$tmp/empty.eml"

run --format=jsonl "$bounce"
check "bounce: exit 0" [ "$rc" -eq 0 ]
check "bounce: one jsonl line" [ "$(wc -l < "$tmp/out")" -eq 1 ]
check "bounce: file is the path as given" grep -q "\"file\": \"$bounce\"" "$tmp/out"
check "bounce: nothing on stderr" [ ! -s "$tmp/err" ]

run --format=jsonl "$tmp/plain.eml"
check "not a bounce: exit 1" [ "$rc" -eq 1 ]
check "not a bounce: no output" [ ! -s "$tmp/out" ]

run --format=jsonl "$tmp/missing.eml" "$bounce"
check "missing file: exit 66" [ "$rc" -eq 66 ]
check "missing file: named on stderr" grep -q "missing.eml" "$tmp/err"
check "missing file: one stderr line" [ "$(wc -l < "$tmp/err")" -eq 1 ]
check "missing file: the other input still decoded" [ "$(wc -l < "$tmp/out")" -eq 1 ]

run --format=jsonl "$tmp/empty.eml"
check "empty file: exit 66" [ "$rc" -eq 66 ]
check "empty file: says not an email" grep -q "empty.eml: not an email message" "$tmp/err"

run --format=jsonl "$tmp/binary.bin"
check "binary file: exit 66" [ "$rc" -eq 66 ]

mkdir "$tmp/dir.eml"
run --format=jsonl "$tmp/dir.eml"
check "empty directory: nothing to decode, exit 1" [ "$rc" -eq 1 ]
run --format=jsonl --input=message "$tmp/dir.eml"
check "directory as --input=message: exit 66" [ "$rc" -eq 66 ]
check "directory as --input=message: says it is a directory" grep -q "is a directory" "$tmp/err"

stdin=$bounce run --format=jsonl -
check "stdin: exit 0" [ "$rc" -eq 0 ]
check "stdin: file is -" grep -q '"file": "-"' "$tmp/out"
stdin=

run --format=json "$bounce" "$corpus/exim-two-recipients.eml"
check "json: an array of three records" sh -c "head -c1 '$tmp/out' | grep -q '\[' && [ \$(grep -c '\"recipient\"' '$tmp/out') -eq 3 ]"

run --format=json "$tmp/plain.eml"
check "json: empty array when nothing found" [ "$(cat "$tmp/out")" = "[]" ]

run --format=text "$bounce"
check "text: header row" grep -q "^FILE *RECIPIENT *ACTION *STATUS" "$tmp/out"
check "text: record row" grep -q "bob@dest.example *failed *5.1.1 *550" "$tmp/out"

run "$bounce"
check "default format off a terminal is jsonl" grep -q '^{"file"' "$tmp/out"

run --format=xml "$bounce"
check "unknown format: exit 64" [ "$rc" -eq 64 ]
run --no-such-option "$bounce"
check "unknown option: exit 64" [ "$rc" -eq 64 ]
run
check "no FILE: exit 64" [ "$rc" -eq 64 ]

run --help
check "--help documents exit status 66" grep -q "66" "$tmp/out"

{ printf 'From MAILER-DAEMON Mon May  6 09:12:05 2024\n'; cat "$bounce"; echo;
  printf 'From MAILER-DAEMON Mon May  6 09:13:05 2024\n'; cat "$corpus/postfix-mailbox-full.eml"; } > "$tmp/box.mbox"
run --format=jsonl "$tmp/box.mbox"
check "mbox: every message decoded" [ "$(wc -l < "$tmp/out")" -eq 2 ]

# A broken message in the middle: reported, and the messages after it read.
{ printf 'From MAILER-DAEMON Mon May  6 09:12:05 2024\n'; cat "$bounce"; echo;
  printf 'From MAILER-DAEMON damaged separator\n\001\002 not a header\n\n';
  printf 'From MAILER-DAEMON Mon May  6 09:13:05 2024\n'; cat "$corpus/postfix-mailbox-full.eml"; } > "$tmp/broken.mbox"
"$tool" --format=jsonl "$tmp/broken.mbox" > "$tmp/out" 2> "$tmp/err"
rc=$?
check "broken mbox: the messages around the broken one decoded" [ "$(wc -l < "$tmp/out")" -eq 2 ]
check "broken mbox: the broken message reported by number" grep -q "message 1: not an email message (at byte" "$tmp/err"
check "broken mbox: exit 66" [ "$rc" -eq 66 ]

# --all-inputs: every input is accounted for, in input order.
"$tool" --format=jsonl --all-inputs -j 2 "$bounce" "$tmp/plain.eml" "$tmp/missing.eml" "$tmp/broken.mbox" > "$tmp/out" 2> /dev/null
check "--all-inputs: a not-a-bounce entry for the plain message" \
	grep -q '^{"file": "'"$tmp"'/plain.eml", "index": null, "result": "not a bounce", "error": null}$' "$tmp/out"
check "--all-inputs: an error entry for the missing file" \
	grep -q '"file": "'"$tmp"'/missing.eml", "index": null, "result": "error", "error": "' "$tmp/out"
check "--all-inputs: an error entry for the broken mbox message, by index" \
	grep -q '"index": 1, "result": "error", "error": "not an email message (at byte' "$tmp/out"
check "--all-inputs: 1 + 1 + 1 + 3 lines" [ "$(wc -l < "$tmp/out")" -eq 6 ]

"$tool" --format=jsonl -j1 "$corpus"/*.eml "$tmp/box.mbox" "$tmp/missing.eml" > "$tmp/j1" 2> /dev/null
"$tool" --format=jsonl -j 4 "$corpus"/*.eml "$tmp/box.mbox" "$tmp/missing.eml" > "$tmp/j4" 2> /dev/null
rc=$?
check "-j 4: same records in the same order as -j1" cmp -s "$tmp/j1" "$tmp/j4"
check "-j 4: exit 66 for the missing input" [ "$rc" -eq 66 ]
run -j0 "$bounce"
check "-j0: exit 64" [ "$rc" -eq 64 ]

if [ -w /dev/full ]; then
	"$tool" --format=jsonl "$bounce" > /dev/full 2> "$tmp/err"
	rc=$?
	check "write error: exit 74" [ "$rc" -eq 74 ]
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
