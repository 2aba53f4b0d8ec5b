#!/bin/bash
# Time a paths question asked of a freshly started serve whose store file is
# out of the page cache, for one or more policygraph binaries, interleaved
# (each binary in turn, ROUNDS times, the place pair changing every round).
# serve starts from the store's index snapshot (DB.index) before each
# question; the file is dropped from the page cache (dd iflag=nocache) first.
# Prints, per run, curl's seconds for the answer, then the median per binary.
#
#   /tmp/pg gen --reports 100 --seed 1 /tmp/c100 && /tmp/pg load -q --db /tmp/c100.db /tmp/c100/*
#   bench/coldpaths.sh /tmp/c100.db /tmp/pg-old /tmp/pg-new
#
# A bbolt file takes one server at a time, so the runs go one after another.
# Needs curl. QUERY may be any query with variables $a and $b.
set -eu
db=$1
shift
ROUNDS=${ROUNDS:-5}
PORT=${PORT:-18183}
QUERY=${QUERY:-'query($a: String!, $b: String!) { paths(from: $a, to: $b) { length nodes { id name } edges { from to relation } } }'}
pairs=(成都,资阳 绵阳,乐山 重庆,达州 自贡,内江 宜宾,泸州 南充,广安 遂宁,南充 乐山,眉山 雅安,成都 德阳,绵阳)
declare -A times
for r in $(seq 1 "$ROUNDS"); do
	IFS=, read -r a b <<<"${pairs[$(((r - 1) % ${#pairs[@]}))]}"
	for bin in "$@"; do
		dd if="$db" iflag=nocache count=0 status=none
		"$bin" serve --db "$db" --addr "127.0.0.1:$PORT" >/dev/null 2>&1 &
		pid=$!
		until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.02; done
		body="{\"query\":\"$QUERY\",\"variables\":{\"a\":\"$a\",\"b\":\"$b\"}}"
		t=$(curl -s -o "$db.coldpaths.out" -w '%{time_total}' -H 'Content-Type: application/json' --data-binary "$body" "http://127.0.0.1:$PORT/graphql")
		if ! grep -q '"paths":\[{' "$db.coldpaths.out"; then
			echo "coldpaths: $bin $a/$b: $(head -c 300 "$db.coldpaths.out")" >&2
			kill "$pid"
			exit 1
		fi
		kill "$pid" && wait "$pid" 2>/dev/null || true
		echo "round $r $bin $a/$b: $t s"
		times[$bin]="${times[$bin]:-} $t"
	done
done
rm -f "$db.coldpaths.out"
for bin in "$@"; do
	echo "median $bin: $(echo ${times[$bin]} | tr ' ' '\n' | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}') s"
done
