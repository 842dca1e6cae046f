#!/bin/bash
# Make doc/screenshot.png: the real client in a real xterm under Xvfb, talking to the
# real server, with a few scripted users. Needs (Debian): xvfb xterm imagemagick tmux
# fonts-dejavu-core fonts-droid-fallback (CJK glyphs).
#
#   tools/screenshot.sh [BUILD_DIR] [OUTPUT.png]
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
out=${2:-$src/doc/screenshot.png}
bin=$build/tcpchat
work=$(mktemp -d)
sock=tcpchat-shot-$$
pids=()

cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	tmux -L "$sock" -f "$work/tmux.conf" kill-server 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# Poll until a command succeeds, for at most $1 seconds.
wait_for() {
	local deadline=$((SECONDS + $1)); shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || { echo "screenshot: timed out: $*" >&2; exit 1; }
		sleep 0.1
	done
}

"$bin" serve -p 0 > "$work/server.out" 2>/dev/null &
pids+=($!)
wait_for 10 grep -q "Listening" "$work/server.out"
port=$(sed -n 's/^Listening on the port :\([0-9]*\)$/\1/p' "$work/server.out")

# The other people in the room: speak the client dialect over plain sockets.
cat > "$work/cast.py" <<'PY'
import os, socket, sys, time
port, work = int(sys.argv[1]), sys.argv[2]
def join(name):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"/TCPCHAT 1\n" + name.encode() + b"\n")
    return s
def say(s, text):
    s.sendall(text.encode() + b"\n")
    time.sleep(0.15)
bob = join("bob"); time.sleep(0.2)
say(bob, "morning all! anyone tried the new build?")
jl = join("Jean-Luc"); time.sleep(0.2)
say(jl, "yes, runs fine here. the reconnect is nice: I restarted the server and it came back by itself")
say(bob, "and no more prompt noise from nc")
open(os.path.join(work, "history-done"), "w").close()
while not os.path.exists(os.path.join(work, "go")):
    time.sleep(0.05)
time.sleep(0.3)
mei = join("李梅"); time.sleep(0.3)
say(mei, "你好! 宽字符也能正确换行 ✓")
say(jl, "Ça marche très bien, même avec les accents")
say(bob, "/msg alice lunch at 12:30?")
say(bob, "/name bobby")
open(os.path.join(work, "live-done"), "w").close()
time.sleep(3600)
PY
python3 "$work/cast.py" "$port" "$work" &
pids+=($!)
wait_for 10 test -e "$work/history-done"

printf 'set -g status off\nset -g default-terminal xterm-256color\n' > "$work/tmux.conf"
tm() { tmux -L "$sock" -f "$work/tmux.conf" "$@"; }
mkdir -p "$work/state"
tm new-session -d -x 96 -y 26 -s shot \
	"env XDG_STATE_HOME=$work/state TERM=xterm-256color LANG=C.UTF-8 $bin connect 127.0.0.1 $port -n alice"
wait_for 10 sh -c "tmux -L $sock -f $work/tmux.conf capture-pane -p -t shot | grep -q 'You are alice'"
tm send-keys -t shot -l "hi everyone, just joined"
tm send-keys -t shot Enter
touch "$work/go"
wait_for 10 test -e "$work/live-done"
wait_for 10 sh -c "tmux -L $sock -f $work/tmux.conf capture-pane -p -t shot | grep -q 'now known as bobby'"
tm send-keys -t shot -l "sure, see you at 12:30 → usual place"

display=:$((90 + $$ % 9))
Xvfb "$display" -screen 0 1200x800x24 -nolisten tcp > /dev/null 2>&1 &
pids+=($!)
wait_for 10 xdpyinfo -display "$display" > /dev/null 2>&1 || wait_for 10 test -e "/tmp/.X11-unix/X${display#:}"
DISPLAY=$display xterm -geometry 96x26+0+0 -fa "DejaVu Sans Mono" -fs 12 -bg "#1d1f21" -fg "#d8d8d8" \
	-bc -xrm "XTerm*cursorColor: #d8d8d8" -xrm "XTerm*renderFont: true" \
	-e sh -c "echo \$WINDOWID > $work/winid; exec tmux -L $sock -f $work/tmux.conf attach -t shot" &
pids+=($!)
wait_for 10 test -s "$work/winid"
wait_for 10 sh -c "tmux -L $sock -f $work/tmux.conf list-clients | grep -q ."
sleep 1   # let xterm paint the attached screen; nothing to poll for inside the X server
import -display "$display" -window "$(cat "$work/winid")" "$out"
echo "wrote $out"
