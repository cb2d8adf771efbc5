#!/usr/bin/env bash
# Takes the README's dark and light screenshots as SVG, with nothing but
# tmux and python3: the real `triage demo` runs in a detached tmux pane (its
# own socket, no tmux.conf, a throwaway HOME), the script waits for what it
# expects on screen with a deadline (no fixed sleeps), reads the pane with
# its colors (`tmux capture-pane -e`) and assets/ansi2svg.py draws the cells.
# The light one sets the pane's background to white (tmux answers the UI's
# OSC 11 question from it) and the config's theme to "light".
#
# Usage: assets/screenshot-svg.sh [--no-build] [--cols N] [--rows N]
#   writes assets/screenshot-dark.svg and assets/screenshot-light.svg
set -euo pipefail

cd "$(dirname "$0")/.."
cols=140 rows=36 build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) build=0 ;;
        --cols) cols=$2; shift ;;
        --rows) rows=$2; shift ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
for tool in tmux python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done
[ "$build" = 1 ] && cargo build --quiet
bin="$PWD/target/debug/triage"

work=$(mktemp -d)
socket="triage-shot-$$"
cleanup() { tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# Waits until the pane shows $2 (a fixed string), for 20 s at most.
wait_for() {
    local deadline=$((SECONDS + 20))
    until tmux -L "$socket" capture-pane -p -t "$1" | grep -qF -- "$2"; do
        [ $SECONDS -lt $deadline ] || { echo "timed out waiting for '$2'" >&2; \
            tmux -L "$socket" capture-pane -p -t "$1" >&2; exit 1; }
        sleep 0.1
    done
}

# Waits until two captures 0.3 s apart are the same (nothing loading).
wait_still() {
    local before="" now deadline=$((SECONDS + 20))
    while now=$(tmux -L "$socket" capture-pane -p -e -t "$1"); [ "$now" != "$before" ]; do
        [ $SECONDS -lt $deadline ] || break
        before=$now
        sleep 0.3
    done
}

shot() { # name theme pane-bg fg
    local name=$1 theme=$2 bg=$3 fg=$4 home="$work/$1"
    mkdir -p "$home"
    cat > "$home/config.toml" <<EOF
[ui]
theme = "$theme"

[[views]]
name = "Open"
filter = "status:open"

[[views]]
name = "Waiting"
filter = "status:waiting"
EOF
    tmux -L "$socket" -f /dev/null new-session -d -s "$name" -x "$cols" -y "$rows" \
        env -i HOME="$home" XDG_CONFIG_HOME="$home" XDG_STATE_HOME="$home" \
        TERM=xterm-256color COLORTERM=truecolor LANG=C.UTF-8 \
        "$bin" demo --config "$home/config.toml"
    tmux -L "$socket" set -t "$name" window-style "bg=$bg,fg=$fg"
    wait_for "$name" "page 1/"
    for key in j Space j j Space j Enter; do
        tmux -L "$socket" send-keys -t "$name" "$key"
    done
    wait_for "$name" "2 marked"
    wait_still "$name"
    tmux -L "$socket" capture-pane -p -e -t "$name" |
        python3 assets/ansi2svg.py --cols "$cols" --rows "$rows" --fg "$fg" --bg "$bg" \
            --title "triage demo, $theme theme" > "assets/screenshot-$name.svg"
    tmux -L "$socket" send-keys -t "$name" q
    # The demo writes its state as it quits: gone before its HOME is.
    local deadline=$((SECONDS + 20))
    while tmux -L "$socket" has-session -t "$name" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || break
        sleep 0.1
    done
    echo "wrote assets/screenshot-$name.svg"
}

shot dark dark '#1e1e1e' '#d4d4d4'
shot light light '#ffffff' '#1f2328'
