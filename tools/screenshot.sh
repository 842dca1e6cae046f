#!/bin/bash
# Make doc/screenshot.png: the real client in a real xterm under Xvfb, talking to the
# real server over TLS (a pinned self-signed certificate), with a few scripted users in
# three rooms. The scene: the nick pane (112 columns), a line that names alice
# highlighted, activity in the other windows and a private one ([Act: 2,3!,4!]), and
# "N here, M online". Not part of CI. Needs (Debian): xvfb xterm x11-utils imagemagick
# tmux fonts-dejavu-core fonts-droid-fallback (CJK glyphs).
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

# Poll until a command succeeds, for at most $1 seconds (then show the client's screen).
wait_for() {
	local deadline=$((SECONDS + $1)); shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || { echo "screenshot: timed out: $*" >&2; tm capture-pane -p -t shot >&2 2>/dev/null; exit 1; }
		sleep 0.1
	done
}

# A server with TLS on free ports; the client pins its self-signed certificate.
"$bin" serve -p 0 --tls --tls-port 0 --state-dir "$work/server-state" > "$work/server.out" 2>/dev/null &
pids+=($!)
wait_for 10 grep -q "Fingerprint=" "$work/server.out"
port=$(sed -n 's/^Listening on the port :\([0-9]*\)$/\1/p' "$work/server.out")
tls_port=$(sed -n 's/^Listening for TLS on the port :\([0-9]*\)$/\1/p' "$work/server.out")
fp=$(sed -n 's/^sha256 Fingerprint=//p' "$work/server.out")

# The other people: speak the client dialect (version 2: several rooms) over plain
# sockets. History first, then, once the client is up, lines in every window.
cat > "$work/cast.py" <<'PY'
import os, socket, sys, time
port, work = int(sys.argv[1]), sys.argv[2]
def join(name, *rooms):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"/TCPCHAT 2\n" + name.encode() + b"\n")
    for r in rooms:
        s.sendall(("/join %s\n" % r).encode())
    time.sleep(0.2)
    return s
def say(s, text, room=None):
    line = text if room is None else "/say %s %s" % (room, text)
    s.sendall(line.encode() + b"\n")
    time.sleep(0.15)
def flag(name):
    open(os.path.join(work, name), "w").close()
bob = join("bob", "dev")
jl = join("Jean-Luc")
mei = join("李梅", "dev")
carol = join("carol", "ops")
dave = join("dave", "dev"); say(dave, "/part lobby")      # elsewhere: online, not here
eve = join("eve", "ops"); say(eve, "/part lobby")
say(bob, "morning all! anyone tried the new build?", "lobby")
say(jl, "yes, runs fine here. the reconnect is nice: I restarted the server and it came back by itself")
say(bob, "and no more prompt noise from nc", "lobby")
say(mei, "the TLS pin works too: --tls-fingerprint and no questions asked", "dev")
flag("history-done")
while not os.path.exists(os.path.join(work, "go")):
    time.sleep(0.05)
time.sleep(0.5)
say(mei, "你好! 宽字符也能正确换行 ✓", "lobby")
say(jl, "Ça marche très bien, même avec les accents")
say(bob, "alice: lunch at 12:30? the usual place", "lobby")
say(bob, "pushed the fix for the slow readers, CI is green", "dev")
say(mei, "nice, reviewing it now", "dev")
say(carol, "alice: can you look at the deploy before 14:00?", "ops")
say(bob, "/msg alice and bring the cards, we need a fourth player")
flag("live-done")
time.sleep(3600)
PY
python3 "$work/cast.py" "$port" "$work" &
pids+=($!)
wait_for 10 test -e "$work/history-done"

cols=112 rows=22
printf 'set -g status off\nset -g default-terminal xterm-256color\n' > "$work/tmux.conf"
tm() { tmux -L "$sock" -f "$work/tmux.conf" "$@"; }
shows() { tmux -L "$sock" -f "$work/tmux.conf" capture-pane -p -t shot | grep -q "$1"; }
mkdir -p "$work/state"
tm new-session -d -x $cols -y $rows -s shot \
	"env XDG_STATE_HOME=$work/state TERM=xterm-256color LANG=C.UTF-8 $bin connect 127.0.0.1:$tls_port --tls-fingerprint $fp -n alice --join lobby,dev,ops"
wait_for 10 shows '1:#lobby | alice'
tm send-keys -t shot -l "hi everyone, just joined"
tm send-keys -t shot Enter
touch "$work/go"
wait_for 10 test -e "$work/live-done"
wait_for 10 shows 'Act: 2,3!,4!'
wait_for 10 shows ' online'
tm send-keys -t shot -l "sure, see you at 12:30 → usual place"

display=:$((90 + $$ % 9))
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp > /dev/null 2>&1 &
pids+=($!)
wait_for 10 xdpyinfo -display "$display" > /dev/null 2>&1 || wait_for 10 test -e "/tmp/.X11-unix/X${display#:}"
DISPLAY=$display xterm -geometry ${cols}x${rows}+0+0 -fa "DejaVu Sans Mono" -fs 12 -bg "#1d1f21" -fg "#d8d8d8" \
	-bc -xrm "XTerm*cursorColor: #d8d8d8" -xrm "XTerm*renderFont: true" \
	-e sh -c "echo \$WINDOWID > $work/winid; exec tmux -L $sock -f $work/tmux.conf attach -t shot" &
pids+=($!)
wait_for 10 test -s "$work/winid"
wait_for 10 sh -c "tmux -L $sock -f $work/tmux.conf list-clients | grep -q ."
sleep 1   # let xterm paint the attached screen; nothing to poll for inside the X server
import -display "$display" -window "$(cat "$work/winid")" "$out"
echo "wrote $out"
