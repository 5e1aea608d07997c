#!/bin/sh
# test-dovecot.sh - rejections written by the real Dovecot delivery agent
# (dovecot-lda, installed with the README's dovecot-sieve), read back by
# ndrparse: a Sieve "reject" (a disposition-notification report) and a full
# mailbox (a delivery-status report with Status 5.2.2).  Dovecot hands each
# rejection to its sendmail_path, here a script that keeps it.
#
#   sh test-dovecot.sh NDRPARSE
tool=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
corpus=
. "$(dirname "$0")/testlib.sh"

lda=/usr/lib/dovecot/dovecot-lda
if [ ! -x "$lda" ]; then
	skip "Dovecot rejections" "dovecot-lda (dovecot-core) not installed"
	finish
	exit
fi

# Dovecot refuses to deliver as root: the mail and its work are done as an
# unprivileged user, in a directory it may write.
chmod 1777 "$tmp"
cat > "$tmp/keep-rejection" <<EOF2
#!/bin/sh
cat > "$tmp/rejection.eml"
EOF2
chmod 755 "$tmp/keep-rejection"
printf 'require ["reject"];\nreject "I do not accept messages from this address.";\n' > "$tmp/reject.sieve"
conf() {  # conf NAME EXTRA...: NAME.conf, a dovecot.conf for one delivery
	conf_name=$1
	{
		echo "mail_location = maildir:$tmp/mail-$1"
		echo "sendmail_path = $tmp/keep-rejection"
		echo "postmaster_address = postmaster@dest.example"
		echo "hostname = mail.dest.example"
		shift
		printf '%s\n' "$@"
	} > "$tmp/$conf_name.conf"
}
printf 'Return-Path: <sender@origin.example>\nMessage-ID: <l5@origin.example>\nFrom: Sender <sender@origin.example>\nTo: carol@dest.example\nSubject: Lunch on Friday\nDate: Tue, 01 Dec 2026 09:59:00 +0000\n\nShall we?\n' > "$tmp/message.eml"
chmod 644 "$tmp/message.eml" "$tmp/reject.sieve"

deliver() {  # deliver NAME: dovecot-lda delivers the message to carol with NAME.conf
	conf_name=$1
	rm -f "$tmp/rejection.eml"
	if [ "$(id -u)" -eq 0 ]; then
		set -- setpriv --reuid=65534 --regid=65534 --clear-groups --
	else
		set --
	fi
	"$@" env HOME="$tmp" USER=carol "$lda" -c "$tmp/$conf_name.conf" -a carol@dest.example \
		-f sender@origin.example < "$tmp/message.eml" > "$tmp/lda.log" 2>&1
	[ -s "$tmp/rejection.eml" ] || { cat "$tmp/lda.log" >&2; return 1; }
}

record_is() {  # record_is EXPECTED: the one record's fields, as "field=value ..."
	"$tool" --format=jsonl "$tmp/rejection.eml" > "$tmp/out" 2> "$tmp/err" || return 1
	got=$(python3 -c '
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print(len(rows), *("%s=%s" % (k, rows[0][k]) for k in ("decoded_by", "recipient", "status", "reason", "hard_bounce")) if rows else "")
' "$tmp/out")
	[ "$got" = "$1" ] || { echo "# got: $got" >&2; return 1; }
}

conf sieve "protocol lda {" "  mail_plugins = sieve" "}" "plugin {" "  sieve = file:$tmp/sieve;active=$tmp/reject.sieve" "}"
check "Dovecot: a Sieve reject is delivered as a rejection report" deliver sieve
check "Dovecot: the Sieve reject is one record, carol's, filtered, not hard" \
	record_is "1 decoded_by=dovecot recipient=carol@dest.example status=5.0.0 reason=filtered hard_bounce=False"
check "Dovecot: the Sieve reject's report is a disposition notification" \
	grep -q 'report-type=disposition-notification' "$tmp/rejection.eml"

conf quota "mail_plugins = quota" "plugin {" "  quota = maildir:User quota" "  quota_rule = *:storage=10B" "}"
check "Dovecot: a full mailbox is delivered as a rejection report" deliver quota
check "Dovecot: the full mailbox is one record, carol's, mailboxfull 5.2.2, not hard" \
	record_is "1 decoded_by=rfc3464 recipient=carol@dest.example status=5.2.2 reason=mailboxfull hard_bounce=False"

finish
