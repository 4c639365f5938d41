#!/usr/bin/env bash
# Starts the real schedlab window under Xvfb with --demo: it generates a DAG,
# runs three schedulers in the background, then saves screenshots of the DAG,
# Gantt and results views (read back from the window), runs a job stream of
# such DAGs and saves its stream view, and quits.
#
# Needs: xvfb (xvfb-run) and Mesa (llvmpipe) for software OpenGL.
# Usage: gui/scripts/screenshots.sh [OUT_DIR]   (default: target/gui-screenshots)
set -euo pipefail
cd "$(dirname "$0")/../.."

out="${1:-target/gui-screenshots}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

cargo build -p gui --bin schedlab-gui
bin="${CARGO_TARGET_DIR:-target}/debug/schedlab-gui"

runtime="$(mktemp -d)"
chmod 700 "$runtime"
export XDG_RUNTIME_DIR="$runtime"

# The app saves the screenshots itself from the window's framebuffer
# (`--demo`), so no X screen grabber is needed. xvfb-run occasionally hands
# over a display before the server accepts connections; try up to three times.
for attempt in 1 2 3; do
    rm -f "$out/dag.png" "$out/gantt.png" "$out/results.png" "$out/stream.png"
    xvfb-run -a -s "-screen 0 1280x800x24" "$bin" --demo "$out" && test -s "$out/stream.png" && break
    echo "attempt $attempt failed, retrying" >&2
done

for f in dag gantt results stream; do
    test -s "$out/$f.png" || { echo "missing $out/$f.png" >&2; exit 1; }
done
echo "screenshots in $out: dag.png gantt.png results.png stream.png"
