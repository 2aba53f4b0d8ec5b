#!/bin/sh
# Load test of POST /graphql on loopback with wrk (Debian: apt-get install -y wrk).
#
#   docs/loadtest.sh seed              policygraph serve --db memory (the seed report)
#   docs/loadtest.sh synthetic 1000000 the handler over a synthetic graph of that many edges in
#                                      Cayley's memstore (the serve command cannot load one):
#                                      resolvers' TestLoadTestServer, on 127.0.0.1 with net/http
#   docs/loadtest.sh db DSN A B FROM TO policygraph serve --db DSN, a store loaded beforehand (e.g. a
#                                      bolt file of `policygraph gen` reports): connect(A, B),
#                                      paths(FROM -> TO)
#
# For each graph it runs wrk for $DUR (10s) with $CONNS (16) connections on $THREADS (1) thread
# against five requests: connect and paths, each asking for names (entities read from the store
# through the batch loaders) and asking only for what the index answers, and connections with
# fields nested two levels down (ties' targets and evidence sentences). It prints wrk's report
# (requests/s, latency percentiles) and how many responses carried GraphQL errors. Each request
# is sent once before its wrk run, so that the figures are those of a warm server.
# Run from the repository root. Only 127.0.0.1 is targeted.
set -eu
mode=${1:-seed}
edges=${2:-1000000}
DUR=${DUR:-10s}
CONNS=${CONNS:-16}
THREADS=${THREADS:-1}
PORT=${PORT:-18080}
url="http://127.0.0.1:$PORT"
tmp=$(mktemp -d)
pid=
cleanup() {
	touch "$tmp/stop"
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

case $mode in
seed)
	go build -o "$tmp/policygraph" ./cmd/policygraph
	"$tmp/policygraph" serve --db memory --addr "127.0.0.1:$PORT" 2>"$tmp/server.log" &
	pid=$!
	connect='["place/510100","place/512000"]' # 成都, 资阳
	paths='["place/512000","target/document/chengdu-2022-work-report-part1/跨境电商交易规模750亿元"]'
	;;
synthetic)
	go test -c -o "$tmp/resolvers.test" ./resolvers
	PG_LOADTEST_ADDR="127.0.0.1:$PORT" PG_LOADTEST_EDGES=$edges PG_LOADTEST_INFO="$tmp/info.json" \
		PG_LOADTEST_STOP="$tmp/stop" "$tmp/resolvers.test" -test.run '^TestLoadTestServer$' \
		-test.timeout 30m -test.v >"$tmp/server.log" 2>&1 &
	pid=$!
	echo "building the synthetic graph of $edges edges (minutes for 1M)..."
	while [ ! -s "$tmp/info.json" ]; do
		kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log"; exit 1; }
		sleep 2
	done
	cat "$tmp/info.json"; echo
	connect=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["connect"]))' "$tmp/info.json")
	paths=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["paths"]))' "$tmp/info.json")
	;;
db)
	[ $# -eq 6 ] || { echo "usage: docs/loadtest.sh db DSN A B FROM TO" >&2; exit 2; }
	go build -o "$tmp/policygraph" ./cmd/policygraph
	"$tmp/policygraph" serve --db "$2" --addr "127.0.0.1:$PORT" 2>"$tmp/server.log" &
	pid=$!
	connect=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:3], ensure_ascii=False))' "$3" "$4")
	paths=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:3], ensure_ascii=False))' "$5" "$6")
	;;
*)
	echo "usage: docs/loadtest.sh seed | synthetic [edges] | db DSN A B FROM TO" >&2
	exit 2
	;;
esac

until curl -fs "$url/healthz" >"$tmp/health" 2>/dev/null; do
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log"; exit 1; }
	sleep 0.5
done
echo "healthz: $(cat "$tmp/health")"

# script NAME QUERY VARIABLES writes a wrk Lua script that posts one request and counts errors.
script() {
	python3 - "$tmp/$1.lua" "$2" "$3" <<'PY'
import json, sys
path, query, variables = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
body = json.dumps({"query": query, "variables": variables}, ensure_ascii=False)
open(path, "w").write(f'''
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = {json.dumps(body, ensure_ascii=False)}
local errors = 0
local bad = 0
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
  if string.find(body, '"errors"', 1, true) then errors = errors + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("p99 %.2f ms, p50 %.2f ms, %d responses with errors, %d not 200\\n",
    latency:percentile(99) / 1000, latency:percentile(50) / 1000, errors, bad))
end
''')
PY
}
a=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])[0])' "$connect")
b=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])[1])' "$connect")
f=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])[0])' "$paths")
t=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])[1])' "$paths")
cv=$(python3 -c 'import json,sys; print(json.dumps({"a":sys.argv[1],"b":sys.argv[2]}, ensure_ascii=False))' "$a" "$b")
pv=$(python3 -c 'import json,sys; print(json.dumps({"f":sys.argv[1],"t":sys.argv[2]}, ensure_ascii=False))' "$f" "$t")
script connect 'query($a: String!, $b: String!) { connect(a: $a, b: $b) { id name } }' "$cv"
script connect-index 'query($a: String!, $b: String!) { connections(a: $a, b: $b, first: 500) { reach } }' "$cv"
script connect-nested 'query($a: String!, $b: String!) { connections(a: $a, b: $b, first: 50) { initiative { name } reach a { target { name } evidence { text } } } }' "$cv"
script paths 'query($f: String!, $t: String!) { paths(from: $f, to: $t, maxHops: 4, first: 5) { length nodes { id name } edges { from to relation } } }' "$pv"
script paths-index 'query($f: String!, $t: String!) { paths(from: $f, to: $t, maxHops: 4, first: 5) { length edges { from to relation } } }' "$pv"

for q in connect connect-index connect-nested paths paths-index; do
	echo "== $mode $q: connect $connect, paths $paths"
	# One request first, outside the figures: the first connect reads its
	# initiatives from the store into the entity cache (~0.4 s on bolt).
	body=$(sed -n 's/^wrk.body = //p' "$tmp/$q.lua" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read()))')
	if ! curl -fs -o /dev/null -H 'Content-Type: application/json' --data-binary "$body" "$url/graphql"; then
		echo "the warm-up request failed; the server said:"
		curl -s -H 'Content-Type: application/json' --data-binary "$body" "$url/graphql" | head -c 600
		echo
		continue
	fi
	wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --latency -s "$tmp/$q.lua" "$url/graphql"
done
