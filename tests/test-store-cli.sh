#!/bin/sh
# test-store-cli.sh - ndrparse --store and ndrparse-store(1) as list
# managers and mail admins run them, on SQLite and on a real PostgreSQL
# cluster started here (tests/pg-cluster.sh):
#   - the README's procmail recipe with --store, 16 deliveries at once:
#     no event lost, no "database is locked";
#   - batch runs (one process and -j2) idempotent; a run killed mid-batch
#     keeps whole batches and a second run completes it;
#   - check, --sendable, suppress/unsuppress, import/export, stats, prune,
#     policy and their exit statuses;
#   - the error cases: a bad URI, not a store, a newer schema, a server
#     that is down, a full disk (ulimit -f), each one line and its status.
#
#   sh test-store-cli.sh NDRPARSE NDRPARSE_STORE CORPUS_DIR
tool=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
store_tool=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
corpus=$3
. "$(dirname "$0")/testlib.sh"
. "$(dirname "$0")/pg-cluster.sh"
trap 'pg_cluster_stop; umount "$tmp/small" 2> /dev/null; [ -n "$KEEP" ] || rm -rf "$tmp"' EXIT

# bounce N RCPT [STATUS DIAGNOSTIC]: a DSN of its own (Message-ID N)
bounce() {
	printf 'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nTo: bounces@list.example.org\n'
	printf 'Subject: Undelivered Mail Returned to Sender\nDate: Tue, 01 Dec 2026 10:00:00 +0000\n'
	printf 'Message-ID: <b%s@mx.example.net>\nMIME-Version: 1.0\n' "$1"
	printf 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
	printf -- '--b\nContent-Type: text/plain\n\nThe mail system.\n\n--b\nContent-Type: message/delivery-status\n\n'
	printf 'Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; %s\nAction: failed\n' "$2"
	printf 'Status: %s\nDiagnostic-Code: smtp; %s\n\n--b--\n' "${3:-5.1.1}" "${4:-550 5.1.1 User unknown}"
}

# mbox N: N bounces, one recipient each, in mbox form
mbox() {
	i=0
	while [ "$i" -lt "$1" ]; do
		echo "From MAILER-DAEMON Tue Dec  1 10:00:00 2026"
		bounce "m$i" "user$i@dest.example"
		echo
		i=$((i + 1))
	done
}

events() {
	"$store_tool" --store="$1" --format=csv stats --by=class | awk -F, 'NR > 1 { n += $3 } END { print n + 0 }'
}

