#!/bin/bash
# Time the first requests to a freshly started serve, as the explorer page
# sends them, for one or more policygraph binaries, interleaved (each binary
# in turn, ROUNDS times), with the store's index snapshot (DB.index) present
# and moved away. Each run starts serve, waits for it to listen, sends the
# page's connect question (成都, 资阳, the CONNECT query of web/src/api.js),
# the documents list, or both at once, then the connect question again
# (warm), prints the seconds and bytes of each, and stops serve.
#
#   /tmp/pg gen --reports 200 --seed 1 /tmp/c200 && /tmp/pg load -q --db /tmp/c200.db /tmp/c200/*
#   bench/coldfirst.sh /tmp/c200.db /tmp/pg-base /tmp/pg-new
#
# A bbolt file takes one server at a time, so the runs go one after another.
# Needs curl and python3.
set -eu
db=$1
shift
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-18181}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'mv -f "$tmp/index" "$db.index" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
printf '%s' '{"query":"query Documents { documents { id name title year } }"}' >"$tmp/documents.json"
python3 - "$here/web/src/api.js" >"$tmp/connect.json" <<'PY'
import json, re, sys
src = open(sys.argv[1]).read()
frag = {k: re.search(r"const %s = `([^`]*)`" % k, src).group(1) for k in ("N", "L")}
q = re.search(r"export const CONNECT = `([^`]*)`", src, re.S).group(1)
for k, v in frag.items():
    q = q.replace("${%s}" % k, v)
print(json.dumps({"query": q, "variables": {"a": "成都", "b": "资阳"}}))
PY
ask() { # ask NAME: seconds and bytes of one POST of $tmp/NAME.json
	curl -s -o "$tmp/$1.out" -w "%{time_total} s %{size_download} B" -H 'Content-Type: application/json' \
		--data-binary @"$tmp/$1.json" "http://127.0.0.1:$PORT/graphql"
}
run() { # run BIN FIRST SNAPSHOT
	[ "$3" = none ] && mv -f "$db.index" "$tmp/index"
	"$1" serve --db "$db" --addr "127.0.0.1:$PORT" --timeout 60s >"$tmp/log" 2>&1 &
	pid=$!
	for _ in $(seq 1 1200); do grep -q 'msg=serving' "$tmp/log" && break; sleep 0.1; done
	start=$(grep -o 'took=[^ ]*' "$tmp/log" | head -1)
	case $2 in
	both)
		ask connect >"$tmp/c" &
		c=$!
		d=$(ask documents)
		wait $c
		first="connect $(cat "$tmp/c"), documents $d"
		;;
	*) first="$2 $(ask "$2")" ;;
	esac
	echo "$(basename "$1") snapshot=$3 index $start; first: $first; warm connect $(ask connect)"
	kill $pid
	wait $pid || true
	[ "$3" = none ] && mv -f "$tmp/index" "$db.index"
	return 0
}
for r in $(seq 1 "$ROUNDS"); do
	for snap in keep none; do
		for first in connect documents both; do
			for bin in "$@"; do
				echo "round $r: $(run "$bin" $first $snap)"
			done
		done
	done
done
