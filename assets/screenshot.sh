#!/usr/bin/env bash
# Takes assets/screenshot.png: the real `triage demo`, in a real terminal
# emulator (st, or xterm), on a virtual X display (Xvfb).
#
# The program runs inside tmux, so the script can read the screen as text
# (`tmux capture-pane`) and wait for what it expects to see, with a deadline,
# instead of sleeping a fixed time; the terminal window only attaches to that
# tmux session and is what gets photographed. The demo gets a throwaway HOME
# and XDG dirs and an almost empty environment: the user's config, state,
# API keys and tmux.conf never reach the picture.
#
# Installs nothing: it names the Debian packages that are missing.
# Usage: assets/screenshot.sh [options]   (see --help)
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: assets/screenshot.sh [options]

  --out FILE          PNG to write (default: assets/screenshot.png)
  --cols N, --rows N  terminal size in cells (default: 160 x 42: the UI puts
                      the detail beside the list from 140 columns on)
  --font-size PX      font pixel size (default: 16)
  --terminal NAME     st or xterm (default: st when installed, else xterm)
  --args ARGS         more arguments for `triage demo`, e.g. "--seed 7"
  --cmd CMD           what runs in the terminal instead of `triage demo`
  --wait-for TEXT     wait until the screen shows TEXT (default: "page 1/")
  --keys KEYS         then send these tmux key names, e.g. "j j j Enter"
                      (default: "j j j Enter"; "" sends nothing)
  --wait-after TEXT   after the keys, wait until the screen shows TEXT
                      (default: only wait until the screen stops changing)
  --busy REGEX       the screen is not done while it matches this extended
                      regex (default: the UI's loading messages; "" for none)
  --timeout SECS      deadline for each wait (default: 20)
  --no-build          don't run `cargo build --release` first
  -h, --help          this text

Debian packages it needs: xvfb, stterm or xterm, tmux, imagemagick,
x11-utils, fontconfig, fonts-dejavu-core, fonts-wqy-microhei,
fonts-noto-color-emoji.
EOF
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$repo/assets/screenshot.png"
cols=160
rows=42
font_px=16
terminal=""
cmd=""
demo_args=""
wait_for="page 1/"
keys="j j j Enter"
wait_after=""
busy='loading (page|tags|conversation)|· loading'
timeout=20
build=1

while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=$2; shift 2 ;;
        --cols) cols=$2; shift 2 ;;
        --rows) rows=$2; shift 2 ;;
        --font-size) font_px=$2; shift 2 ;;
        --terminal) terminal=$2; shift 2 ;;
        --args) demo_args=$2; shift 2 ;;
        --cmd) cmd=$2; shift 2 ;;
        --wait-for) wait_for=$2; shift 2 ;;
        --keys) keys=$2; shift 2 ;;
        --wait-after) wait_after=$2; shift 2 ;;
        --busy) busy=$2; shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "screenshot.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done

say() { printf 'screenshot.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# --- tools -------------------------------------------------------------------
missing=()
need() { # need COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 || missing+=("$2")
}
need Xvfb xvfb
need tmux tmux
need import imagemagick
need xwininfo x11-utils
need fc-match fontconfig
if [ -z "$terminal" ]; then
    if command -v st >/dev/null 2>&1; then terminal=st
    elif command -v xterm >/dev/null 2>&1; then terminal=xterm
    else missing+=(stterm); fi # xterm works too (--terminal xterm)
else
    case "$terminal" in
        st) need st stterm ;;
        xterm) need xterm xterm ;;
        *) die "--terminal must be st or xterm" ;;
    esac
fi
font="DejaVu Sans Mono"
if command -v fc-match >/dev/null 2>&1; then
    fc-match "$font" family | grep -qi "dejavu sans mono" || missing+=(fonts-dejavu-core)
    # Fallbacks for what the monospace font lacks, or the picture shows empty
    # boxes: the demo's subjects in Chinese, Japanese and Korean, and the
    # UI's reminder mark (U+23F0).
    [ -n "$(fc-list ':charset=4e00 3042 ac00' family)" ] || missing+=(fonts-wqy-microhei)
    [ -n "$(fc-list ':charset=23f0' family)" ] || missing+=(fonts-noto-color-emoji)
