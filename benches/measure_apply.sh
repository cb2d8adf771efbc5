#!/usr/bin/env bash
# `triage apply` four in flight, measured: a note-only macro over 125 tickets
# of the local server at 20 ms latency per response (`serve --latency-ms 20`),
# against the floor of four in flight (ceil(125/4) rounds of 20 ms = 0.64 s;
# the catalog, the two pages read first and the process start come on top).
# Median of 5 runs, each on a fresh server.
# Usage: bash benches/measure_apply.sh   (TRIAGE_BIN to skip the build)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${TRIAGE_BIN:-}" ]; then
  cargo build --release --quiet
fi
bin="${TRIAGE_BIN:-${CARGO_TARGET_DIR:-target}/release/triage}"
home=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT
cat > "$home/config.toml" <<'TOML'
[[macros]]
name = "Seen"
actions = 'note:"Seen by the script"'
TOML
times=()
for _ in 1 2 3 4 5; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$bin" serve --addr "127.0.0.1:$port" --tickets 125 --latency-ms 20 >/dev/null 2>&1 &
  server_pid=$!
  for _ in $(seq 500); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.02; done
  start=$(date +%s%N)
  env -i HOME="$home" XDG_STATE_HOME="$home" TRIAGE_CONFIG="$home/config.toml" \
    TRIAGE_API_KEY=ixk_demo_readwrite_0123456789 \
    "$bin" apply Seen --all-tickets --filter sort:created --base-url "http://127.0.0.1:$port/api/v1" >/dev/null 2>&1
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | sed -n 3p)
echo "apply, 125 notes at 20 ms latency: median ${median} ms (runs: $(echo $sorted | tr '\n' ' '))"
echo "floor of four in flight: 640 ms; ratio $(python3 -c "print(round($median/640, 2))")x"
