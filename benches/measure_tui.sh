#!/usr/bin/env bash
# Measures the real binary as a user runs it: idle CPU of the interactive UI
# over 10 s, and peak memory after browsing 10 000 tickets page by page.
# Usage: bash benches/measure_tui.sh   (needs tmux; builds the release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/triage"
session="triage-measure-$$"
home=$(mktemp -d)
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$home"' EXIT
: > "$home/config.toml"

wait_for() { # wait_for TEXT: poll the pane until TEXT shows (deadline 60 s)
  for _ in $(seq 600); do
    tmux capture-pane -p -t "$session" | grep -q -- "$1" && return 0
    sleep 0.1
  done
  echo "timed out waiting for '$1'" >&2; tmux capture-pane -p -t "$session" >&2; exit 1
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

tmux new-session -d -s "$session" -x 120 -y 35 \
  "env HOME=$home XDG_STATE_HOME=$home TRIAGE_CONFIG=$home/config.toml COLORTERM=truecolor $bin demo --tickets 10000 --per-page 100"
wait_for "page 1/"
# The pane's process is the shell tmux started, or triage itself when the
# shell exec'd it; take the process whose name is triage.
pane=$(tmux display-message -p -t "$session" '#{pane_pid}')
pid=$pane
[ "$(cat "/proc/$pid/comm")" = triage ] || pid=$(pgrep -P "$pane" -x triage)
[ "$(cat "/proc/$pid/comm")" = triage ] || { echo "cannot find the triage process" >&2; exit 1; }
hz=$(getconf CLK_TCK)

before=$(ticks "$pid"); sleep 10; after=$(ticks "$pid")
idle_ms=$(( (after - before) * 1000 / hz ))
echo "idle CPU over 10 s: ${idle_ms} ms of CPU time ($(awk "BEGIN{printf \"%.2f\", $idle_ms/100}")% of one core)"

for page in $(seq 2 100); do
  tmux send-keys -t "$session" ']'
  wait_for "page $page/"
done
echo "browsed 100 pages of 100 tickets"
grep -E 'VmHWM|VmRSS' "/proc/$pid/status"
tmux send-keys -t "$session" q
