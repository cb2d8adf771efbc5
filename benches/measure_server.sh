#!/usr/bin/env bash
# Measures the real `triage serve` binary: peak memory (VmHWM) once it is
# ready with N generated tickets, and the CPU one long search query costs.
# Usage: bash benches/measure_server.sh [TICKETS]   (default 100000; builds
# the release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
tickets="${1:-100000}"
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/triage"
out=$(mktemp)
query_file=$(mktemp)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -f "$out" "$query_file"' EXIT

started=$(date +%s.%N)
"$bin" serve --tickets "$tickets" --addr 127.0.0.1:0 >"$out" 2>/dev/null &
pid=$!
for _ in $(seq 600); do
  grep -q "listening on" "$out" && break
  kill -0 "$pid" 2>/dev/null || { echo "the server exited" >&2; exit 1; }
  sleep 0.1
done
grep -q "listening on" "$out" || { echo "timed out waiting for the server" >&2; exit 1; }
ready=$(date +%s.%N)
base=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$out")
echo "$tickets tickets: ready after $(awk "BEGIN{printf \"%.1f\", $ready - $started}") s"
grep -E 'VmHWM|VmRSS' "/proc/$pid/status"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
# 64 KB of `a-a-a-…` (one word of 32 000 stop-word parts), near the longest
# URI hyper accepts (64 KiB; longer is a 414 before the server sees it).
# (From a file: one argument that long is more than exec allows.)
head -c 32000 /dev/zero | tr '\0' 'a' | sed 's/a/a-/g' | tr -d '\n' >"$query_file"
before=$(ticks "$pid")
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ixk_demo_readwrite_0123456789" \
  --get --data-urlencode "query@$query_file" "$base/tickets")
after=$(ticks "$pid")
echo "64 KB query: HTTP $status, $(( (after - before) * 1000 / hz )) ms of server CPU"
