#!/bin/sh
# Load the same generated reports into bbolt and into PostgreSQL with one or more
# policygraph binaries, interleaved (bolt, then each binary on PostgreSQL, ROUNDS
# times), and print the wall time, user CPU and peak memory of each load.
#
#   go build -o /tmp/pg ./cmd/policygraph && /tmp/pg gen --reports 25 --seed 1 /tmp/corpus25
#   bench/loadcompare.sh /tmp/corpus25 /tmp/pg [/tmp/pg-old ...]
#
# Each PostgreSQL load gets a fresh schema of $ADMIN's database (dropped after); the
# default is the test DSN .ci/setup-postgres.sh creates. The bbolt loads use the
# first binary. Needs psql and /usr/bin/time.
set -eu
corpus=$1
shift
ADMIN=${ADMIN:-'postgres://policygraph:policygraph@127.0.0.1:5432/policygraph_test?sslmode=disable'}
ROUNDS=${ROUNDS:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
n=$(ls "$corpus"/*.txt | wc -l)
for r in $(seq 1 "$ROUNDS"); do
	rm -f "$tmp"/b.db*
	/usr/bin/time -f "round $r bolt     $1: $n reports %e s (user %U s, max RSS %M kB)" \
		"$1" load -q --db "$tmp/b.db" "$corpus"/*.txt 2>&1 >/dev/null | tail -1
	for bin in "$@"; do
		s=loadcompare_$$_$r
		psql -q "$ADMIN" -c "CREATE SCHEMA $s" >/dev/null
		/usr/bin/time -f "round $r postgres $bin: $n reports %e s (user %U s, max RSS %M kB)" \
			"$bin" load -q --db "$ADMIN&search_path=$s" "$corpus"/*.txt 2>&1 >/dev/null | tail -1
		psql -q "$ADMIN" -c "DROP SCHEMA $s CASCADE" >/dev/null 2>&1
	done
done
