# pg-cluster.sh - a throw-away PostgreSQL server for the store tests:
# Debian's postgresql, a cluster made by initdb in a temporary directory,
# reached only by its Unix socket there, run as a user that is not root
# (PostgreSQL refuses root: as root the server runs as "nobody").
# Sourced by the test scripts:
#
#   pg_cluster_start [fsync]   starts it; sets PG_HOST (the socket
#                              directory), PG_URI (a database "ndrparse"
#                              there) and PG_ADMIN (psql-ready options);
#                              1 when PostgreSQL is not installed.
#                              "fsync" keeps the server's fsync (the
#                              benchmark); tests turn it off for speed.
#   pg_createdb NAME           a new empty database; prints its store URI
#   pg_cluster_stop            stops it and removes the directory
#
# NDRPARSE_REQUIRE_PG=1 (CI) makes a missing PostgreSQL a failure, not a skip.

pg_bindir() {
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
	done
	return 1
}

pg_as_server_user() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
	else
		"$@"
	fi
}

pg_cluster_start() {
	PG_BIN=$(pg_bindir) || return 1
	command -v psql > /dev/null || return 1
	PG_HOST=$(mktemp -d /tmp/ndrpg.XXXXXX)
	[ "$(id -u)" -eq 0 ] && chown nobody:nogroup "$PG_HOST"
	pg_fsync=off
	[ "${1:-}" = fsync ] && pg_fsync=on
	if ! pg_as_server_user "$PG_BIN/initdb" -D "$PG_HOST/data" -A trust -U ndrparse -E UTF8 --locale=C \
		--no-sync > "$PG_HOST/initdb.log" 2>&1; then
		cat "$PG_HOST/initdb.log" >&2
		return 2
	fi
	if ! pg_as_server_user "$PG_BIN/pg_ctl" -D "$PG_HOST/data" -l "$PG_HOST/server.log" -w -t 60 \
		-o "-k $PG_HOST -c listen_addresses= -c fsync=$pg_fsync -c max_connections=80" start > /dev/null; then
		cat "$PG_HOST/server.log" >&2
		return 2
	fi
	PG_ADMIN="-X -q -v ON_ERROR_STOP=1 -h $PG_HOST -U ndrparse"
	pg_createdb ndrparse > /dev/null || return 2
	PG_URI="postgresql://ndrparse@/ndrparse?host=$PG_HOST"
	export PG_HOST PG_URI
	return 0
}

pg_createdb() {
	# shellcheck disable=SC2086
	psql $PG_ADMIN -d postgres -c "CREATE DATABASE \"$1\"" > /dev/null || return 1
	echo "postgresql://ndrparse@/$1?host=$PG_HOST"
}

pg_cluster_stop() {
	[ -n "${PG_HOST:-}" ] || return 0
	pg_as_server_user "$PG_BIN/pg_ctl" -D "$PG_HOST/data" -m fast -w stop > /dev/null 2>&1
	rm -rf "$PG_HOST"
	PG_HOST=
}

# pg_cluster_or_skip NAME: starts the cluster; otherwise a SKIP line (or,
# under NDRPARSE_REQUIRE_PG=1, a failure); returns 1 when there is none.
pg_cluster_or_skip() {
	pg_cluster_start
	case $? in
	0) return 0 ;;
	1)
		if [ "${NDRPARSE_REQUIRE_PG:-0}" = 1 ]; then
			check "$1: PostgreSQL is installed (NDRPARSE_REQUIRE_PG=1)" false
		else
			skip "$1" "PostgreSQL (Debian's postgresql package) is not installed"
		fi
		return 1 ;;
	*)
		check "$1: the PostgreSQL test cluster starts" false
		return 1 ;;
	esac
}
