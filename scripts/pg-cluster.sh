#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for tests: `scripts/pg-cluster.sh start|stop|url DIR`.
#
#   start  creates the cluster under DIR (e.g. .build/pg) unless it is already running, starts it,
#          creates the role and database `mandate`, and prints its URL:
#          postgres://mandate@127.0.0.1:PORT/mandate
#   url    prints the URL of the running cluster (fails when it is not running).
#   stop   stops the cluster and deletes its files.
#
# The server listens on 127.0.0.1 only (plus a unix socket inside DIR), trusts every local
# connection (no passwords: it exists only for tests), and runs with fsync=off, which trades
# durability the tests do not need for speed. PGPORT chooses the port; otherwise 55432, or a random
# free port when 55432 is taken (several worktrees may run their tests at the same time).
#
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` system user (which
# owns the cluster directory); as anyone else it runs as the current user.
set -euo pipefail

usage() {
    echo "usage: $0 start|stop|url DIR" >&2
    exit 2
}
[ $# -eq 2 ] || usage
action=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
link="$dir/cluster"    # the cluster directory, or a symlink to it (see cluster_directory)
port_file="$dir/port"

bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
    echo "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin." >&2
    echo "Install them first (needs root):" >&2
    echo "  sudo apt-get update && sudo apt-get install -y postgresql libpq-dev" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || {
        echo "PostgreSQL refuses to run as root, and there is no 'postgres' user to run it as." >&2
        echo "  sudo apt-get update && sudo apt-get install -y postgresql libpq-dev" >&2
        exit 1
    }
    owner=postgres
    as_owner() { (cd / && runuser -u postgres -- "$@"); }
else
    owner=$(id -un)
    as_owner() { (cd / && "$@"); }
fi

# The directory holding data/, the socket and the log, owned by the server's user. As root it is
# DIR/cluster when `postgres` can reach DIR, otherwise a private directory under /tmp that
# DIR/cluster links to.
cluster_directory() {
    if [ -L "$link" ]; then
        readlink -f "$link"
    else
        echo "$link"
    fi
}

is_running() {
    local cluster
    cluster=$(cluster_directory)
    [ -f "$cluster/data/PG_VERSION" ] && as_owner "$bin/pg_ctl" status -D "$cluster/data" >/dev/null 2>&1
}

url() { echo "postgres://mandate@127.0.0.1:$(cat "$port_file")/mandate"; }

port_is_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

choose_port() {
    if [ -n "${PGPORT:-}" ]; then
        echo "$PGPORT"
        return
    fi
    local candidate=55432
    for _ in $(seq 1 20); do
        if ! port_is_taken "$candidate"; then
            echo "$candidate"
            return
        fi
        candidate=$((40000 + RANDOM % 20000))
    done
    echo "no free port found for PostgreSQL" >&2
    exit 1
}

create_cluster() {
    local cluster=$link
    if [ "$owner" = postgres ] && ! runuser -u postgres -- test -x "$dir"; then
        cluster=$(mktemp -d /tmp/mandate-pg.XXXXXX)
        ln -sfn "$cluster" "$link"
    fi
    mkdir -p "$cluster"
    chown "$owner" "$cluster"
    chmod 700 "$cluster"
    as_owner mkdir -p "$cluster/socket"
    as_owner "$bin/initdb" -D "$cluster/data" -U "$owner" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        --no-sync >"$cluster/initdb.log" 2>&1 || {
        cat "$cluster/initdb.log" >&2
        exit 1
    }
    # Trust connections over the socket and from 127.0.0.1 only; nothing else is accepted.
    as_owner tee "$cluster/data/pg_hba.conf" >/dev/null <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
    as_owner tee -a "$cluster/data/postgresql.conf" >/dev/null <<EOF
# Throw-away test cluster (scripts/pg-cluster.sh).
listen_addresses = '127.0.0.1'
unix_socket_directories = '$cluster/socket'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 1000
EOF
}

start() {
    if is_running; then
        url
        return
    fi
    local cluster
    cluster=$(cluster_directory)
    if [ ! -f "$cluster/data/PG_VERSION" ]; then
        rm -rf "$cluster" "$link"
        create_cluster
        cluster=$(cluster_directory)
    fi
    local port started=no
    for _ in 1 2 3; do
        port=$(choose_port)
        if as_owner "$bin/pg_ctl" start -D "$cluster/data" -l "$cluster/server.log" -w -t 30 \
            -o "-c port=$port" >/dev/null 2>&1; then
            started=yes
            break
        fi
        # Lost a race for the port (or a real failure: PGPORT fixed, or the log says why).
        [ -z "${PGPORT:-}" ] || break
    done
    if [ "$started" != yes ]; then
        echo "PostgreSQL did not start; its log ($cluster/server.log) ends with:" >&2
        tail -n 20 "$cluster/server.log" >&2 || true
        exit 1
    fi
    echo "$port" >"$port_file"
    local psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$cluster/socket" -p "$port" -U "$owner" -d postgres)
    if [ -z "$(as_owner "${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'mandate'")" ]; then
        as_owner "${psql[@]}" -c "CREATE ROLE mandate LOGIN CREATEDB"
    fi
    if [ -z "$(as_owner "${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'mandate'")" ]; then
        as_owner "${psql[@]}" -c "CREATE DATABASE mandate OWNER mandate"
    fi
    url
}

stop() {
    local cluster
    cluster=$(cluster_directory)
    if is_running; then
        as_owner "$bin/pg_ctl" stop -D "$cluster/data" -m fast -w >/dev/null
    fi
    rm -rf "$cluster" "$link" "$port_file"
}

case "$action" in
start) start ;;
stop) stop ;;
url)
    is_running || {
        echo "no PostgreSQL test cluster is running under $dir" >&2
        exit 1
    }
    url
    ;;
*) usage ;;
esac
