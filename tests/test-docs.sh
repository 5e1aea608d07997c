#!/bin/sh
# test-docs.sh - the evidence chain is written once, in the steps table of
# lib/ndr-classify.c (ndrparse --list-steps prints it); the README,
# ndrparse.h, ndrparse(1) and ndrparse-rules(5) must name the same steps
# in the same order.
#   test-docs.sh NDRPARSE SOURCE-DIR
. "$(dirname "$0")/testlib.sh"
tool=$1
src=$2

steps=$("$tool" --list-steps | awk '{print $1}' | tr '\n' ' ')
check "--list-steps names the steps" [ -n "$steps" ]

# README: the numbered list "1. `success`: ...".
readme=$(grep -E '^ ?[0-9]+\. `[a-z-]+`' "$src/README.md" | sed -E 's/^ ?[0-9]+\. `([a-z-]+)`.*/\1/' | tr '\n' ' ')
check "README lists the steps of the code, in order" [ "$readme" = "$steps" ]

# The other three write the names as one block of words.
block () {
	tr '\n' ' ' < "$1" | grep -o 'success provider reporter[a-z *-]*nothing' | head -1 | tr -s ' '
}
for doc in lib/ndrparse.h.in tools/ndrparse.1 tools/ndrparse-rules.5; do
	got=$(block "$src/$doc" | sed 's/ *\* */ /g' | tr -s ' ')
	check "$doc lists the steps of the code, in order" [ "$got " = "$steps" ]
done
finish
