#!/usr/bin/env bash
# Private PostgreSQL 15 for tests: a throw-away cluster on a free loopback port.
#
#   pg_fixture.sh start  STATE_DIR   initdb + start; writes STATE_DIR/conninfo (libpq string,
#                                    user postgres, trust auth, database postgres) and STATE_DIR/port;
#                                    members of role bc_password_login must log in with a password
#                                    (scram-sha-256), for tests of the wrong-password path
#   pg_fixture.sh stop   STATE_DIR   stop the server and delete its data directory
#   pg_fixture.sh pause  STATE_DIR   stop the server abruptly (-m immediate), keep the data
#   pg_fixture.sh resume STATE_DIR   start it again on the same port
#
# CTest: tests/support/CMakeLists.txt registers `pg_start`/`pg_stop` as fixture `pg`
# (state in <build>/pg). A test that needs it:
#     bc_require_postgres(tst_something)
# which adds FIXTURES_REQUIRED pg and BC_PG_CONNINFO_FILE=<build>/pg/conninfo to its environment.
# C++ tests can use tests/support/pg_test_db.h to get a fresh database of their own from it.
#
# CI runs as root and PostgreSQL refuses to: as root the server runs as `postgres` through
# runuser, with its data directory in a mktemp directory chowned to postgres. The server listens
# on 127.0.0.1 only (and a socket in the same private directory). fsync is off (throw-away data;
# a killed server still keeps every committed transaction, the OS cache survives it); commits stay
# synchronous so an acknowledged write survives `pause`. BC_PG_DURABLE=1 keeps fsync on (benchmarks).
set -euo pipefail

bin=${BC_PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
state=${2:-}
die() { echo "pg_fixture: $*" >&2; exit 1; }
[ -n "$cmd" ] && [ -n "$state" ] || die "usage: pg_fixture.sh start|stop|pause|resume STATE_DIR"
for tool in initdb pg_ctl postgres; do
    [ -x "$bin/$tool" ] || die "$bin/$tool not found (Debian package postgresql-15)"
done

as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_start() { # root port
    local root=$1 port=$2 durability="-c fsync=off -c full_page_writes=off"
    if [ "${BC_PG_DURABLE:-0}" = 1 ]; then durability=""; fi
    as_pg "$bin/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 30 \
        -o "-p $port -k $root -c listen_addresses=127.0.0.1 $durability -c max_connections=200" \
        start >/dev/null
}

case $cmd in
start)
    mkdir -p "$state"
    if [ -f "$state/root" ] && [ -d "$(cat "$state/root")" ]; then
        "$0" stop "$state" || true
    fi
    root=$(mktemp -d /tmp/bc-pg.XXXXXX)
    echo "$root" > "$state/root"
    if [ "$(id -u)" = 0 ]; then
        chown postgres:postgres "$root"
    fi
    chmod 700 "$root"
    as_pg "$bin/initdb" -D "$root/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$state/initdb.log" 2>&1 || { cat "$state/initdb.log" >&2; die "initdb failed"; }
    # pg_hba.conf: the first matching line wins, so this one goes before initdb's trust lines.
    hba="$root/data/pg_hba.conf"
    { echo "host all +bc_password_login 127.0.0.1/32 scram-sha-256"; cat "$hba"; } > "$hba.new"
    mv "$hba.new" "$hba"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$hba"; fi
    started=0
    for _ in 1 2 3 4 5; do    # the port can be taken between picking and binding: pick again
        port=$(free_port)
        if pg_start "$root" "$port"; then started=1; break; fi
    done
    [ $started = 1 ] || { cat "$root/server.log" >&2 || true; die "could not start PostgreSQL"; }
    echo "$port" > "$state/port"
    /usr/bin/psql -qAt -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE bc_password_login NOLOGIN" >/dev/null || die "could not create role bc_password_login"
    echo "host=127.0.0.1 port=$port user=postgres dbname=postgres connect_timeout=5" > "$state/conninfo"
    echo "pg_fixture: PostgreSQL 15 on 127.0.0.1:$port, data in $root"
    ;;
stop)
    [ -f "$state/root" ] || exit 0
    root=$(cat "$state/root")
    if [ -f "$root/data/postmaster.pid" ]; then
        as_pg "$bin/pg_ctl" -D "$root/data" -m fast -w -t 30 stop >/dev/null || true
    fi
    case $root in /tmp/bc-pg.*) rm -rf "$root" ;; esac
    rm -f "$state/root" "$state/conninfo" "$state/port"
    ;;
pause)
    root=$(cat "$state/root")
    as_pg "$bin/pg_ctl" -D "$root/data" -m immediate -w -t 30 stop >/dev/null
    ;;
resume)
    root=$(cat "$state/root")
    pg_start "$root" "$(cat "$state/port")"
    ;;
*)
    die "unknown command $cmd (start|stop|pause|resume)"
    ;;
esac
