#!/usr/bin/env bash
# Prints the figures docs/performance.md and docs/tests.md quote, so the next
# change can re-run it and correct them:
#   - peak RSS of the UI after browsing 10 000 tickets (benches/measure_tui.sh);
#   - one filtered page at 100 000 tickets over HTTP on loopback: curl with
#     keep-alive against the release `triage serve`, median of 200 requests;
#   - what `[ui] theme = "auto"` costs before the first frame: the worst of
#     five starts in a terminal that never answers (a bare pty) and in one
#     that does (tmux), as the binary logs it;
#   - with --ci-from-empty: `bash .ci/run` in a fresh clone with an empty
#     target directory (minutes of both cores: not run by default).
# Usage: bash scripts/measure_figures.sh [--ci-from-empty]
# Needs tmux and curl; builds the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/triage"
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# 1. Peak RSS after 100 pages of 100 tickets, server included.
hwm=$(bash benches/measure_tui.sh | awk '/VmHWM/ {print $2}')
echo "peak RSS after browsing 10 000 tickets (100 pages of 100, VmHWM): $(awk "BEGIN{printf \"%.1f\", $hwm/1024}") MB"

# 2. A filtered page over HTTP, as the server bench's first query.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --tickets 100000 --addr "127.0.0.1:$port" > "$work/serve.log" 2>&1 &
server=$!
key=ixk_demo_readwrite_0123456789 # the local server's demo key (src/server/mod.rs)
url="http://127.0.0.1:$port/api/v1/tickets?status=open,waiting&priority=high&sort=updated_at"
for _ in $(seq 600); do # deadline 60 s for generating and indexing
  curl -sf -o /dev/null -H "Authorization: Bearer $key" "$url" && break
  sleep 0.1
done
curl -sf -o /dev/null -H "Authorization: Bearer $key" "$url" || { echo "server did not answer" >&2; cat "$work/serve.log" >&2; exit 1; }
for _ in $(seq 220); do printf 'url = "%s"\noutput = "/dev/null"\n' "$url"; done > "$work/curl.cfg"
# One curl process: one kept-alive connection; the first 20 warm it up.
curl -s -K "$work/curl.cfg" -H "Authorization: Bearer $key" -w '%{time_total}\n' \
  | tail -n 200 | sort -n > "$work/times"
median=$(awk '{a[NR]=$1} END {printf "%.2f", (a[int((NR+1)/2)] + a[int(NR/2)+1]) / 2 * 1000}' "$work/times")
p90=$(awk '{a[NR]=$1} END {printf "%.2f", a[int(NR*0.9)] * 1000}' "$work/times")
echo "filtered page at 100 000 tickets over HTTP (status=open,waiting&priority=high, curl keep-alive): median ${median} ms, p90 ${p90} ms of 200"
kill "$server"; wait "$server" 2>/dev/null || true; server=""

# 3. Asking the terminal for its background (theme = "auto").
silent_pty() { # runs "$@" for 1.5 s in a pty that answers nothing
  python3 - "$@" <<'PY'
import os, pty, select, signal, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
end = time.time() + 1.5
while time.time() < end:
    if select.select([fd], [], [], 0.1)[0]:
        try:
            os.read(fd, 65536)
        except OSError:
            break
os.kill(pid, signal.SIGTERM)
os.waitpid(pid, 0)
PY
}
for i in 1 2 3 4 5; do
  XDG_STATE_HOME="$work/silent" XDG_CONFIG_HOME="$work/silent" COLORTERM=truecolor silent_pty "$bin" demo
  tmux new-session -d -s "triage-theme-$$" -x 100 -y 30 \
    "XDG_STATE_HOME='$work/tmux' XDG_CONFIG_HOME='$work/tmux' COLORTERM=truecolor '$bin' demo"
  for _ in $(seq 50); do grep -qs "terminal background" "$work/tmux/triage/triage.log" \
    && [ "$(grep -c "terminal background" "$work/tmux/triage/triage.log")" -ge "$i" ] && break; sleep 0.1; done
  tmux kill-session -t "triage-theme-$$" 2>/dev/null || true
done
worst() { grep -ho "asking took [0-9]* ms" "$1" | awk '{print $3}' | sort -n | tail -1; }
echo "theme = auto before the first frame, worst of 5: $(worst "$work/silent/triage/triage.log") ms when the terminal never answers, $(worst "$work/tmux/triage/triage.log") ms in tmux (answers)"

# 4. The whole CI from nothing, only when asked.
if [ "${1:-}" = "--ci-from-empty" ]; then
  git clone --quiet . "$work/clone"
  start=$(date +%s)
  (cd "$work/clone" && CARGO_TARGET_DIR="$work/target" bash .ci/run > "$work/ci.log" 2>&1) \
    || { echo ".ci/run failed; log: $work/ci.log" >&2; tail -20 "$work/ci.log" >&2; exit 1; }
  secs=$(( $(date +%s) - start ))
  echo "bash .ci/run from an empty target directory: $((secs / 60)) m $((secs % 60)) s"
fi
