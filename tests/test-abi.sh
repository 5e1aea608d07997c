#!/bin/sh
# test-abi.sh - the library's ABI, as users link against it:
#   - the exported symbols are exactly the functions ndrparse.h declares,
#     and exactly those the version script lists;
#   - abidiff (Debian's abigail-tools) finds no incompatible change against
#     the ABI of the last release, lib/abi/libndrparse.abi;
#   - and it does find one in a copy of today's ABI with a symbol taken out,
#     so the check can fail.
# When a release changes the ABI on purpose, the dump is written anew:
#   abidw --no-corpus-path --no-comp-dir-path --no-show-locs \
#     --headers-dir build/lib --drop-private-types build/lib/libndrparse.so \
#     > lib/abi/libndrparse.abi
#
#   sh test-abi.sh LIBRARY HEADER_DIR SOURCE_DIR
lib=$1
headers=$2
src=$3
tool=
corpus=
. "$(dirname "$0")/testlib.sh"

nm -D --defined-only "$lib" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort > "$tmp/exported"
sed -nE 's/^[A-Za-z][^(]*[^a-z0-9_](ndrparse_[a-z0-9_]+) \(.*/\1/p' "$headers/ndrparse.h" | sort -u > "$tmp/declared"
sed -n 's/^ *\(ndrparse_[a-z0-9_]*\);$/\1/p' "$src/lib/libndrparse.map" | sort > "$tmp/mapped"
check "the library exports exactly what ndrparse.h declares ($(wc -l < "$tmp/declared") functions)" \
	cmp -s "$tmp/exported" "$tmp/declared"
[ "$failed" -eq 0 ] || diff "$tmp/exported" "$tmp/declared"
check "the version script lists exactly what ndrparse.h declares" cmp -s "$tmp/mapped" "$tmp/declared"
check "nothing but ndrparse_* is exported" \
	sh -c "! nm -D --defined-only '$lib' | awk '\$2 ~ /[TDBR]/ { print \$3 }' | grep -v '^ndrparse_'"

if ! command -v abidiff > /dev/null; then
	skip "the ABI against lib/abi/libndrparse.abi" "abidiff (abigail-tools) not installed"
	finish
	exit
fi
if ! readelf -S "$lib" | grep -q '\.debug_info'; then
	skip "the ABI against lib/abi/libndrparse.abi" "the library has no debug information (a Release build)"
	finish
	exit
fi
abidw --no-corpus-path --no-comp-dir-path --no-show-locs --headers-dir "$headers" --drop-private-types \
	"$lib" > "$tmp/current.abi"
abidiff --headers-dir2 "$headers" "$src/lib/abi/libndrparse.abi" "$lib" > "$tmp/abidiff.out" 2>&1
rc=$?
# abidiff's status is a bit field: 1 an error, 4 a change, 8 an incompatible one.
check "no incompatible ABI change against lib/abi/libndrparse.abi" test $((rc & 9)) -eq 0
[ $((rc & 9)) -eq 0 ] || cat "$tmp/abidiff.out"

# A symbol taken out of today's ABI: abidiff must call that incompatible.
python3 - "$tmp/current.abi" "$tmp/broken.abi" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
name = "ndrparse_report_get_subject"
s, n = re.subn(r"\s*<elf-symbol name='%s'[^>]*/>" % name, "", s)
s, m = re.subn(r"\s*<function-decl name='%s'.*?</function-decl>" % name, "", s, flags=re.S)
assert n == 1 and m == 1, (n, m)
open(sys.argv[2], "w").write(s)
PY
abidiff "$tmp/current.abi" "$tmp/broken.abi" > "$tmp/broken.out" 2>&1
rc=$?
check "abidiff fails on a deliberately removed symbol" test $((rc & 8)) -eq 8
check "and names it" grep -q "ndrparse_report_get_subject" "$tmp/broken.out"
finish
