#!/bin/sh
# test-rules.sh - rules at run time: the parser on good and bad files (each
# error message checked), a user's rule outranking a shipped one, disabling
# by id, NDRPARSE_RULES_DIR, --explain in every format, --list-steps,
# --list-rules and --count-rules, and
# the lint: it passes on the shipped rules and fails on the three families
# the old tables could never choose (tests/rules/old-tables.rules).
#   test-rules.sh NDRPARSE CORPUS-DIR
tool=$1
corpus=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/testlib.sh"
unset NDRPARSE_RULES_DIR

full="$corpus/postfix-mailbox-full.eml"

# ---- bad files: one line naming the file and line, exit 64, nothing decoded
bad () {
	name=$1
	line=$2
	want=$3
	printf '# site rules\n%s\n' "$line" > "$tmp/bad.rules"
	run --rules="$tmp/bad.rules" "$full"
	check "bad rules ($name): exit 64, nothing decoded" all '[ "$rc" -eq 64 ]' '[ ! -s "$tmp/out" ]'
	check "bad rules ($name): the message" [ "$(cat "$tmp/err")" = "ndrparse: $tmp/bad.rules:2: $want" ]
}
bad "not a rule" 'foo in=diagnostic' \
	"'foo' is not a rule id (letters, digits, '-', '_' and at least one '.': google.mailbox-disabled) nor a directive (set, unset, disable, reason, code, family)"
bad "no in=" 'x.y phrase=a then=reason:userunknown source=s' "no in= (what the rule looks at)"
bad "unknown key" 'x.y in=diagnostic phrase=a then=reason:userunknown source=s colour=red' "unknown key 'colour'"
bad "bad regex" 'x.y in=diagnostic regex="(unclosed" example="(unclosed" then=reason:userunknown source=s' \
	"rule x.y: bad regex: Missing close parenthesis for group started at index 0."
bad "unknown reason" 'x.y in=diagnostic phrase=a then=reason:nonsense source=s' "rule x.y: unknown reason 'nonsense'"
bad "two matchers" 'x.y in=diagnostic phrase=a regex=b then=reason:userunknown source=s' \
	"two matchers, phrase= and regex=: a rule has one"
bad "no source" 'x.y in=diagnostic phrase=a then=reason:userunknown' "rule x.y has no source= (where its wording comes from)"
bad "open quote" 'x.y in=diagnostic phrase="a then=reason:userunknown source=s' "a quoted string is not closed"
bad "shipped id" 'google.host-aspmx-l-google-com in=diagnostic phrase=a then=reason:userunknown source=s' \
	"rule id google.host-aspmx-l-google-com is taken (disable the shipped rule and give yours another id)"
bad "vocabulary" 'reason foo description=x advice-permanent=y advice-temporary=z source=s' \
	"reason lines belong to the shipped rules; a user file cannot change them"
bad "unknown mark" 'x.y in=body phrase=a then=mark:sparkle source=s' "unknown mark 'sparkle'"
bad "unknown command" 'x.y in=diagnostic phrase=a then=command:vrfy source=s' \
	"unknown command 'vrfy' (conn, helo, ehlo, starttls, auth, mail, rcpt or data)"
bad "command off the diagnostic" 'x.y in=body phrase=a then=command:rcpt source=s' \
	"then=command: is for in=diagnostic rules (the words of a reply)"
bad "status spec" 'x.y in=status status=5.7 then=reason:blocked source=s' \
	"status=5.7 is not a status (5.7.26, *.7.26 or 5.7.606-649)"
bad "matcher for the field" 'x.y in=remote-host phrase=a then=provider:p source=s' "phrase= does not apply to in=remote-host"
bad "undefined family" 'x.y in=body phrase=a then=family:nosuch source=s' \
	"rule x.y: family (a \"family NAME\" line) 'nosuch' is not defined here or before"
bad "undefined provider" 'x.y in=diagnostic phrase=a then=reason:userunknown if-provider=nosuch source=s' \
	"rule x.y: if-provider: the provider (a then=provider: rule) 'nosuch' is not defined here or before"
bad "empty disable" 'disable' "disable needs a rule id"
bad "family diagnostic" 'family x diagnostic=after source=s' "diagnostic=after is not block or preamble"

run --rules="$tmp/no-such.rules" "$full"
check "a missing rule file: exit 64" [ "$rc" -eq 64 ]
check "a missing rule file: named" grep -q "no-such.rules" "$tmp/err"

