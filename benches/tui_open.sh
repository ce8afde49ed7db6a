#!/usr/bin/env bash
# Opens the demo in a real terminal (tmux) several times and reports, from the app's own
# timings (KITEMARK_TIMINGS): time to the first drawn frame, time to the first frame with the
# repository's data, and the slowest time from a key arriving to the frame that shows it.
# Usage: benches/tui_open.sh [runs]   (needs tmux and python3)
set -euo pipefail
runs=${1:-10}
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/kitemark
work=$(mktemp -d)
socket=kitemark-bench-$$
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin" demo --dir "$work/demo" --no-open --on 2026-11-22 >/dev/null

wait_for() { # text
    for _ in $(seq 1 400); do
        tmux -L "$socket" capture-pane -p -t bench 2>/dev/null | grep -qF "$1" && return 0
        sleep 0.025
    done
    echo "timed out waiting for $1" >&2
    return 1
}

for i in $(seq 1 "$runs"); do
    tmux -L "$socket" -f /dev/null new-session -d -s bench -x 160 -y 48 \
        "KITEMARK_TIMINGS=$work/run-$i.json $bin --repo $work/demo open --on 2026-11-22; sleep 30"
    wait_for "Agenda of the meeting"
    # Keys a chair would press: move, open a submission, help, back, schools, agenda.
    for key in j j Enter Tab j j '?' Escape Escape 2 j 1; do
        tmux -L "$socket" send-keys -t bench "$key"
        sleep 0.05
    done
    tmux -L "$socket" send-keys -t bench q
    for _ in $(seq 1 200); do [ -s "$work/run-$i.json" ] && break; sleep 0.025; done
    tmux -L "$socket" kill-session -t bench
done

python3 - "$work" "$runs" <<'PY'
import json, statistics, sys, pathlib
work, runs = pathlib.Path(sys.argv[1]), int(sys.argv[2])
rows = [json.loads((work / f"run-{i}.json").read_text()) for i in range(1, runs + 1)]
def show(name, key):
    values = [r[key] for r in rows if r.get(key) is not None]
    print(f"{name:<34} median {statistics.median(values):7.1f} ms   max {max(values):7.1f} ms")
print(f"{runs} runs, demo repository, 160x48")
show("first frame", "first_frame_ms")
show("first frame with data", "data_frame_ms")
show("slowest key-to-frame", "max_event_to_frame_ms")
PY
