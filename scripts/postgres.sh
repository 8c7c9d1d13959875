#!/usr/bin/env bash
# Make sure a local PostgreSQL server runs and has a `ruhu` role and a `ruhu_test` database.
# Prints the DATABASE_URL to use. Uses the machine's cluster (pg_ctlcluster), creating one if none.
set -euo pipefail
# Only the URL goes to stdout (callers capture it); everything the tools print goes to stderr.
exec 3>&1 1>&2
command -v pg_lsclusters >/dev/null || { echo "PostgreSQL is not installed" >&2; exit 1; }
read -r version cluster port status _ < <(pg_lsclusters --no-header | head -n 1) || true
if [ -z "${version:-}" ]; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  pg_createcluster "$version" main 3>&-
  read -r version cluster port status _ < <(pg_lsclusters --no-header | head -n 1)
fi
if [ "$status" != online ]; then
  pg_ctlcluster "$version" "$cluster" start 3>&-  # the server must not hold the caller's pipe open
fi
as_postgres() { if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sh -c "$1"; fi; }
for _ in $(seq 1 30); do
  as_postgres "psql -p $port -qtAc 'select 1'" >/dev/null 2>&1 && break
  sleep 0.5
done
as_postgres "psql -p $port -qtAc \"select 1 from pg_roles where rolname='ruhu'\"" | grep -q 1 \
  || as_postgres "psql -p $port -qc \"create role ruhu login password 'ruhu' createdb\""
as_postgres "psql -p $port -qtAc \"select 1 from pg_database where datname='ruhu_test'\"" | grep -q 1 \
  || as_postgres "createdb -p $port -O ruhu ruhu_test"
echo "postgresql://ruhu:ruhu@127.0.0.1:$port/ruhu_test" >&3