# ---- a good file: defaults, quotes, escapes, a regex with its example
cat > "$tmp/good.rules" <<'EOF'
# Example Mail, as its error page words it.
set source="Example Mail's error page, https://mail.example.net/errors"
examplemail.host in=remote-host suffix=mx.example.net then=provider:examplemail
examplemail.full in=diagnostic phrase="box is \"stuffed\"" then=reason:mailboxfull if-provider=examplemail
unset source
site.quota-code in=diagnostic regex="ERR-Q[0-9]{3}" example="550 ERR-Q101" then=reason:mailboxfull source="our MX's own code list"
EOF
run --rules="$tmp/good.rules" --lint-rules
check "a good file loads and passes the lint" [ "$rc" -eq 0 ]
run --rules="$tmp/good.rules" --reply "$(printf '550 5.0.0 the box is "stuffed"\tRCPT\tmx1.mx.example.net')" --fields=reason
check "a user's provider rule decides" grep -q '"reason": "mailboxfull"' "$tmp/out"
run --rules="$tmp/good.rules" --reply "550 ERR-Q101 quota" --fields=reason
check "a user's regex rule decides" grep -q '"reason": "mailboxfull"' "$tmp/out"

# ---- a user's rule outranks the shipped one on the same words
run --explain "$full"
check "shipped: mailboxfull by a shipped rule" grep -q '"reason": "mailboxfull"' "$tmp/out"
printf 'site.full-means-gone in=diagnostic phrase="Mailbox full" then=reason:suspend source="our MX: a full box here is a closed account"\n' \
	> "$tmp/override.rules"
run --rules="$tmp/override.rules" --explain "$full"
check "a user's rule outranks the shipped one" grep -q '"reason": "suspend"' "$tmp/out"
check "... and --explain says it decided" \
	grep -q '"rule": "site.full-means-gone", "matched": "Mailbox full", "conclusion": "reason:suspend", "decisive": true' "$tmp/out"

# ---- disabling a shipped rule by id
shipped=$("$tool" --explain "$full" | grep -o '"rule": "[a-z.-]*", "matched": "[^"]*", "conclusion": "reason:[a-z]*", "decisive": true' | sed 's/"rule": "\([^"]*\)".*/\1/')
printf 'disable %s\n' "$shipped" > "$tmp/disable.rules"
run --rules="$tmp/disable.rules" --explain "$full"
check "a disabled rule ($shipped) fires no more" sh -c '! grep -q "\"rule\": \"$1\"" "$2"' sh "$shipped" "$tmp/out"
check "... and the next evidence decides" grep -q '"decisive": true' "$tmp/out"

# ---- a user's command wording: the SMTP command a reply answered
reply='550 5.1.1 utilisateur inconnu (en réponse à la commande RCPT)		mx.example.org'
printf '%s\n' "$reply" | "$tool" --replies=- --format=jsonl > "$tmp/out"
check "shipped: no command in a French reply" grep -q '"smtp_command": null' "$tmp/out"
printf 'site.fr-rcpt in=diagnostic phrase="en réponse à la commande RCPT" then=command:rcpt source=s\n' > "$tmp/command.rules"
printf '%s\n' "$reply" | "$tool" --rules="$tmp/command.rules" --replies=- --format=jsonl > "$tmp/out"
check "a user's command rule names the command" grep -q '"smtp_command": "RCPT"' "$tmp/out"

# ---- NDRPARSE_RULES_DIR: every *.rules file, in name order, before --rules
mkdir -p "$tmp/dir"
printf 'site.host in=remote-host suffix=mx.example.net then=provider:site source=s\n' > "$tmp/dir/10-provider.rules"
printf 'site.full in=diagnostic phrase=stuffed then=reason:mailboxfull if-provider=site source=s\n' > "$tmp/dir/20-words.rules"
printf 'not a rule file\n' > "$tmp/dir/notes.txt"
NDRPARSE_RULES_DIR="$tmp/dir" run --reply "$(printf '550 5.0.0 stuffed\tRCPT\tmx1.mx.example.net')" --fields=reason
check "NDRPARSE_RULES_DIR: its files, in name order (20- uses 10-'s provider)" grep -q '"reason": "mailboxfull"' "$tmp/out"
mv "$tmp/dir/10-provider.rules" "$tmp/dir/30-provider.rules"
NDRPARSE_RULES_DIR="$tmp/dir" run --reply "550 5.0.0 stuffed"
check "NDRPARSE_RULES_DIR: out of order, the name is undefined: exit 64" all '[ "$rc" -eq 64 ]' 'grep -q "20-words.rules:1:" "$tmp/err"'
rm "$tmp/dir/20-words.rules"
cp "$tmp/override.rules" "$tmp/dir/40-override.rules"
NDRPARSE_RULES_DIR="$tmp/dir" run "$full"
check "NDRPARSE_RULES_DIR: its rules apply to messages" grep -q '"reason": "suspend"' "$tmp/out"
printf 'disable site.full-means-gone\n' > "$tmp/undo.rules"
NDRPARSE_RULES_DIR="$tmp/dir" run --rules="$tmp/undo.rules" "$full"
check "a user file disables shipped rules only" grep -q '"reason": "suspend"' "$tmp/out"
cp "$tmp/bad.rules" "$tmp/dir/50-bad.rules"
NDRPARSE_RULES_DIR="$tmp/dir" run "$full"
check "NDRPARSE_RULES_DIR: a bad file there: exit 64, named" all '[ "$rc" -eq 64 ]' 'grep -q "50-bad.rules:2:" "$tmp/err"'

