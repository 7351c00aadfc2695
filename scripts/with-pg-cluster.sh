#!/usr/bin/env bash
# Runs a command against the throw-away PostgreSQL of scripts/pg-cluster.sh:
#   scripts/with-pg-cluster.sh DIR COMMAND [ARGUMENTS...]
# starts the cluster under DIR, runs COMMAND with MANDATE_TEST_POSTGRES_URL set to its URL, and
# stops it (deleting its files) when COMMAND ends, however it ends — unless the cluster was already
# running before, in which case it is left running for whoever started it. Exits with COMMAND's
# status.
set -euo pipefail
[ $# -ge 2 ] || {
    echo "usage: $0 DIR COMMAND [ARGUMENTS...]" >&2
    exit 2
}
here=$(cd "$(dirname "$0")" && pwd)
dir=$1
shift
if "$here/pg-cluster.sh" url "$dir" >/dev/null 2>&1; then
    url=$("$here/pg-cluster.sh" url "$dir")
    echo "Using the running PostgreSQL test cluster in $dir ($url)" >&2
else
    trap '"$here/pg-cluster.sh" stop "$dir"' EXIT
    url=$("$here/pg-cluster.sh" start "$dir")
    echo "Started a PostgreSQL test cluster in $dir ($url)" >&2
fi
export MANDATE_TEST_POSTGRES_URL=$url
# Not exec: the EXIT trap must run after the command.
"$@"
