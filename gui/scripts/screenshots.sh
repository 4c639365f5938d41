#!/usr/bin/env bash
# Starts the real schedlab window under Xvfb with --demo: it generates a DAG,
# runs three schedulers in the background, then saves screenshots of the DAG,
# Gantt and results views and quits. A screenshot of the whole X screen taken
# by ImageMagick's `import` while the window is up is saved as well.
#
# Needs: xvfb (xvfb-run), imagemagick (import), xdotool; Mesa for software rendering.
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

# xvfb-run occasionally hands over a display before the server accepts
# connections; try up to three times.
for attempt in 1 2 3; do
    rm -f "$out/dag.png" "$out/gantt.png" "$out/results.png"
    xvfb-run -a -s "-screen 0 1280x800x24" sh -c '
        "$0" --demo "$1" &
        app=$!
        for _ in $(seq 1 100); do
            if xdotool search --name "^schedlab$" >/dev/null 2>&1; then break; fi
            sleep 0.2
        done
        sleep 2
        import -window root "$1/screen.png" || echo "import failed" >&2
        wait "$app"
    ' "$bin" "$out" && test -s "$out/results.png" && break
    echo "attempt $attempt failed, retrying" >&2
done

for f in dag gantt results; do
    test -s "$out/$f.png" || { echo "missing $out/$f.png" >&2; exit 1; }
done
echo "screenshots in $out: dag.png gantt.png results.png screen.png"