# ---- --explain in every format
run --explain --format=json "$full"
check "--explain json: an evidence list per record" \
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); e=r[0]["evidence"]; assert e and all(set(x)=={"step","rule","matched","conclusion","decisive","source"} for x in e); assert [x for x in e if x["decisive"] and x["step"]=="phrase"]' "$tmp/out"
run --explain --format=text "$full"
check "--explain text: indented lines under the record" grep -q '^    step=phrase rule=' "$tmp/out"
run --explain --format=csv --fields=recipient,reason,evidence "$full"
check "--explain csv: the evidence cell" grep -q 'step=phrase rule=.* | step=reason' "$tmp/out"
run "$full"
check "no --explain: no evidence" sh -c '! grep -q evidence "$1"' sh "$tmp/out"

# ---- the steps
run --list-steps
check "--list-steps: 14 steps, success first, nothing last" \
	sh -c '[ "$(wc -l < "$1")" -eq 14 ] && head -1 "$1" | grep -q "^success " && tail -1 "$1" | grep -q "^nothing "' sh "$tmp/out"

# ---- the lint
run --lint-rules
check "lint: the shipped rules pass" all '[ "$rc" -eq 0 ]' 'grep -q "no problem found" "$tmp/out"'
run --rules="$here/rules/old-tables.rules" --lint-rules
check "lint: the old tables fail (exit 1)" [ "$rc" -eq 1 ]
for fam in old-yandex old-activehunter old-office365; do
	check "lint: $fam is never chosen" grep -q "family $fam is not recognised by its own words" "$tmp/out"
done
printf 'site.dead in=diagnostic phrase="mailbox full" then=reason:userunknown weight=broad source=s\n' > "$tmp/dead.rules"
run --rules="$tmp/dead.rules" --lint-rules
check "lint: a rule shadowed on its own words is dead" grep -q "rule site.dead: dead: on its own words" "$tmp/out"
printf 'site.regex in=diagnostic regex="quota [0-9]+" then=reason:mailboxfull source=s\n' > "$tmp/noexample.rules"
run --rules="$tmp/noexample.rules" --lint-rules
check "lint: a regex without an example" grep -q "rule site.regex: a regex needs an example=" "$tmp/out"
# ---- listing and counting
printf 'site.count in=diagnostic phrase="site words" then=reason:hasmoved if-provider=google source="site page"\n' > "$tmp/count.rules"
run --rules="$tmp/count.rules" --list-rules
check "--list-rules: a header and a line per rule" \
	sh -c '[ "$(wc -l < "$1")" -eq $(( $2 + 2 )) ] && head -1 "$1" | grep -q "^id	field	conclusion"' sh "$tmp/out" \
	"$("$tool" --lint-rules | sed -n 's/^\([0-9]*\) rules.*/\1/p')"
check "--list-rules: the user's rule, tab-separated" \
	grep -q "^site.count	diagnostic	reason	hasmoved	google	-	site page$" "$tmp/out"
run --count-rules
shipped_hasmoved=$(awk -F'\t' '$1 == "reason-wording" && $2 == "hasmoved" { print $3 }' "$tmp/out")
shipped_google=$(awk -F'\t' '$1 == "provider" && $2 == "google" { print $3 }' "$tmp/out")
check "--count-rules: every reason has wordings" \
	sh -c '[ "$(awk -F"\t" "\$1 == \"reason-wording\"" "$1" | wc -l)" -ge 30 ]' sh "$tmp/out"
run --rules="$tmp/count.rules" --count-rules
check "--count-rules: a user's rule counts for its reason and provider" \
	sh -c '[ "$(awk -F"\t" "\$1 == \"reason-wording\" && \$2 == \"hasmoved\" { print \$3 }" "$1")" -eq $(( $2 + 1 )) ] &&
	       grep -q "^provider	google	$(( $3 + 1 ))$" "$1"' sh "$tmp/out" "$shipped_hasmoved" "$shipped_google"
run --count-rules "$full"
check "--count-rules reads no FILE" [ "$rc" -eq 64 ]
finish
