#!/bin/sh
# test-store-lib.sh - the store's library tests (test-store.c) on SQLite
# and on a real PostgreSQL server, a throw-away cluster started here.
#
#   sh test-store-lib.sh TEST_STORE_BINARY CORPUS_DIR
bin=$1
corpus=$2
tool=
. "$(dirname "$0")/testlib.sh"
. "$(dirname "$0")/pg-cluster.sh"
trap 'pg_cluster_stop; [ -n "$KEEP" ] || rm -rf "$tmp"' EXIT

if pg_cluster_or_skip "the store suite on PostgreSQL"; then
	NDRPARSE_TEST_PG_HOST=$PG_HOST
	export NDRPARSE_TEST_PG_HOST
fi
check "the store suite (test-store)" "$bin" "$corpus"
finish