suite() {
	be=$1
	uri=$2
	fresh=$3        # a command that prints a new empty store's URI

	# ---- procmail, 16 deliveries at once ----
	if command -v procmail > /dev/null; then
		mkdir -p "$tmp/$be-pm"
		cat > "$tmp/$be-pm/rc" <<RC
SHELL=/bin/sh
MAILDIR=$tmp/$be-pm
DEFAULT=$tmp/$be-pm/inbox/
LOGFILE=$tmp/$be-pm/log
:0 fw
| \$NDRPARSE --annotate --store=\$STORE

:0 e
bounces-unchecked/

:0
* ^X-Bounce-Class: hard
bounces-hard/
RC
		mkdir -p "$tmp/$be-msgs"
		w=0
		while [ $w -lt 16 ]; do
			k=0
			while [ $k -lt 8 ]; do
				bounce "$be-$w-$k" "u$w-$k@dest.example" > "$tmp/$be-msgs/$w-$k"
				k=$((k + 1))
			done
			w=$((w + 1))
		done
		pu=$($fresh pm)
		w=0
		while [ $w -lt 16 ]; do
			(for k in 0 1 2 3 4 5 6 7; do
				procmail -m NDRPARSE="$tool" STORE="$pu" "$tmp/$be-pm/rc" < "$tmp/$be-msgs/$w-$k"
			done) &
			w=$((w + 1))
		done
		wait
		check "$be: 16 procmail deliveries at once: 128 events stored" [ "$(events "$pu")" -eq 128 ]
		check "$be: ... 128 bounces filed as hard" \
			[ "$(ls "$tmp/$be-pm/bounces-hard/new" | wc -l)" -eq 128 ]
		check "$be: ... none unchecked, no 'locked' in the log" sh -c \
			"[ ! -d '$tmp/$be-pm/bounces-unchecked' ] && ! grep -qis locked '$tmp/$be-pm/log'"
		"$store_tool" --store="$pu" check u3-5@dest.example > "$tmp/out"
		check "$be: ... u3-5 suppressed" [ $? -eq 1 ]
	else
		skip "$be: procmail deliveries" "procmail not installed"
	fi

	# ---- 16 writers bouncing the same few addresses, none stored before:
	# no update lost (a writer that finds no row must still wait for one
	# that is writing it) ----
	mkdir -p "$tmp/$be-same"
	w=0
	while [ $w -lt 16 ]; do
		k=0
		while [ $k -lt 8 ]; do
			bounce "$be-same-$w-$k" "shared$((k % 2))@full.example" 5.2.2 "552 5.2.2 Mailbox full" \
				> "$tmp/$be-same/$w-$k.eml"
			k=$((k + 1))
		done
		w=$((w + 1))
	done
	su=$($fresh same)
	"$store_tool" --store="$su" policy soft-threshold=1000 > /dev/null
	w=0
	while [ $w -lt 16 ]; do
		(for k in 0 1 2 3 4 5 6 7; do
			"$tool" --store="$su" "$tmp/$be-same/$w-$k.eml" > /dev/null 2>> "$tmp/$be-same.err"
		done) &
		w=$((w + 1))
	done
	wait
	"$store_tool" --store="$su" --format=csv list --state=any > "$tmp/out"
	check "$be: 16 writers, 128 soft bounces of two addresses at once: 64 counted on each" sh -c \
		"grep -q '^shared0@full.example,active,true,none,mailboxfull,.*,32.00,64,' '$tmp/out' &&
		 grep -q '^shared1@full.example,active,true,none,mailboxfull,.*,32.00,64,' '$tmp/out'"
	check "$be: ... and no writer failed" [ ! -s "$tmp/$be-same.err" ]
	# 16 bounces at once, each of the same 20 addresses none has stored
	w=0
	while [ $w -lt 16 ]; do
		{
			printf 'From: MAILER-DAEMON@mx.example.net\nTo: bounces@list.example.org\nSubject: failure\n'
			printf 'Date: Tue, 01 Dec 2026 10:00:00 +0000\nMessage-ID: <wide%s-%s@mx>\nMIME-Version: 1.0\n' "$be" "$w"
			printf 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n--b\n'
			printf 'Content-Type: text/plain\n\nfailed\n\n--b\nContent-Type: message/delivery-status\n\n'
			printf 'Reporting-MTA: dns; mx.example.net\n'
			r=0
			while [ $r -lt 20 ]; do
				printf '\nFinal-Recipient: rfc822; new%s@full.example\nAction: failed\nStatus: 5.2.2\n' $r
				printf 'Diagnostic-Code: smtp; 552 5.2.2 Mailbox full\n'
				r=$((r + 1))
			done
			printf '\n--b--\n'
		} > "$tmp/$be-wide-$w.eml"
		w=$((w + 1))
	done
	wu=$($fresh wide)
	"$store_tool" --store="$wu" policy soft-threshold=1000 > /dev/null
	w=0
	while [ $w -lt 16 ]; do
		"$tool" --store="$wu" "$tmp/$be-wide-$w.eml" > /dev/null 2>> "$tmp/$be-wide.err" &
		w=$((w + 1))
	done
	wait
	"$store_tool" --store="$wu" --format=csv list --state=any | awk -F, 'NR > 1 { print $8 }' | sort | uniq -c > "$tmp/out"
	check "$be: 16 bounces at once of the same 20 new addresses: each counted 16 times" \
		[ "$(cat "$tmp/out" | tr -s ' ')" = " 20 16" ]
	check "$be: ... and no writer failed" [ ! -s "$tmp/$be-wide.err" ]

	# ---- batch runs ----
	bu=$($fresh batch)
	"$tool" --store="$bu" "$corpus"/*.eml > /dev/null 2> "$tmp/err"
	n1=$(events "$bu")
	"$tool" --store="$bu" -j2 "$corpus"/*.eml > /dev/null 2>> "$tmp/err"
	check "$be: the corpus twice, -j1 then -j2: the same events ($n1)" all '[ "$(events "$bu")" -eq "$n1" ]' '[ "$n1" -gt 50 ]'
	ju=$($fresh jobs)
	"$tool" --store="$ju" -j2 "$corpus"/*.eml > /dev/null 2>> "$tmp/err"
	check "$be: -j2 alone stores what -j1 does" [ "$(events "$ju")" -eq "$n1" ]
	check "$be: no store message on stderr" [ ! -s "$tmp/err" ]

	# ---- killed mid-batch ----
	mbox 4000 > "$tmp/big.mbox"
	ku=$($fresh kill)
	# the store made first, so that the polls below only read
	"$store_tool" --store="$ku" info > /dev/null
	"$tool" -j1 --store="$ku" --store-batch=100 -q "$tmp/big.mbox" > /dev/null 2> "$tmp/kill.err" &
	pid=$!
	tries=0
	while [ "$(events "$ku")" -eq 0 ] && [ $tries -lt 400 ]; do sleep 0.02; tries=$((tries + 1)); done
	kill -9 $pid 2> /dev/null
	wait $pid 2> /dev/null
	kept=$(events "$ku")
	check "$be: killed mid-run: whole batches kept ($kept events, a multiple of 100)" \
		all '[ "$kept" -gt 0 ]' '[ $((kept % 100)) -eq 0 ]'
	if [ "$kept" -eq 0 ] || [ $((kept % 100)) -ne 0 ]; then
		echo "# polled $tries times; the run's stderr:"; sed 's/^/# /' "$tmp/kill.err"
		"$store_tool" --store="$ku" --format=csv stats --by=class
	fi
	"$tool" --store="$ku" -q "$tmp/big.mbox" > /dev/null
	check "$be: ... and the run again stores the rest: 4000" [ "$(events "$ku")" -eq 4000 ]

	# ---- the commands ----
	cu=$($fresh commands)
	"$tool" --store="$cu" "$corpus/postfix-user-unknown.eml" "$corpus/gmail-delay.eml" > /dev/null
	S() { "$store_tool" --store="$cu" "$@"; }
	gone=$("$tool" --fields=recipient --format=csv "$corpus/postfix-user-unknown.eml" | sed -n 2p)
	S check "$gone" > "$tmp/out"
	check "$be: check: a hard-bounced address exits 1" [ $? -eq 1 ]
	check "$be: ... with state, reason and since" grep -q "suppressed	userunknown	20" "$tmp/out"
	S check fine@example.org > /dev/null
	check "$be: check: an unknown address exits 0" [ $? -eq 0 ]
	printf 'a@example.org\n%s\nb@example.org\n' "$gone" | S check --sendable - > "$tmp/out"
	check "$be: check --sendable: a send-time filter drops the suppressed" \
		[ "$(cat "$tmp/out" | tr '\n' ' ')" = "a@example.org b@example.org " ]
	S --format=json check "$gone" > "$tmp/out"
	check "$be: check --format=json" grep -q '"state": "suppressed", "may_send": false, "cause": "hard"' "$tmp/out"
	S suppress --reason=filtered --note="asked to leave" Asked@Example.org
	S --format=json check asked@example.org > "$tmp/out"
	check "$be: suppress by hand, with reason and note" grep -q '"cause": "manual", "reason": "filtered".*"note": "asked to leave"' "$tmp/out"
	S unsuppress --note=restored "$gone"
	S check "$gone" > /dev/null
	check "$be: unsuppress" [ $? -eq 0 ]
	S suppress --reason=nosuch x@example.org 2> "$tmp/err"
	check "$be: suppress --reason=nosuch exits 64" [ $? -eq 64 ]
	S export > "$tmp/export.csv"
	check "$be: export: a CSV header and the suppressed" sh -c \
		"head -1 '$tmp/export.csv' | grep -q '^address,state,cause,reason,since,note' && grep -q '^asked@example.org,suppressed,manual,filtered' '$tmp/export.csv'"
	iu=$($fresh import)
	"$store_tool" --store="$iu" import "$tmp/export.csv" 2> /dev/null
	"$store_tool" --store="$iu" export > "$tmp/export2.csv"
	check "$be: import what export wrote: the same list" sh -c \
		"cut -d, -f1,2,4,5,6 '$tmp/export.csv' > '$tmp/a'; cut -d, -f1,2,4,5,6 '$tmp/export2.csv' > '$tmp/b'; cmp -s '$tmp/a' '$tmp/b'"
	printf 'address,reason\nok@example.org,userunknown\nbad@example.org,nosuch\n' | \
		"$store_tool" --store="$iu" import - 2> "$tmp/err"
	rc=$?
	check "$be: import: a bad line exits 65, names the line" all '[ $rc -eq 65 ]' 'grep -q "line 3" "$tmp/err"'
	"$store_tool" --store="$iu" check ok@example.org > /dev/null
	check "$be: ... and imports nothing" [ $? -eq 0 ]
	S --format=csv stats --by=reason > "$tmp/out"
	check "$be: stats by reason" grep -q '^userunknown,hard,1' "$tmp/out"
	S --format=csv stats --by=day --since=2000-01-01 > "$tmp/out"
	check "$be: stats by day" grep -q '^20[0-9-]*,hard,1' "$tmp/out"
	S policy soft-action=review > /dev/null
	check "$be: policy: set" sh -c "'$store_tool' --store='$cu' --format=csv policy soft-action | grep -q '^soft-action,review,suppress'"
	S policy soft-action=sometimes 2> "$tmp/err"
	rc=$?
	check "$be: policy: a bad value exits 64 with one line" all '[ $rc -eq 64 ]' '[ "$(wc -l < "$tmp/err")" -eq 1 ]'
	S prune --older-than=0 2> "$tmp/err"
	check "$be: prune" grep -q "events and" "$tmp/err"
	check "$be: ... the suppressions stay" sh -c "'$store_tool' --store='$cu' check asked@example.org > /dev/null; [ \$? -eq 1 ]"
}

# ---- SQLite ----
n=0
sqlite_fresh() {
	n=$((n + 1))
	echo "sqlite:$tmp/s-$1-$n.sqlite"
}
suite sqlite "" sqlite_fresh

# The errors, each one line on stderr and its exit status.
run --store=mysql://h/d "$corpus/gmail-delay.eml"
check "a URI of no backend: exit 78, one line" all '[ $rc -eq 78 ]' '[ "$(wc -l < "$tmp/err")" -eq 1 ]'
printf 'this is no database, only text\n%.0s' $(seq 200) > "$tmp/junk.sqlite"
cp "$tmp/junk.sqlite" "$tmp/junk.orig"
run --store="sqlite:$tmp/junk.sqlite" "$corpus/gmail-delay.eml"
check "a file that is not a store: exit 78, 'not a store'" all '[ $rc -eq 78 ]' 'grep -q "not a store" "$tmp/err"'
check "... and the file is left as it was" cmp -s "$tmp/junk.sqlite" "$tmp/junk.orig"
run --store="sqlite:$tmp/no/such/dir/s.sqlite" "$corpus/gmail-delay.eml"
check "a store in a missing directory: exit 78" [ $rc -eq 78 ]
"$tool" --store="$tmp/new.sqlite" "$corpus/gmail-delay.eml" > /dev/null
sqlite3 "$tmp/new.sqlite" "UPDATE ndr_schema SET version = 99" 2> /dev/null ||
	python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('UPDATE ndr_schema SET version = 99'); c.commit()" "$tmp/new.sqlite"
run --store="$tmp/new.sqlite" "$corpus/gmail-delay.eml"
check "a store of a newer schema: exit 78, 'newer'" all '[ $rc -eq 78 ]' 'grep -q "newer than this" "$tmp/err"'
"$store_tool" --store="$tmp/new.sqlite" info > /dev/null 2> "$tmp/err"
check "... ndrparse-store too: exit 78" [ $? -eq 78 ]
# An unreadable store (as root: read by "nobody", since root reads every file).
"$tool" --store="$tmp/locked.sqlite" "$corpus/gmail-delay.eml" > /dev/null
chmod 000 "$tmp/locked.sqlite"
as_user=
[ "$(id -u)" -eq 0 ] && as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups --"
$as_user "$tool" --store="$tmp/locked.sqlite" "$corpus/gmail-delay.eml" > "$tmp/out" 2> "$tmp/err"
rc=$?
check "an unreadable store: exit 78, one line" all '[ $rc -eq 78 ]' '[ "$(wc -l < "$tmp/err")" -eq 1 ]'
chmod 644 "$tmp/locked.sqlite"
# A full disk: the file size limit (ulimit -f, in 512-byte blocks) as a
# disk that fills up while a big mbox is stored.
"$tool" --store="$tmp/full.sqlite" "$corpus/gmail-delay.eml" > /dev/null
before=$(events "$tmp/full.sqlite")
mbox 3000 > "$tmp/full.mbox"
(ulimit -f 400; exec "$tool" --store="$tmp/full.sqlite" --store-batch=100000 -q "$tmp/full.mbox") > /dev/null 2> "$tmp/err"
rc=$?
check "a full disk: exit 75 (try again), one line naming it" \
	all '[ $rc -eq 75 ]' '[ "$(wc -l < "$tmp/err")" -eq 1 ]' 'grep -qi "full\|too large" "$tmp/err"'
check "... nothing half-written: the store as before ($before events)" [ "$(events "$tmp/full.sqlite")" -eq "$before" ]
check "... and whole (integrity_check)" sh -c \
	"python3 -c \"import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])\" '$tmp/full.sqlite' | grep -qx ok"

# ---- PostgreSQL ----
if pg_cluster_or_skip "the store commands on PostgreSQL"; then
	pg_fresh() {
		n=$((n + 1))
		pg_createdb "t_$1_$n"
	}
	suite postgresql "" pg_fresh
	down="postgresql://ndrparse@/ndrparse?host=$tmp&connect_timeout=5"
	run --store="$down" "$corpus/gmail-delay.eml"
	check "postgresql: a server that is down: exit 75, one line" all '[ $rc -eq 75 ]' '[ "$(wc -l < "$tmp/err")" -eq 1 ]'
	stdin="$corpus/postfix-user-unknown.eml" run --annotate --store="$down"
	check "postgresql: --annotate with the server down: exit 75, the message still written" \
		all '[ $rc -eq 75 ]' 'grep -q "^X-Bounce-Class: hard" "$tmp/out"'
	"$store_tool" --store="$down" check a@example.org 2> "$tmp/err"
	check "postgresql: ndrparse-store with the server down: exit 75" [ $? -eq 75 ]

	# A full disk under the server: the store's events table moved to a
	# tablespace on a 512 KiB tmpfs (root only: mount).
	if [ "$(id -u)" -eq 0 ] && mkdir -p "$tmp/small" && mount -t tmpfs -o size=512k tmpfs "$tmp/small" 2> /dev/null; then
		chown nobody:nogroup "$tmp/small"
		fu=$(pg_fresh full)
		"$tool" --store="$fu" "$corpus/postfix-user-unknown.eml" > /dev/null
		# shellcheck disable=SC2086
		psql $PG_ADMIN -d postgres -c "CREATE TABLESPACE small LOCATION '$tmp/small'" > /dev/null
		# shellcheck disable=SC2086
		psql -X -q -v ON_ERROR_STOP=1 -d "$fu" -c "ALTER TABLE ndr_events SET TABLESPACE small" > /dev/null
		before=$(events "$fu")
		run --store="$fu" --store-batch=100000 -q "$tmp/big.mbox"
		check "postgresql: a full disk: exit 75 (try again), one line naming it" \
			all '[ $rc -eq 75 ]' '[ "$(wc -l < "$tmp/err")" -eq 1 ]' 'grep -qi "no space left" "$tmp/err"'
		check "postgresql: ... nothing half-written: the store as before ($before events)" \
			all '[ "$(events "$fu")" -eq "$before" ]' '[ "$before" -gt 0 ]'
		# shellcheck disable=SC2086
		psql -X -q -v ON_ERROR_STOP=1 -d "$fu" -c "ALTER TABLE ndr_events SET TABLESPACE pg_default" > /dev/null
		# shellcheck disable=SC2086
		psql $PG_ADMIN -d postgres -c "DROP TABLESPACE small" > /dev/null
		umount "$tmp/small"
	else
		skip "postgresql: a full disk" "a small file system needs mount (root)"
	fi
fi
finish
