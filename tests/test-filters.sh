#!/bin/sh
# test-filters.sh - the mail-filter modes: --annotate (byte-identical
# round trip on every corpus message, line ends, mbox "From " lines,
# messages it cannot parse), --append (8 processes at once: no line lost or
# torn), and the README's procmail and Sieve recipes run by procmail and by
# Dovecot's sieve-test (both installed by the README's set-up command; a
# missing one is reported as skipped).
#
#   sh test-filters.sh NDRPARSE CORPUS-DIR
tool=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")     # procmail runs it elsewhere
corpus=$(cd "$2" && pwd)
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap '[ -n "$KEEP" ] || rm -rf "$tmp"' EXIT
passed=0
failed=0

check() {  # check DESCRIPTION COMMAND...
	desc=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
		echo "ok - $desc"
	else
		failed=$((failed + 1))
		echo "not ok - $desc"
	fi
}

# The added lines are the head of the output; the rest is the message.
round_trip() {  # round_trip MESSAGE: annotate, then check the contract
	"$tool" --annotate < "$1" > "$tmp/annotated" 2> "$tmp/err" || return 1
	size=$(wc -c < "$1")
	total=$(wc -c < "$tmp/annotated")
	tail -c "$size" "$tmp/annotated" | cmp -s - "$1" || return 1
	head -c $((total - size)) "$tmp/annotated" > "$tmp/added"
	# Nothing but X-Bounce-* fields was added...
	! grep -qv '^X-Bounce-\(Recipient\|Status\|Reason\|Class\): ' "$tmp/added" || return 1
	# ...four per record the tool prints for the message.
	records=$("$tool" --format=jsonl "$1" 2> /dev/null | wc -l)
	[ "$(grep -c '^X-Bounce-Recipient: ' "$tmp/added")" -eq "$records" ] &&
	[ "$(wc -l < "$tmp/added")" -eq $((4 * records)) ]
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

"$tool" --annotate < "$corpus/postfix-user-unknown.eml" > /dev/full 2> /dev/null
check "--annotate: a write error exits 74 (procmail keeps the original)" [ $? -eq 74 ]

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

# The README's procmail recipe.
if command -v procmail > /dev/null; then
	mkdir -p "$tmp/pm"
	cat > "$tmp/pm/rc" <<EOF
SHELL=/bin/sh
MAILDIR=$tmp/pm
DEFAULT=$tmp/pm/inbox/
LOGFILE=$tmp/pm/log
:0 fw
| $tool --annotate

:0
* ^X-Bounce-Class: hard
bounces-hard/

:0
* ^X-Bounce-Class: soft
bounces-soft/
EOF
	for f in postfix-user-unknown policy-multiple-auth-failed not-bounce-newsletter; do
		procmail -m "$tmp/pm/rc" < "$corpus/$f.eml"
	done
	check "procmail: the dead mailbox's bounce filed as hard" \
		grep -lq 'X-Bounce-Recipient: bob@dest.example' "$tmp"/pm/bounces-hard/new/*
	check "procmail: the policy bounce filed as soft" \
		grep -lq 'X-Bounce-Reason: authfailure' "$tmp"/pm/bounces-soft/new/*
	# (procmail ends a message with a blank line, as in an mbox.)
	check "procmail: ordinary mail delivered as it came" sh -c \
		'head -c "$(wc -c < "$1")" "$2" | cmp -s - "$1"' sh "$corpus/not-bounce-newsletter.eml" "$tmp"/pm/inbox/new/*
else
	echo "ok - procmail recipe # SKIP procmail not installed"
fi

# The README's Sieve recipe, run by Dovecot's sieve-test (as an ordinary
# user: Dovecot refuses mail access as root).
if command -v sieve-test > /dev/null; then
	mkdir -p "$tmp/sv/bin" "$tmp/sv/mail"
	cp "$tool" "$tmp/sv/bin/ndrparse"
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
filter "ndrparse" ["--annotate"];
if header :is "X-Bounce-Class" "hard" {
  fileinto "Bounces.Hard";
} elsif header :is "X-Bounce-Class" "soft" {
  fileinto "Bounces.Soft";
}
EOF
	# Dovecot runs only a program nobody else can write; the mail and the
	# compiled script are written as the unprivileged user.
	chmod 755 "$tmp/sv/bin" "$tmp/sv/bin/ndrparse"
	chmod 1777 "$tmp/sv" "$tmp/sv/mail"
	cp "$corpus/postfix-user-unknown.eml" "$corpus/policy-multiple-auth-failed.eml" \
	   "$corpus/not-bounce-newsletter.eml" "$tmp/sv/"
	sieve_files() {  # sieve_files MESSAGE FOLDER: the recipe files MESSAGE into FOLDER
		if [ "$(id -u)" -eq 0 ]; then
			setpriv --reuid=65534 --regid=65534 --clear-groups -- env HOME="$tmp/sv" \
				sieve-test -c "$tmp/sv/dovecot.conf" "$tmp/sv/bounces.sieve" "$tmp/sv/$1" > "$tmp/sv/result" 2>&1
		else
			HOME="$tmp/sv" sieve-test -c "$tmp/sv/dovecot.conf" "$tmp/sv/bounces.sieve" "$tmp/sv/$1" > "$tmp/sv/result" 2>&1
		fi
		grep -q "store message in folder: $2\$" "$tmp/sv/result"
	}
	check "Sieve: the dead mailbox's bounce filed into Bounces.Hard" sieve_files postfix-user-unknown.eml Bounces.Hard
	check "Sieve: the policy bounce filed into Bounces.Soft" sieve_files policy-multiple-auth-failed.eml Bounces.Soft
	check "Sieve: ordinary mail kept in INBOX" sieve_files not-bounce-newsletter.eml INBOX
else
	echo "ok - Sieve recipe # SKIP sieve-test (dovecot-sieve) not installed"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
