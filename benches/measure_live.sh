#!/usr/bin/env bash
# The live queue, measured: (a) requests per hour at the default
# refresh_secs (the whole loop on tokio's paused clock, counted by the source:
# benches/live_requests.rs); (b) idle CPU of the real release binary between
# two polls, over 10 s; (c) launch to the first frame showing the page kept
# from the last run ("cached"), the server never answering, against launch
# to the first page from a live local server without one (median of 5).
# Usage: bash benches/measure_live.sh   (needs tmux and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/triage"
session="triage-live-$$"
home=$(mktemp -d)
server_pid=""
hang_pid=""
cleanup() {
  tmux kill-session -t "$session" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$hang_pid" ] && kill "$hang_pid" 2>/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT
: > "$home/config.toml"

echo "(a) requests per hour (paused clock, whole loop):"
cargo bench --quiet --bench live_requests 2>/dev/null | sed 's/^/    /'

pane_has() { tmux capture-pane -p -t "$session" 2>/dev/null | grep -q -- "$1"; }
wait_for() { # wait_for TEXT: poll the pane until TEXT shows (deadline 60 s)
  for _ in $(seq 6000); do pane_has "$1" && return 0; sleep 0.01; done
  echo "timed out waiting for '$1'" >&2; tmux capture-pane -p -t "$session" >&2; exit 1
}
wait_gone() { while tmux has-session -t "$session" 2>/dev/null; do sleep 0.01; done; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
now_ms() { date +%s%3N; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port/api/v1"
ui="env HOME=$home XDG_STATE_HOME=$home TRIAGE_CONFIG=$home/config.toml TRIAGE_API_KEY=ixk_demo_readwrite_0123456789 $bin --base-url $url"

"$bin" serve --addr "127.0.0.1:$port" --tickets 2000 >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 500); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.02; done

# (b) Idle between polls: the first page is in, the next poll is 60 s away.
tmux new-session -d -s "$session" -x 120 -y 35 "$ui"
wait_for "page 1/"
pane=$(tmux display-message -p -t "$session" '#{pane_pid}')
pid=$pane
[ "$(cat "/proc/$pid/comm")" = triage ] || pid=$(pgrep -P "$pane" -x triage)
hz=$(getconf CLK_TCK)
before=$(ticks "$pid"); sleep 10; after=$(ticks "$pid")
idle_ms=$(( (after - before) * 1000 / hz ))
echo "(b) idle CPU between polls, over 10 s: ${idle_ms} ms of CPU time"
tmux send-keys -t "$session" q
wait_gone

# (c) Launch to the first page, live server, nothing kept (fresh state each run).
fresh=()
for _ in 1 2 3 4 5; do
  rm -f "$home"/triage/session-*.json "$home"/triage/page-*.json
  start=$(now_ms)
  tmux new-session -d -s "$session" -x 120 -y 35 "$ui"
  wait_for "page 1/"
  fresh+=($(( $(now_ms) - start )))
  tmux send-keys -t "$session" q
  wait_gone
done
# One more run leaves the page kept on disk; then the server stops answering.
tmux new-session -d -s "$session" -x 120 -y 35 "$ui"
wait_for "page 1/"
tmux send-keys -t "$session" q
wait_gone
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
python3 - "$port" <<'EOF' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64)
held = []
while True:
    held.append(s.accept())  # accepted, never answered
EOF
hang_pid=$!
for _ in $(seq 500); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.02; done
cached=()
for _ in 1 2 3 4 5; do
  start=$(now_ms)
  tmux new-session -d -s "$session" -x 120 -y 35 "$ui"
  wait_for "cached"
  cached+=($(( $(now_ms) - start )))
  tmux send-keys -t "$session" q
  wait_gone
done
median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
echo "(c) launch to the first frame with the cached page, server never answering: median $(median "${cached[@]}") ms (runs: ${cached[*]})"
echo "    launch to the first page from the live local server, nothing kept: median $(median "${fresh[@]}") ms (runs: ${fresh[*]})"
