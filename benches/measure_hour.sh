#!/usr/bin/env bash
# One hour of the release binary against a live local server: `triage serve
# --new-every 5` (a new ticket every 5 s, a contact's reply halfway between),
# the UI in tmux with the default polling. Prints the UI's RSS (from
# /proc/PID/status, VmRSS) once the first page is drawn, every 5 minutes,
# and at the end, with the server's ticket count, then quits the UI with q.
# Usage: bash benches/measure_hour.sh [SECONDS]   (default 3600; TRIAGE_BIN
# to use a binary already built; needs tmux and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-3600}"
if [ -z "${TRIAGE_BIN:-}" ]; then
  cargo build --release --quiet
fi
bin="${TRIAGE_BIN:-${CARGO_TARGET_DIR:-target}/release/triage}"
session="triage-hour-$$"
home=$(mktemp -d)
server_pid=""
cleanup() {
  tmux kill-session -t "$session" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT
: > "$home/config.toml"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port/api/v1"
"$bin" serve --addr "127.0.0.1:$port" --new-every 5 >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 500); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.02; done
tmux new-session -d -s "$session" -x 120 -y 35 \
  "env HOME=$home XDG_STATE_HOME=$home TRIAGE_CONFIG=$home/config.toml TRIAGE_API_KEY=ixk_demo_readwrite_0123456789 $bin --base-url $url"
for _ in $(seq 6000); do tmux capture-pane -p -t "$session" | grep -q "page 1/" && break; sleep 0.01; done
pane=$(tmux display-message -p -t "$session" '#{pane_pid}')
pid=$pane
[ "$(cat "/proc/$pid/comm")" = triage ] || pid=$(pgrep -P "$pane" -x triage)
rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
total() { curl -s -H "Authorization: Bearer ixk_demo_readwrite_0123456789" "$url/tickets?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["meta"]["total"])'; }
start=$(date +%s)
echo "t=0s rss_kb=$(rss) tickets=$(total)"
while :; do
  now=$(date +%s)
  left=$(( start + duration - now ))
  [ "$left" -le 0 ] && break
  sleep $(( left < 300 ? left : 300 ))
  echo "t=$(( $(date +%s) - start ))s rss_kb=$(rss) tickets=$(total)"
done
tmux send-keys -t "$session" q
