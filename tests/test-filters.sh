#!/bin/sh
# test-filters.sh - the mail-filter modes: --annotate (byte-identical
# round trip on every corpus message, line ends, mbox "From " lines,
# messages it cannot parse), --append (8 processes at once: no line lost or
# torn), and the README's procmail and Sieve recipes run by procmail and by
# Dovecot's sieve-test (both installed by the README's set-up command; a
# missing one is reported as skipped).
#
#   sh test-filters.sh NDRPARSE CORPUS-DIR MEASURE
tool=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")     # procmail runs it elsewhere
corpus=$(cd "$2" && pwd)
measure_bin=$3
. "$(dirname "$0")/testlib.sh"

# The added lines are the head of the output; the rest is the message.
round_trip() {  # round_trip MESSAGE: annotate, then check the contract
	"$tool" --annotate < "$1" > "$tmp/annotated" 2> "$tmp/err" || return 1
	size=$(wc -c < "$1")
	total=$(wc -c < "$tmp/annotated")
	tail -c "$size" "$tmp/annotated" | cmp -s - "$1" || return 1
	head -c $((total - size)) "$tmp/annotated" > "$tmp/added"
	# Nothing but X-Bounce-* fields (and their folded lines) was added...
	! grep -qv '^\(X-Bounce-\(Recipient\|Status\|Reason\|Class\): \| \)' "$tmp/added" || return 1
	# ...four per record the tool prints for the message.
	records=$("$tool" --format=jsonl "$1" 2> /dev/null | wc -l)
	[ "$(grep -c '^X-Bounce-Recipient: ' "$tmp/added")" -eq "$records" ] &&
	[ "$(grep -c '^X-Bounce-' "$tmp/added")" -eq $((4 * records)) ]
}

