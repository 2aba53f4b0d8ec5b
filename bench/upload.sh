#!/bin/bash
# Time one large upload to POST /documents on a fresh server, and its memory.
# Starts `BIN serve` on a new bbolt store (the seeds load first) with writes
# on, under /usr/bin/time -v, waits for /healthz, reads the server's resident
# memory (VmRSS), posts FILE as the raw body with curl, and prints the HTTP
# status, the seconds to the answer and the answer; then the peak resident
# memory (VmHWM) and VmRSS 10 s after the answer, /healthz, and, after
# stopping the server, `stats` on the store (it must open and count whole).
#
#   go build -o /tmp/pg ./cmd/policygraph
#   python3 -c 'import sys; s=open("seeds/chengdu-2022-work-report-part1.txt","rb").read().rstrip(b"\n")+b"\n"; sys.stdout.buffer.write(s*(19*2**20//len(s)))' >/tmp/rep19.txt
#   bench/upload.sh /tmp/pg /tmp/rep19.txt
#
# EXTRA passes more flags to serve (EXTRA='--extract-budget 30s'). Needs curl.
set -eu
bin=$1 file=$2
name=${NAME:-$(basename "$file")}
PORT=${PORT:-18282}
tmp=$(mktemp -d)
spid=
trap 'kill -INT $spid 2>/dev/null; kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
db=$tmp/graph.db
rss() { awk -v k="$1:" '$1 == k { printf "%.0f MB", $2 / 1024 }' "/proc/$spid/status"; }

echo "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; file: $(stat -c %s "$file") bytes"
# shellcheck disable=SC2086
POLICYGRAPH_TOKEN=tok /usr/bin/time -v -o "$tmp/time" "$bin" serve --db "$db" --addr "127.0.0.1:$PORT" ${EXTRA:-} >"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 600); do
	curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
spid=$(pgrep -P "$pid" -x "$(basename "$bin")" || pgrep -P "$pid")
echo "serve pid $spid idle: VmRSS $(rss VmRSS), VmHWM $(rss VmHWM); $(curl -s "http://127.0.0.1:$PORT/healthz")"
curl -s -m 600 -o "$tmp/answer" -w '%{http_code} after %{time_total} s\n' -H 'Authorization: Bearer tok' \
	--data-binary @"$file" "http://127.0.0.1:$PORT/documents?name=$name" || echo "curl failed: $?"
echo "answer: $(stat -c %s "$tmp/answer" 2>/dev/null || echo no) bytes: $(head -c 400 "$tmp/answer" 2>/dev/null)"
echo "after the answer: VmHWM $(rss VmHWM), VmRSS $(rss VmRSS)"
sleep 10
echo "10 s later: VmRSS $(rss VmRSS); $(curl -s -m 30 "http://127.0.0.1:$PORT/healthz")"
kill -INT "$spid" 2>/dev/null || true
wait "$pid" || true
spid=
grep -E 'Maximum resident|Elapsed' "$tmp/time"
"$bin" stats --db "$db" 2>&1 | head -5
