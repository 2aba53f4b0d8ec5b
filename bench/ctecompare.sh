#!/bin/sh
# Connect over HTTP against a recursive CTE over a PostgreSQL connection, both
# end to end: `policygraph serve` answering GraphQL, and a PostgreSQL server of
# its own holding the graph as `policygraph export --format csv` writes it
# (bench/ctecompare/load.sql: the tables and their indexes; connect.sql: the
# CTE). Warm: both servers running, ROUNDS questions per pair on each side,
# alternating. Cold: before each question both servers are stopped, their
# files dropped from the page cache (dd iflag=nocache, those files only) and
# started again; COLD_ROUNDS times over the pairs.
#
#   go build -o /tmp/pg ./cmd/policygraph
#   /tmp/pg gen --reports 300 --seed 1 /tmp/c300 && /tmp/pg load -q --db /tmp/r300.db /tmp/c300/*.txt
#   bench/ctecompare.sh /tmp/r300.db /tmp/pg          # ROUNDS=200 COLD_ROUNDS=2
#
# It needs PostgreSQL's programs (.ci/setup-postgres.sh installs them; it uses
# its own cluster in a temporary directory on port $PGPORT, not the test one),
# psql, curl and Go. Run it as root (the cluster runs as user postgres) or as
# the user that owns PostgreSQL's programs.
set -eu
store=$1
bin=$2
ROUNDS=${ROUNDS:-200}
COLD_ROUNDS=${COLD_ROUNDS:-2}
PGPORT=${PGPORT:-5499}
HTTPPORT=${HTTPPORT:-18099}
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
here=$(cd "$(dirname "$0")" && pwd)

tmp=$(mktemp -d)
chmod 755 "$tmp"
serve_pid=
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
	[ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
	as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -m fast stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
dsn="postgres://postgres@127.0.0.1:$PGPORT/postgres?sslmode=disable"
url=http://127.0.0.1:$HTTPPORT

# The store, copied: serve keeps its index snapshot beside it.
cp "$store" "$tmp/store.db"
"$bin" export --db "$tmp/store.db" --format csv --out "$tmp/csv" 2>&1 | tail -1

mkdir "$tmp/pg"
[ "$(id -u)" -eq 0 ] && chown postgres "$tmp/pg"
as_pg "$pgbin/initdb" -D "$tmp/pg" -A trust -U postgres >/dev/null
pg_start() { as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $tmp/pg" -l "$tmp/pg/server.log" -w start >/dev/null; }
pg_stop() { as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -m fast -w stop >/dev/null; }
pg_start
(cd "$tmp/csv" && psql -q "$dsn" -f "$here/ctecompare/load.sql")

serve_start() {
	"$bin" serve --db "$tmp/store.db" --addr 127.0.0.1:$HTTPPORT >>"$tmp/serve.log" 2>&1 &
	serve_pid=$!
	until curl -sf "$url/healthz" >/dev/null; do sleep 0.05; done
}
serve_stop() { kill "$serve_pid" && wait "$serve_pid" || true; serve_pid=; }
drop_cache() { find "$@" -type f -exec dd if={} iflag=nocache count=0 status=none \; ; }

go build -o "$tmp/ctecompare" "$here/ctecompare"
serve_start
serve_stop # once, so that every start after reads the index snapshot
serve_start
echo "== warm: $ROUNDS rounds; load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$tmp/ctecompare" -url "$url" -pg "$dsn" -rounds "$ROUNDS"
echo "== load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== cold: $COLD_ROUNDS rounds over the pairs, both servers started afresh with their files out of the page cache"
pairs="成都,资阳 成都,德阳 绵阳,乐山 重庆,达州 成都,眉山 德阳,绵阳 自贡,内江 宜宾,泸州 南充,广安 遂宁,南充 成都,绵阳 乐山,眉山 重庆,广安 资阳,内江 雅安,成都"
for r in $(seq 1 "$COLD_ROUNDS"); do
	for p in $pairs; do
		serve_stop
		pg_stop
		sync
		drop_cache "$tmp/store.db" "$tmp/store.db.index" "$tmp/pg"
		t0=$(date +%s%N)
		serve_start
		t1=$(date +%s%N)
		pg_start
		t2=$(date +%s%N)
		line="$("$tmp/ctecompare" -url "$url" -pg "$dsn" -cold "$p") start: serve $(((t1 - t0) / 1000000)) ms, postgres $(((t2 - t1) / 1000000)) ms"
		echo "$line"
		echo "$line" >>"$tmp/cold.txt"
	done
done
# Median and largest of each side, and their ratios.
[ -s "$tmp/cold.txt" ] && awk '{ r[NR] = $4; d[NR] = $7; s[NR] = $10 }
function sorted(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t } }
END {
	n = NR; sorted(r, n); sorted(d, n); sorted(s, n); m = int((n + 1) / 2)
	printf "cold, %d questions: received p50 %.3f ms max %.3f ms; decoded p50 %.3f ms max %.3f ms; CTE p50 %.3f ms max %.3f ms\n", n, r[m], r[n], d[m], d[n], s[m], s[n]
	printf "cold: CTE ÷ received p50 %.1f×, max %.1f×; CTE ÷ decoded p50 %.1f×, max %.1f×\n", s[m] / r[m], s[n] / r[n], s[m] / d[m], s[n] / d[n]
}' "$tmp/cold.txt"
echo "== load average $(cut -d' ' -f1-3 /proc/loadavg)"