all_ok=true
for f in "$corpus"/*.eml; do
	round_trip "$f" || { all_ok=false; echo "# round trip failed: $f"; }
done
check "--annotate: every corpus message byte-identical but for X-Bounce-* fields, 4 per record" $all_ok

"$tool" --annotate < "$corpus/postfix-user-unknown.eml" > "$tmp/out"
check "--annotate: the class of a dead mailbox is hard" grep -q '^X-Bounce-Class: hard$' "$tmp/out"
check "--annotate: the reason" grep -q '^X-Bounce-Reason: userunknown$' "$tmp/out"

head -c 3000 /dev/urandom > "$tmp/garbage"
"$tool" --annotate < "$tmp/garbage" > "$tmp/out"
rc=$?
check "--annotate: a message it cannot parse comes out unchanged, exit 0" cmp -s "$tmp/garbage" "$tmp/out"
check "--annotate: exit 0 for it" [ "$rc" -eq 0 ]
: > "$tmp/empty"
"$tool" --annotate < "$tmp/empty" > "$tmp/out"
check "--annotate: empty input, empty output" [ ! -s "$tmp/out" ]

sed 's/$/\r/' "$corpus/postfix-user-unknown.eml" > "$tmp/crlf.eml"
"$tool" --annotate < "$tmp/crlf.eml" > "$tmp/out"
check "--annotate: CRLF message: added lines end in CRLF" grep -q "$(printf '^X-Bounce-Class: hard\r$')" "$tmp/out"
check "--annotate: CRLF message: the rest byte-identical" \
	sh -c 'tail -c "$(wc -c < "$1")" "$2" | cmp -s - "$1"' sh "$tmp/crlf.eml" "$tmp/out"

{ printf 'From MAILER-DAEMON Mon May  6 09:12:05 2024\n'; cat "$corpus/postfix-user-unknown.eml"; } > "$tmp/from.eml"
"$tool" --annotate < "$tmp/from.eml" > "$tmp/out"
check "--annotate: an mbox From line stays first" sh -c 'head -1 "$1" | grep -q "^From MAILER-DAEMON "' sh "$tmp/out"
check "--annotate: fields follow the From line" sh -c 'sed -n 2p "$1" | grep -q "^X-Bounce-Recipient: bob@dest.example"' sh "$tmp/out"

{ printf '\n  \n'; cat "$corpus/postfix-user-unknown.eml"; } > "$tmp/blank-first.eml"
"$tool" --annotate < "$tmp/blank-first.eml" > "$tmp/out"
check "--annotate: blank lines before the header stay first" sh -c 'head -2 "$1" | tr -d " " | grep -qv .' sh "$tmp/out"
check "--annotate: fields go where the header begins, after them" \
	sh -c 'sed -n 3p "$1" | grep -q "^X-Bounce-Recipient: bob@dest.example"' sh "$tmp/out"

"$tool" --annotate < "$corpus/postfix-user-unknown.eml" > /dev/full 2> /dev/null
check "--annotate: a write error exits 74 (procmail keeps the original)" [ $? -eq 74 ]

# Forged verdicts: X-Bounce-* fields a message brings are renamed
# X-Bounce-Original-*, whether it is a bounce or not, so no sender can
# have a filter act on a verdict ndrparse never gave.
printf 'From: anyone@example.com\nTo: lists@example.org\nX-Bounce-Class: hard\nx-bounce-recipient: ceo@victim.example\nX-Bounce-Original-Class: kept\nX-Bounced: no\nSubject: hi\n\nX-Bounce-Class: hard (in the body: text)\n' > "$tmp/forged.eml"
"$tool" --annotate < "$tmp/forged.eml" > "$tmp/out"
check "--annotate: a plain message keeps no X-Bounce-* field of its own" \
	sh -c '! grep -qi "^X-Bounce-\(Class\|Recipient\):" "$1"' sh "$(sed '/^$/q' "$tmp/out" > "$tmp/out.head"; echo "$tmp/out.head")"
check "--annotate: they are renamed X-Bounce-Original-*, values kept" \
	sh -c 'grep -q "^X-Bounce-Original-Class: hard\$" "$1" && grep -q "^X-Bounce-Original-recipient: ceo@victim.example\$" "$1"' sh "$tmp/out"
check "--annotate: X-Bounce-Original-* fields stay as they are" grep -q "^X-Bounce-Original-Class: kept\$" "$tmp/out"
check "--annotate: another field (X-Bounced) and the body untouched" \
	sh -c 'grep -q "^X-Bounced: no\$" "$1" && grep -q "^X-Bounce-Class: hard (in the body: text)\$" "$1"' sh "$tmp/out"
{ printf 'X-Bounce-Class: soft\nX-Bounce-Reason: vacation\n'; cat "$corpus/postfix-user-unknown.eml"; } > "$tmp/forged-bounce.eml"
"$tool" --annotate < "$tmp/forged-bounce.eml" > "$tmp/out"
check "--annotate: a bounce with forged fields: ours only, the forged ones renamed" \
	sh -c '[ "$(grep -c "^X-Bounce-Class:" "$1")" -eq 1 ] && grep -q "^X-Bounce-Class: hard\$" "$1" && grep -q "^X-Bounce-Original-Class: soft\$" "$1"' sh "$tmp/out"
"$tool" --annotate < "$tmp/out" > "$tmp/twice"
check "--annotate twice: the first pass's verdict is renamed, one verdict stays" \
	sh -c '[ "$(grep -c "^X-Bounce-Class:" "$1")" -eq 1 ] && [ "$(grep -c "^X-Bounce-Original-Class:" "$1")" -eq 2 ]' sh "$tmp/twice"

# Values are valid UTF-8, cut between characters, folded at 78 columns.
long=$(printf 'user name %.0s' $(seq 1 30))
utf=$(printf '\303\251t\303\251 %.0s' $(seq 1 100))
sed "s/\"hal..9000\"@dest.example/\"$long\"@dest.example/" "$corpus/quoted-local-part.eml" > "$tmp/long-rcpt.eml"
"$tool" --annotate < "$tmp/long-rcpt.eml" > "$tmp/out"
sed -n '/^X-Bounce-Recipient:/,/^X-Bounce-Status:/p' "$tmp/out" | sed '$d' > "$tmp/field"
check "--annotate: a long value is folded, no line over 78 columns" \
	sh -c 'awk "length > 78 { bad = 1 } END { exit bad }" "$1" && [ "$(grep -c "^ " "$1")" -ge 2 ]' sh "$tmp/field"
# ("xx": byte 256 of the value falls inside a two-byte character.)
sed "s/\"hal..9000\"@dest.example/\"xx$utf\"@dest.example/" "$corpus/quoted-local-part.eml" > "$tmp/utf-rcpt.eml"
"$tool" --annotate < "$tmp/utf-rcpt.eml" > "$tmp/out"
sed -n '/^X-Bounce-Recipient:/,/^X-Bounce-Status:/p' "$tmp/out" | sed '$d' > "$tmp/field"
check "--annotate: a long UTF-8 value is cut between characters, at 256 bytes" \
	sh -c 'iconv -f UTF-8 -t UTF-8 "$1" > /dev/null && [ "$(tr -d "\n" < "$1" | wc -c)" -lt 300 ] && grep -q "$2" "$1"' \
	sh "$tmp/field" "$(printf '\303\251t\303\251')"

# A message far over the size limit on stdin passes whole, in bounded memory.
{ cat "$corpus/postfix-user-unknown.eml"; head -c 200000000 /dev/zero | tr '\0' 'y'; echo; } > "$tmp/huge.eml"
measure "$tmp/cost" "$tool" --annotate < "$tmp/huge.eml" > "$tmp/out"
check "--annotate: a 200 MB message: exit 0, annotated" \
	sh -c '[ "$(cut -d" " -f1 "$1")" -eq 0 ] && head -1 "$2" | grep -q "^X-Bounce-Recipient: bob@dest.example"' sh "$tmp/cost" "$tmp/out"
check "--annotate: a 200 MB message: every byte passed on" \
	sh -c 'tail -c "$(wc -c < "$1")" "$2" | cmp -s - "$1"' sh "$tmp/huge.eml" "$tmp/out"
bound=$(rss_bound_kib)
check "--annotate: a 200 MB message: peak memory under 256 MiB" [ "$(cut -d" " -f3 "$tmp/cost")" -lt "$bound" ]
measure "$tmp/cost" "$tool" --format=jsonl - < "$tmp/huge.eml" > "$tmp/out"
check "standard input: a 200 MB message decoded within the size limit, in under 256 MiB" \
	sh -c '[ "$(cut -d" " -f3 "$1")" -lt "$3" ] && grep -q "\"truncated\": \"size" "$2"' sh "$tmp/cost" "$tmp/out" "$bound"
measure "$tmp/cost" "$tool" --append="$tmp/huge.jsonl" < "$tmp/huge.eml"
check "--append: a 200 MB message appended in under 256 MiB" \
	sh -c '[ "$(cut -d" " -f1 "$1")" -eq 0 ] && [ "$(cut -d" " -f3 "$1")" -lt "$3" ] && [ "$(wc -l < "$2")" -eq 1 ]' sh "$tmp/cost" "$tmp/huge.jsonl" "$bound"
rm -f "$tmp/huge.eml" "$tmp/out"

# --append from 8 processes at once, 20 messages each.
ls "$corpus"/*.eml | head -20 > "$tmp/list"
: > "$tmp/serial"
while read -r f; do
	"$tool" --append="$tmp/serial" < "$f" 2> /dev/null
done < "$tmp/list"
for p in 1 2 3 4 5 6 7 8; do
	( while read -r f; do "$tool" --append="$tmp/shared" < "$f" 2> /dev/null; done < "$tmp/list" ) &
done
wait
for p in 1 2 3 4 5 6 7 8; do cat "$tmp/serial"; done | sort > "$tmp/want"
sort "$tmp/shared" > "$tmp/got"
check "--append: 8 concurrent writers, every line whole and none lost" cmp -s "$tmp/want" "$tmp/got"
check "--append: the serial file has a line per record" [ "$(wc -l < "$tmp/serial")" -gt 20 ]
"$tool" --append="$tmp/plain-out" < "$corpus/not-bounce-newsletter.eml"
rc=$?
check "--append: not a bounce: exit 1" [ "$rc" -eq 1 ]
check "--append: not a bounce: nothing written" [ ! -s "$tmp/plain-out" ]
"$tool" --append="$tmp/no/such/dir/file" < "$corpus/postfix-user-unknown.eml" 2> /dev/null
check "--append: a file that cannot be opened: exit 73" [ $? -eq 73 ]

# An append is all or nothing: one cut short by the file size limit
# (ulimit -f; a full file system fails the same way) is undone, exit 74,
# and the next append is whole.
"$tool" --append="$tmp/limited.jsonl" < "$corpus/postfix-user-unknown.eml"
size=$(wc -c < "$tmp/limited.jsonl")
(ulimit -f 2; "$tool" --append="$tmp/limited.jsonl" < "$corpus/exim-two-recipients.eml" 2> "$tmp/err")
rc=$?
check "--append over ulimit -f: exit 74, not killed by SIGXFSZ" [ "$rc" -eq 74 ]
check "--append over ulimit -f: nothing of it left in the file" [ "$(wc -c < "$tmp/limited.jsonl")" -eq "$size" ]
"$tool" --append="$tmp/limited.jsonl" < "$corpus/null-mx.eml"
check "--append after a failed one: every line whole JSON" \
	sh -c 'python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$1" && [ "$(wc -l < "$1")" -eq 2 ]' sh "$tmp/limited.jsonl"
"$tool" --append=/dev/null < "$corpus/postfix-user-unknown.eml"
check "--append to /dev/null: success, exit 0" [ $? -eq 0 ]
"$tool" --append="$tmp/x.jsonl" "$corpus/postfix-user-unknown.eml" < /dev/null 2> /dev/null
check "--append with a FILE argument: usage error, exit 64" [ $? -eq 64 ]
"$tool" --annotate "$corpus/postfix-user-unknown.eml" < /dev/null > /dev/null 2>&1
check "--annotate with a FILE argument: usage error, exit 64" [ $? -eq 64 ]

# The README's procmail recipe.
if command -v procmail > /dev/null; then
	mkdir -p "$tmp/pm"
	cat > "$tmp/pm/rc" <<EOF
SHELL=/bin/sh
MAILDIR=$tmp/pm
DEFAULT=$tmp/pm/inbox/
LOGFILE=$tmp/pm/log
:0 fw
| \$NDRPARSE --annotate

:0 e
bounces-unchecked/

:0
* ^X-Bounce-Class: hard
bounces-hard/

:0
* ^X-Bounce-Class: soft
bounces-soft/
EOF
	for f in postfix-user-unknown policy-multiple-auth-failed not-bounce-newsletter; do
		procmail -m NDRPARSE="$tool" "$tmp/pm/rc" < "$corpus/$f.eml"
	done
	procmail -m NDRPARSE="$tool" "$tmp/pm/rc" < "$tmp/forged.eml"
	# The filter failing (here: not there) must not let the message's own
	# fields decide.
	procmail -m NDRPARSE=/nonexistent/ndrparse "$tmp/pm/rc" < "$tmp/forged.eml"
	check "procmail: the dead mailbox's bounce filed as hard" \
		grep -lq 'X-Bounce-Recipient: bob@dest.example' "$tmp"/pm/bounces-hard/new/*
	check "procmail: the policy bounce filed as soft" \
		grep -lq 'X-Bounce-Reason: authfailure' "$tmp"/pm/bounces-soft/new/*
	# (procmail ends a message with a blank line, as in an mbox.)
	check "procmail: ordinary mail delivered as it came" sh -c \
		'head -c "$(wc -c < "$1")" "$2" | cmp -s - "$1"' sh "$corpus/not-bounce-newsletter.eml" "$(grep -L "ceo@victim" "$tmp"/pm/inbox/new/*)"
	check "procmail: a forged X-Bounce-Class: hard goes to the inbox, not bounces-hard" \
		sh -c 'grep -lq "ceo@victim" "$1"/pm/inbox/new/* && ! grep -lqs "ceo@victim" "$1"/pm/bounces-hard/new/*' sh "$tmp"
	check "procmail: when the filter fails the message goes to bounces-unchecked" \
		grep -lq "ceo@victim" "$tmp"/pm/bounces-unchecked/new/*
else
	echo "ok - procmail recipe # SKIP procmail not installed"
fi

# The README's Sieve recipe, run by Dovecot's sieve-test (as an ordinary
# user: Dovecot refuses mail access as root).
if command -v sieve-test > /dev/null; then
	mkdir -p "$tmp/sv/bin" "$tmp/sv/mail"
	ln -s "$(readlink -f "$tool")" "$tmp/sv/bin/ndrparse"    # the README: ndrparse or a link to it
	cat > "$tmp/sv/dovecot.conf" <<EOF
mail_location = maildir:$tmp/sv/mail
plugin {
  sieve_plugins = sieve_extprograms
  sieve_extensions = +vnd.dovecot.filter
  sieve_filter_bin_dir = $tmp/sv/bin
}
EOF
	cat > "$tmp/sv/bounces.sieve" <<'EOF'
require ["vnd.dovecot.filter", "fileinto"];
if filter "ndrparse" ["--annotate"] {
  if header :is "X-Bounce-Class" "hard" {
    fileinto "Bounces.Hard";
  } elsif header :is "X-Bounce-Class" "soft" {
    fileinto "Bounces.Soft";
  }
} else {
  fileinto "Bounces.Unchecked";
}
EOF
	# Dovecot runs only a program nobody else can write; the mail and the
	# compiled script are written as the unprivileged user.
	chmod 755 "$tmp/sv/bin"
	chmod 1777 "$tmp/sv" "$tmp/sv/mail"
	cp "$corpus/postfix-user-unknown.eml" "$corpus/policy-multiple-auth-failed.eml" \
	   "$corpus/not-bounce-newsletter.eml" "$tmp/forged.eml" "$tmp/sv/"
	chmod 644 "$tmp/sv/"*.eml
	sieve_files() {  # sieve_files MESSAGE FOLDER: the recipe files MESSAGE into FOLDER
		if [ "$(id -u)" -eq 0 ]; then
			setpriv --reuid=65534 --regid=65534 --clear-groups -- env HOME="$tmp/sv" \
				sieve-test -c "$tmp/sv/dovecot.conf" "$tmp/sv/bounces.sieve" "$tmp/sv/$1" > "$tmp/sv/result" 2>&1
		else
			HOME="$tmp/sv" sieve-test -c "$tmp/sv/dovecot.conf" "$tmp/sv/bounces.sieve" "$tmp/sv/$1" > "$tmp/sv/result" 2>&1
		fi
		grep -q "store message in folder: $2\$" "$tmp/sv/result" || { cat "$tmp/sv/result" >&2; false; }
	}
	check "Sieve: the dead mailbox's bounce filed into Bounces.Hard" sieve_files postfix-user-unknown.eml Bounces.Hard
	check "Sieve: the policy bounce filed into Bounces.Soft" sieve_files policy-multiple-auth-failed.eml Bounces.Soft
	check "Sieve: ordinary mail kept in INBOX" sieve_files not-bounce-newsletter.eml INBOX
	check "Sieve: a forged X-Bounce-Class: hard kept in INBOX" sieve_files forged.eml INBOX
	# The filter failing: ndrparse replaced by a program that fails.
	# (The link removed first: writing through it would overwrite the tool.)
	rm "$tmp/sv/bin/ndrparse"
	printf '#!/bin/sh\nexit 74\n' > "$tmp/sv/bin/ndrparse"
	chmod 755 "$tmp/sv/bin/ndrparse"
	check "Sieve: when the filter fails the message goes to Bounces.Unchecked" sieve_files forged.eml Bounces.Unchecked
else
	echo "ok - Sieve recipe # SKIP sieve-test (dovecot-sieve) not installed"
fi

finish
