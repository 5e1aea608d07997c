#!/bin/sh
# test-cli.sh - the ndrparse command line: exit codes, errors, stdin, formats.
#   sh test-cli.sh NDRPARSE CORPUS-DIR MEASURE
# Prints one "ok"/"not ok" line per check and a closing "N passed, N failed".
tool=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
corpus=$(cd "$2" && pwd)
measure_bin=$3
. "$(dirname "$0")/testlib.sh"

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

# ---- -j: worker processes ----
# Every effect of decoding comes back from the workers in input order:
# records in each format, summary counts, stderr lines, the exit status.
for format in jsonl json csv text; do
	for jobs in 1 3; do
		"$tool" --format=$format --summary --all-inputs -j $jobs "$corpus" "$tmp/broken.mbox" \
			"$tmp/missing.eml" - < "$bounce" > "$tmp/j$jobs" 2> "$tmp/e$jobs"
		echo $? >> "$tmp/e$jobs"
	done
	check "-j 3, $format: records, summary, errors and exit status as -j1" \
		sh -c 'cmp -s "$1/j1" "$1/j3" && cmp -s "$1/e1" "$1/e3" && [ "$(tail -1 "$1/e1")" = 66 ]' sh "$tmp"
done

# A directory's files are read in name order (byte order, as strcmp).
mkdir "$tmp/order"
for name in m b Z a 10 9 _x; do cp "$bounce" "$tmp/order/$name.eml"; done
run --format=csv --fields=file -j 2 "$tmp/order"
check "directory: files in name order" \
	[ "$(tail -n +2 "$tmp/out" | tr -d '\r"' | sed 's|.*/||' | tr '\n' ' ')" = "10.eml 9.eml Z.eml _x.eml a.eml b.eml m.eml " ]

# A worker that dies is replaced: the input it died on is retried once,
# then reported; every other input is still decoded, in order.  What
# kills the worker is real: a memory limit (ulimit -v) that only one
# input, a 60 MB message, goes over; GLib then aborts the process.
mkdir "$tmp/jobs"
for i in $(seq 10 49); do cp "$bounce" "$tmp/jobs/m$i.eml"; done
rm "$tmp/jobs/m30.eml"
"$tool" --format=jsonl -j 1 "$tmp/jobs" > "$tmp/jobs-expected" 2> /dev/null
{ cat "$bounce"; head -c 60000000 /dev/zero | tr '\0' 'x'; echo; } > "$tmp/big.eml"
memory_limit=160000
if can_limit_memory &&
   (ulimit -v $memory_limit; "$tool" -j1 "$bounce" > /dev/null 2>&1) &&
   ! (ulimit -v $memory_limit; "$tool" -j1 "$tmp/big.eml" > /dev/null 2>&1); then
	cp "$tmp/big.eml" "$tmp/jobs/m30.eml"
	(ulimit -v $memory_limit; exec "$tool" --format=jsonl -j 2 "$tmp/jobs" > "$tmp/out" 2> "$tmp/err")
	rc=$?
	check "worker killed on an input twice: the input is reported" \
		grep -q "m30.eml: decoding it killed ndrparse's worker process (signal" "$tmp/err"
	check "worker killed: one stderr line" [ "$(wc -l < "$tmp/err")" -eq 1 ]
	check "worker killed: the other 39 inputs decoded, in order" cmp -s "$tmp/jobs-expected" "$tmp/out"
	check "worker killed: exit 66" [ "$rc" -eq 66 ]
	rm "$tmp/jobs/m30.eml"

	# The same inside an mbox: only the message that killed two workers
	# is lost, reported by its number; the mbox goes on after it.
	: > "$tmp/kill.mbox"
	for i in $(seq 0 39); do
		printf 'From MAILER-DAEMON Mon May  6 09:12:05 2024\n' >> "$tmp/kill.mbox"
		if [ "$i" -eq 20 ]; then cat "$tmp/big.eml"; else cat "$bounce"; fi >> "$tmp/kill.mbox"
		echo >> "$tmp/kill.mbox"
	done
	"$tool" --format=jsonl -j 1 "$tmp/jobs" "$tmp/kill.mbox" 2> /dev/null | grep -v '"index": 20,' > "$tmp/kill-expected"
	(ulimit -v $memory_limit; exec "$tool" --format=jsonl -j 2 "$tmp/jobs" "$tmp/kill.mbox" > "$tmp/out" 2> "$tmp/err")
	rc=$?
	check "worker killed twice in an mbox: that message reported by number" \
		grep -q "kill.mbox: message 20: decoding it killed ndrparse's worker process (signal" "$tmp/err"
	check "worker killed in an mbox: one stderr line" [ "$(wc -l < "$tmp/err")" -eq 1 ]
	check "worker killed in an mbox: the 39 other messages and the files decoded, in order" \
		cmp -s "$tmp/kill-expected" "$tmp/out"
	check "worker killed in an mbox: exit 66" [ "$rc" -eq 66 ]
else
	skip "worker killed on an input twice" "ulimit -v cannot single out the input (sanitizer build)"
fi

# A worker killed once from outside (SIGKILL) while it decodes an mbox:
# another resumes the mbox after the last message received, and nothing
# is lost.
: > "$tmp/long.mbox"
for round in $(seq 60); do
	for f in "$corpus"/*.eml; do
		printf 'From MAILER-DAEMON Mon May  6 09:12:05 2024\n' >> "$tmp/long.mbox"
		cat "$f" >> "$tmp/long.mbox"
		echo >> "$tmp/long.mbox"
	done
done
"$tool" --format=jsonl -j 1 "$tmp/jobs" "$tmp/long.mbox" > "$tmp/long-expected" 2> /dev/null
"$tool" --format=jsonl -j 2 "$tmp/jobs" "$tmp/long.mbox" > "$tmp/out" 2> "$tmp/err" &
parent=$!
killed=1
for try in $(seq 500); do
	for child in $(cat "/proc/$parent/task/$parent/children" 2> /dev/null); do
		if ls -l "/proc/$child/fd" 2> /dev/null | grep -q "long.mbox"; then
			# Once it has sent some messages of it.
			sleep 0.2
			kill -KILL "$child" && killed=0
			break 2
		fi
	done
	sleep 0.01
done
wait $parent
rc=$?
check "worker SIGKILLed in an mbox: it was killed while it read the mbox" [ $killed -eq 0 ]
check "worker SIGKILLed in an mbox: every record, in order, as -j1" cmp -s "$tmp/long-expected" "$tmp/out"
check "worker SIGKILLed in an mbox: nothing on stderr, exit 0" sh -c '[ ! -s "$1" ] && [ "$2" -eq 0 ]' sh "$tmp/err" "$rc"

# Workers end when the parent is gone, killed or not.
set -- ; for i in $(seq 400); do set -- "$@" "$tmp/jobs"; done
"$tool" --format=jsonl -j 2 "$@" > /dev/null 2>&1 &
parent=$!
seen=0
for try in $(seq 1000); do
	# (/proc files have no size: read it)
	[ -n "$(cat "/proc/$parent/task/$parent/children" 2> /dev/null)" ] && { seen=1; break; }
	sleep 0.01
done
kill -KILL $parent
wait $parent 2> /dev/null
left=1
for try in $(seq 50); do
	grep -lsa "$tmp/jobs" /proc/[0-9]*/cmdline > /dev/null || { left=0; break; }
	sleep 0.1
done
check "parent killed: its workers were running" [ $seen -eq 1 ]
check "parent killed: no worker process left behind" [ $left -eq 0 ]

# ---- inputs: Maildir, directories, -r, --input ----
mkdir -p "$tmp/md/cur" "$tmp/md/new" "$tmp/md/tmp" "$tmp/tree/sub/box/cur"
cp "$bounce" "$tmp/md/cur/1:2,S"
cp "$corpus/null-mx.eml" "$tmp/md/new/2"
cp "$corpus/exim-two-recipients.eml" "$tmp/md/tmp/3"          # being delivered: not read
run --format=csv --fields=file,recipient "$tmp/md"
check "Maildir: cur/ and new/, each record names its file" \
	[ "$(cat "$tmp/out")" = "$(printf 'file,recipient\r\n"%s",bob@dest.example\r\n%s,ida@nomail.example\r' "$tmp/md/cur/1:2,S" "$tmp/md/new/2")" ]
check "Maildir: exit 0" [ "$rc" -eq 0 ]
cp "$corpus/gmail-permanent.eml" "$tmp/tree/a.eml"
cp "$corpus/exim-two-recipients.eml" "$tmp/tree/sub/b.eml"
cp "$corpus/null-mx.eml" "$tmp/tree/sub/box/cur/c"
cp "$tmp/box.mbox" "$tmp/tree/sub/d.mbox"
run --format=jsonl "$tmp/tree"
check "directory: its own files only without -r" [ "$(wc -l < "$tmp/out")" -eq 1 ]
run --format=jsonl -r "$tmp/tree"
check "-r: subdirectories, Maildirs and mboxes in them (1 + 2 + 1 + 2 records)" [ "$(wc -l < "$tmp/out")" -eq 6 ]
check "-r: mbox records carry their index" grep -q '"file": "'"$tmp"'/tree/sub/d.mbox", "index": 1,' "$tmp/out"
check "-r: message records have a null index" grep -q '"file": "'"$tmp"'/tree/a.eml", "index": null,' "$tmp/out"
run --format=jsonl --input=mbox "$bounce"
check "--input=mbox on a file without a From line: exit 66" [ "$rc" -eq 66 ]
check "--input=mbox on a file without a From line: says so" grep -q "not an mbox" "$tmp/err"
run --format=jsonl --input=message "$tmp/box.mbox"
check "--input=message on an mbox: one message (its From line skipped by GMime)" [ "$(wc -l < "$tmp/out")" -eq 1 ]
run --format=jsonl --input=maildir "$tmp/tree"
check "--input=maildir on a plain directory: exit 66" [ "$rc" -eq 66 ]
run --format=jsonl --input=bogus "$bounce"
check "--input=bogus: exit 64" [ "$rc" -eq 64 ]

# ---- formats ----
run --format=csv "$corpus/exim-two-recipients.eml" "$corpus/policy-multiple-auth-failed.eml"
check "csv: a header row of every field" \
	sh -c 'head -1 "$1" | grep -q "^file,index,decoded_by,recipient,.*,hard_bounce,advice,truncated,verp,message_id,subject,list_id,from.\$"' sh "$tmp/out"
check "csv: CRLF line ends (RFC 4180)" sh -c '[ "$(grep -c "$(printf "\r\$")" "$1")" -eq "$(wc -l < "$1")" ]' sh "$tmp/out"
check "csv: a field with a comma or a quote is quoted, quotes doubled" grep -q ',"[^"]*,[^"]*",' "$tmp/out"
check "csv: one row per record" [ "$(wc -l < "$tmp/out")" -eq 4 ]
run --format=text --fields=recipient,reason "$corpus/exim-two-recipients.eml"
check "text --fields: only those columns" sh -c 'head -1 "$1" | grep -q "^RECIPIENT *REASON\$"' sh "$tmp/out"
run --format=csv --fields=recipient,nonesuch "$bounce"
check "--fields with an unknown field: exit 64" [ "$rc" -eq 64 ]
run --format=json "$corpus/exim-two-recipients.eml" "$bounce"
check "json: one array of every record" sh -c 'head -c1 "$1" | grep -q "\[" && [ "$(grep -c "\"recipient\":" "$1")" -eq 3 ]' sh "$tmp/out"

# ---- --summary ----
# For the formats a program reads, the counts are a document of their
# own: the records stay records.
run --format=jsonl --summary "$corpus/exim-two-recipients.eml" "$bounce" "$corpus/null-mx.eml"
check "--summary (jsonl): standard output holds the 4 records only" \
	sh -c '[ "$(wc -l < "$1")" -eq 4 ] && ! grep -q summary "$1"' sh "$tmp/out"
check "--summary (jsonl): the counts on stderr, by reason, class, destination, remote MTA" \
	grep -q '^{"summary": {"inputs": 3, "records": 4, "reason": {.*"userunknown": [0-9]*.*}, "class": {"hard": [0-9]*.*"destination": {.*"remote_mta": {' "$tmp/err"
run --format=json --summary-file="$tmp/summary.json" "$corpus/exim-two-recipients.eml" "$bounce"
check "--summary-file (json): the output stays one array of records" \
	sh -c 'head -c1 "$1" | grep -q "\[" && tail -1 "$1" | grep -q "}]\$" && ! grep -q summary "$1"' sh "$tmp/out"
check "--summary-file (json): the counts in the file, nothing on stderr" \
	sh -c 'grep -q "^{\"summary\": {\"inputs\": 2, \"records\": 3," "$1" && [ ! -s "$2" ]' sh "$tmp/summary.json" "$tmp/err"
run --format=csv --summary "$corpus/exim-two-recipients.eml"
check "--summary (csv): one table of records on stdout" \
	sh -c '[ "$(wc -l < "$1")" -eq 3 ] && ! grep -q "^dimension" "$1"' sh "$tmp/out"
check "--summary (csv): the counts as a CSV table of their own on stderr" \
	sh -c 'head -1 "$1" | grep -q "^dimension,value,count" && grep -q "^class,hard,1" "$1"' sh "$tmp/err"
run --format=csv --summary-file=/nonexistent/dir/s.csv "$bounce"
check "--summary-file that cannot be written: exit 73" [ "$rc" -eq 73 ]
run --format=jsonl --summary-only "$corpus/arf-two-complainants.eml" "$corpus/autoreply-out-of-office.eml" "$bounce" --include-vacation
check "--summary: complaints and auto-replies are classes of their own" \
	grep -q '"class": {"complaint": 2, "hard": 1, "none": 1}' "$tmp/out"
run --format=text --summary-only "$corpus/exim-two-recipients.eml" "$bounce"
check "--summary-only (text): counts, no records" sh -c 'head -1 "$1" | grep -q "^3 records from 2 inputs\$" && ! grep -q "RECIPIENT" "$1"' sh "$tmp/out"

# ---- report types and filters ----
run --format=jsonl "$corpus/autoreply-out-of-office.eml"
check "auto-reply: left out by default, exit 1" [ "$rc" -eq 1 ]
check "auto-reply: left out by default, no output" [ ! -s "$tmp/out" ]
run --format=jsonl --include-vacation "$corpus/autoreply-out-of-office.eml"
check "--include-vacation: the auto-reply's record, reason vacation" grep -q '"reason": "vacation"' "$tmp/out"
run --format=jsonl "$corpus/relayed.eml" "$corpus/success-delivered.eml" "$bounce"
check "success notifications are records, hard_bounce null" grep -q '"action": "delivered".*"hard_bounce": null' "$tmp/out"
run --format=jsonl --failures-only "$corpus/relayed.eml" "$corpus/success-delivered.eml" "$bounce"
check "--failures-only: only the failure" sh -c '[ "$(wc -l < "$1")" -eq 1 ] && grep -q "bob@dest.example" "$1"' sh "$tmp/out"
run --format=jsonl "$corpus/arf-two-complainants.eml"
check "ARF: reason feedback with its feedback_type and source IP" \
	grep -q '"reason": "feedback", "feedback_type": "abuse", "source_ip": "198.51.100.7"' "$tmp/out"

# ---- VERP ----
{ printf 'Delivered-To: bounces+bob=dest.example@lists.example.org\n'; cat "$bounce"; } > "$tmp/verp-ok.eml"
{ printf 'Delivered-To: bounces+carol=dest.example@lists.example.org\n'; cat "$bounce"; } > "$tmp/verp-other.eml"
printf 'Delivered-To: bounces+dave=dest.example@lists.example.org\nFrom: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n--b\nContent-Type: text/plain\n\nThe message could not be delivered: 550 5.1.1 User unknown\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nAction: failed\nStatus: 5.1.1\n\n--b--\n' > "$tmp/verp-nobody.eml"
run --format=jsonl --verp='bounces+%l=%d@lists.example.org' "$tmp/verp-ok.eml" "$tmp/verp-other.eml" "$tmp/verp-nobody.eml"
check "--verp: the envelope confirms the recipient" grep -q '"recipient": "bob@dest.example".*"verp": "confirmed"' "$tmp/out"
check "--verp: a recipient the envelope contradicts is flagged" grep -q '"recipient": "bob@dest.example".*"verp": "mismatch"' "$tmp/out"
check "--verp: a bounce that names nobody gets the envelope's recipient" \
	grep -q '"decoded_by": "verp", "recipient": "dave@dest.example".*"verp": "recovered"' "$tmp/out"
run --format=jsonl "$tmp/verp-nobody.eml"
check "without --verp the recipient-less bounce gives no record" [ ! -s "$tmp/out" ]
run --format=jsonl --verp='bounces@lists.example.org' "$bounce"
check "--verp without %l and %d: exit 64" [ "$rc" -eq 64 ]

# ---- progress ----
run --format=jsonl "$corpus"/*.eml
check "no progress line in a pipe" [ ! -s "$tmp/err" ]

if [ -w /dev/full ]; then
	"$tool" --format=jsonl "$bounce" > /dev/full 2> "$tmp/err"
	rc=$?
	check "write error: exit 74" [ "$rc" -eq 74 ]
fi

finish
