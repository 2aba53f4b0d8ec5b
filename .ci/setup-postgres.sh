#!/usr/bin/env bash
# setup-postgres.sh installs PostgreSQL from Debian's packages (if needed),
# starts its cluster on 127.0.0.1:5432 (if needed) and creates the role and
# database the tests use, so that this DSN works:
#
#   postgres://policygraph:policygraph@127.0.0.1:5432/policygraph_test?sslmode=disable
#
# It is idempotent and takes well under a second when everything is in place.
# Run it as root (make deps does) on Debian; there is no systemd here, so the
# cluster is started with pg_ctlcluster.
set -euo pipefail

ROLE=policygraph
PASSWORD=policygraph
DB=policygraph_test
PORT=5432

if [ "$(id -u)" -ne 0 ]; then
	echo "setup-postgres.sh: run as root (it installs packages and starts the cluster)" >&2
	exit 1
fi

# 1. Install the server, unless a cluster manager and a server binary are there.
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y --no-install-recommends postgresql >/dev/null 2>&1; then
		apt-get update
		apt-get install -y --no-install-recommends postgresql
	fi
fi

# 2. The newest cluster; create one if the package did not.
VERSION=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main"' | grep -q .; then
	pg_createcluster "$VERSION" main --port "$PORT"
fi
CONF=/etc/postgresql/$VERSION/main

# 3. Listen on the loopback address (the default, made explicit) and start it.
if ! grep -q "^listen_addresses = '127.0.0.1'" "$CONF/postgresql.conf"; then
	echo "listen_addresses = '127.0.0.1'" >>"$CONF/postgresql.conf"
	if pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
		pg_ctlcluster "$VERSION" main restart
	fi
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
	pg_ctlcluster "$VERSION" main start
fi
for _ in $(seq 1 50); do
	if pg_isready -q -h 127.0.0.1 -p "$PORT"; then break; fi
	sleep 0.1
done
pg_isready -h 127.0.0.1 -p "$PORT" >/dev/null

# 4. The role (allowed to create databases, for tests that want their own)
# and the database it owns. Password authentication over TCP is Debian's
# default pg_hba.conf rule for 127.0.0.1.
psql_admin() { su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -p $PORT $*"; }
if [ "$(psql_admin "-tAc \"SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'\"")" != 1 ]; then
	psql_admin "-c \"CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'\""
fi
if [ "$(psql_admin "-tAc \"SELECT 1 FROM pg_database WHERE datname = '$DB'\"")" != 1 ]; then
	psql_admin "-c \"CREATE DATABASE $DB OWNER $ROLE\""
fi
PGPASSWORD=$PASSWORD psql -X -q -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d "$DB" -tAc 'SELECT 1' >/dev/null
echo "PostgreSQL $VERSION ready: postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB?sslmode=disable"