fi
if [ ${#missing[@]} -gt 0 ]; then
    die "missing tools; install them with: apt-get install -y ${missing[*]}"
fi

# --- build -------------------------------------------------------------------
start=$SECONDS
if [ -z "$cmd" ]; then
    command -v cargo >/dev/null 2>&1 || die "cargo not found (needed to build triage)"
    if [ "$build" = 1 ]; then
        say "building (cargo build --release)"
        (cd "$repo" && cargo build --release --quiet)
    fi
    target_dir=$(cd "$repo" && cargo metadata --format-version 1 --no-deps \
        | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
    bin="$target_dir/release/triage"
    [ -x "$bin" ] || die "no binary at $bin (run without --no-build)"
    cmd="$(printf '%q' "$bin") demo${demo_args:+ $demo_args}"
fi

# --- a clean room --------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/triage-shot.XXXXXX")
xvfb_pid=""
term_pid=""
sock="$tmp/tmux.sock"
cleanup() {
    set +e # every step runs, whichever fails (e.g. a tmux server already gone)
    [ -n "$term_pid" ] && kill "$term_pid" 2>/dev/null
    [ -S "$sock" ] && tmux -S "$sock" kill-server 2>/dev/null
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$tmp/home" "$tmp/config" "$tmp/state" "$tmp/data" "$tmp/cache"
# The only environment the demo, tmux and the terminal see.
clean_env=(
    env -i
    PATH="$PATH"
    HOME="$tmp/home"
    XDG_CONFIG_HOME="$tmp/config"
    XDG_STATE_HOME="$tmp/state"
    XDG_DATA_HOME="$tmp/data"
    XDG_CACHE_HOME="$tmp/cache"
    LANG=C.UTF-8
    COLORTERM=truecolor
)

# The tmux server: no status line (the program gets every row), the window
# keeps the given size whatever the terminal does (set once the session
# exists: tmux 3.3a's server dies on `window-size manual` in its config file),
# the pane stays after the
# program exits (so a failure can be shown), and the outer terminal is told
# to take 24-bit colors as they are.
cat >"$tmp/tmux.conf" <<EOF
set -g status off
set -g default-size ${cols}x${rows}
set -g default-terminal tmux-256color
set -g escape-time 0
set -g remain-on-exit on
set -as terminal-features ',st*:RGB,xterm*:RGB'
EOF
tmx() { "${clean_env[@]}" TERM=xterm-256color tmux -u -S "$sock" -f "$tmp/tmux.conf" "$@"; }

# The pane as text, without its trailing blank lines.
screen_text() {
    tmx capture-pane -p -t shot 2>/dev/null | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# Stops with the program's last screen if it has exited. The program runs
# behind a shell that then says so and keeps the terminal open: on Linux,
# what a program writes just before it exits can be lost when the last
# holder of the pty closes it before tmux has read it.
exited_marker="[screenshot.sh: the program exited with status"
check_alive() {
    local text
    text=$(screen_text)
    if grep -qF -- "$exited_marker" <<<"$text" \
        || [ "$(tmx display-message -p -t shot '#{pane_dead}' 2>/dev/null)" = 1 ]; then
        say "the program exited; its last screen:"
        printf '%s\n' "$text" >&2
        exit 1
    fi
}

# wait_text TEXT: until the screen shows TEXT, or the deadline.
wait_text() {
    local deadline=$((SECONDS + timeout))
    while ! screen_text | grep -qF -- "$1"; do
        check_alive
        if [ $SECONDS -ge $deadline ]; then
            say "gave up after ${timeout}s waiting for \"$1\"; the screen:"
            screen_text >&2
            exit 1
        fi
        sleep 0.1
    done
}

# wait_still: until nothing on the screen says it is loading and the text
# stays the same for half a second (a spinner or a redraw has finished).
# Still loading at the deadline is an error; merely changing (a clock, a
# countdown) is taken with a warning.
wait_still() {
    local deadline=$((SECONDS + timeout)) last now same=0
    last=$(screen_text)
    while [ $same -lt 5 ]; do
        sleep 0.1
        check_alive
        now=$(screen_text)
        if [ -n "$busy" ] && grep -qE -- "$busy" <<<"$now"; then
            same=0
        elif [ "$now" = "$last" ]; then
            same=$((same + 1))
        else
            same=0
        fi
        last=$now
        if [ $SECONDS -ge $deadline ]; then
            if [ -n "$busy" ] && grep -qE -- "$busy" <<<"$now"; then
                say "gave up after ${timeout}s: the screen still matches \"$busy\":"
                printf '%s\n' "$now" >&2
                exit 1
            fi
            say "warning: the screen kept changing for ${timeout}s; taking it anyway"
            return
        fi
    done
}

say "starting: $cmd"
# shellcheck disable=SC2016 # $? and $s are for the pane's shell
run="$cmd"'; s=$?; printf "\n%s %s]\n" '"$(printf %q "$exited_marker")"' "$s"; exec sleep 600'
tmx new-session -d -s shot -x "$cols" -y "$rows" "$run" \; set -w -t shot window-size manual
wait_text "$wait_for"
wait_still
if [ -n "$keys" ]; then
    # shellcheck disable=SC2086 # one tmux key name per word
    tmx send-keys -t shot $keys
    if [ -n "$wait_after" ]; then wait_text "$wait_after"; fi
    wait_still
fi

# --- the X side ----------------------------------------------------------------
# -displayfd: Xvfb picks a free display number and writes it once it accepts
# clients, so there is neither a fixed :99 that may be taken nor a race.
# The screen is larger than any sane terminal of the given size.
exec 3>"$tmp/display"
Xvfb -displayfd 3 -screen 0 "$((cols * font_px))x$((rows * font_px * 3))x24" \
    -nolisten tcp -noreset >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
exec 3>&-
deadline=$((SECONDS + timeout))
until [ -s "$tmp/display" ]; do
    kill -0 "$xvfb_pid" 2>/dev/null || { cat "$tmp/xvfb.log" >&2; die "Xvfb did not start"; }
    [ $SECONDS -lt $deadline ] || die "Xvfb did not come up in ${timeout}s"
    sleep 0.05
done
display=":$(head -n1 "$tmp/display")"

title="triage-screenshot-$$"
attach="tmux -u -S $(printf '%q' "$sock") attach -t shot"
case "$terminal" in
    st)
        "${clean_env[@]}" DISPLAY="$display" st -t "$title" -g "${cols}x${rows}+0+0" \
            -f "$font:pixelsize=$font_px:antialias=true:autohint=false" \
            -e sh -c "$attach" >"$tmp/term.log" 2>&1 &
        ;;
    xterm)
        # directColor: 24-bit SGR colors as they are, not the nearest of 256.
        "${clean_env[@]}" DISPLAY="$display" xterm -T "$title" -geometry "${cols}x${rows}+0+0" \
            -fa "$font" -fs "$((font_px * 3 / 4))" -bg black -fg gray90 -b 2 -bw 0 +sb \
            -xrm 'XTerm*directColor: true' -tn xterm-256color \
            -e sh -c "$attach" >"$tmp/term.log" 2>&1 &
        ;;
esac
term_pid=$!

# The window, once mapped.
win=""
until [ -n "$win" ]; do
    kill -0 "$term_pid" 2>/dev/null || { cat "$tmp/term.log" >&2; die "$terminal exited"; }
    [ $SECONDS -lt $deadline ] || die "no $terminal window after ${timeout}s"
    win=$(DISPLAY="$display" xwininfo -name "$title" 2>/dev/null \
        | awk '/Window id:/ {print $4}; /Map State:/ && $3 != "IsViewable" {exit 1}') || win=""
    [ -n "$win" ] || sleep 0.05
done
# tmux then redraws the whole screen for its new client.
until [ -n "$(tmx list-clients -t shot 2>/dev/null)" ]; do
    [ $SECONDS -lt $deadline ] || die "$terminal never attached to tmux in ${timeout}s"
    sleep 0.05
done

# The terminal draws asynchronously: photograph until two pictures in a row
# are the same and not blank.
shoot() { DISPLAY="$display" import -silent -window "$win" "$1"; }
deadline=$((SECONDS + timeout))
shoot "$tmp/a.png"
while :; do
    sleep 0.2
    shoot "$tmp/b.png"
    if cmp -s <(convert "$tmp/a.png" rgb:-) <(convert "$tmp/b.png" rgb:-) \
        && [ "$(convert "$tmp/b.png" -format '%k' info:)" -gt 2 ]; then
        break
    fi
    mv "$tmp/b.png" "$tmp/a.png"
    [ $SECONDS -lt $deadline ] || die "the terminal window never settled in ${timeout}s"
done

# No timestamps in the file, so rerunning on the same screen changes nothing.
mkdir -p "$(dirname "$out")"
convert "$tmp/b.png" -strip -define png:exclude-chunks=date,time "$out"
size=$(convert "$out" -format '%wx%h' info:)
say "wrote $out ($size px, $terminal, ${cols}x${rows} cells) in $((SECONDS - start))s"
