#!/usr/bin/env bash
# Saves a screenshot of the window on each panel: tests/screenshot.sh APP OUTDIR [--deploy]
# With --deploy it also shows a sandbox deploy: for the cluster and deploy panels, the app starts with
# --environment sandbox --deploy-on-start minimal, and OUTDIR/<panel>-deploying.png is taken once kubectl
# sees the first deployment, OUTDIR/<panel>-deployed.png once the app logs that the rollout finished.
# Starts a private Xvfb on a free display, starts APP once per panel (--panel X), waits until the window
# is mapped and painted, saves OUTDIR/<panel>.png, then stops the app and Xvfb. Needs xvfb, x11-utils
# (xwininfo) and imagemagick (import, compare); fonts-dejavu-core for legible text.
set -euo pipefail

app=${1:?usage: screenshot.sh APP OUTDIR}
out=${2:?usage: screenshot.sh APP OUTDIR}
mode=${3:-}
panels=(cluster deploy loadtest pods canary orders)
title="Boutique Control"

for tool in Xvfb xwininfo import compare; do
    command -v "$tool" >/dev/null || { echo "screenshot.sh: $tool is missing (apt-get install xvfb x11-utils imagemagick)" >&2; exit 1; }
done
[ -x "$app" ] || { echo "screenshot.sh: $app is not an executable" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

work=$(mktemp -d)
xvfb_pid=
app_pid=
cleanup() {
    [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Waits until a command succeeds, polling every 0.1 s, at most $1 seconds.
wait_for() {
    local limit=$1; shift
    local deadline=$((SECONDS + limit))
    until "$@"; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.1
    done
}

# Xvfb picks a free display itself and writes its number to the fd once it accepts clients.
Xvfb -displayfd 3 -screen 0 1440x900x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xvfb_pid=$!
has_display() { [ -s "$work/display" ]; }
wait_for 20 has_display || { echo "screenshot.sh: Xvfb did not start" >&2; cat "$work/xvfb.log" >&2; exit 1; }
export DISPLAY=":$(head -n1 "$work/display")"
echo "screenshot.sh: Xvfb on $DISPLAY"

window_id() { # the id of the top-level window titled $title with the app's WM_CLASS, if any
    xwininfo -root -tree 2>/dev/null | grep -F "\"$title\": (\"" | awk '{ print $1; exit }'
}
found_window() {
    wid=$(window_id)
    [ -n "$wid" ] && xwininfo -id "$wid" 2>/dev/null | grep -q 'Map State: IsViewable'
}
# Painted: two captures in a row are (nearly) identical and the image is not a single colour. A few
# thousand pixels may differ: the console's and status bar's busy bars animate while commands such as the
# Deploy panel's watches run.
painted() {
    import -window "$wid" "$work/a.png" 2>/dev/null || return 1
    import -window "$wid" "$work/b.png" 2>/dev/null || return 1
    local changed
    changed=$(compare -metric AE "$work/a.png" "$work/b.png" null: 2>&1 || true)
    [[ "$changed" =~ ^[0-9]+$ ]] && [ "$changed" -le 5000 ] || return 1
    [ "$(convert "$work/a.png" -format '%k' info:)" -gt 8 ]
}

status=0
for panel in "${panels[@]}"; do
    # A private configuration: same window size every time, the user's settings untouched.
    XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" QT_QPA_PLATFORM=xcb \
        "$app" --environment sandbox --panel "$panel" >"$work/app-$panel.log" 2>&1 &
    app_pid=$!
    wid=
    if wait_for 30 found_window && wait_for 20 painted; then
        cp "$work/a.png" "$out/$panel.png"
        echo "screenshot.sh: $out/$panel.png"
    else
        echo "screenshot.sh: no window for --panel $panel" >&2
        cat "$work/app-$panel.log" >&2
        status=1
    fi
    kill "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
    app_pid=
done

# --deploy: the cluster and deploy panels during and after a real deploy on the sandbox.
kubeconfig=
sandbox_has_deployments() {
    kubeconfig=$(find "$work/deploy-data" -name kubeconfig -path '*sandbox*' 2>/dev/null | head -n1)
    [ -n "$kubeconfig" ] && [ -n "$(kubectl --kubeconfig "$kubeconfig" get deployments -o name 2>/dev/null)" ]
}
app_logged_finish() { grep -q 'deploy finished' "$work/app-deploy-$panel.log"; }
if [ "$mode" = "--deploy" ]; then
    for panel in cluster deploy; do
        rm -rf "$work/deploy-data" "$work/deploy-config"
        XDG_CONFIG_HOME="$work/deploy-config" XDG_DATA_HOME="$work/deploy-data" QT_QPA_PLATFORM=xcb \
            QT_LOGGING_RULES="bc.ui.info=true" \
            "$app" --environment sandbox --panel "$panel" --deploy-on-start minimal \
            >"$work/app-deploy-$panel.log" 2>&1 &
        app_pid=$!
        wid=
        if wait_for 30 found_window && wait_for 60 sandbox_has_deployments && wait_for 20 painted; then
            cp "$work/a.png" "$out/$panel-deploying.png"
            echo "screenshot.sh: $out/$panel-deploying.png"
        else
            echo "screenshot.sh: no deploy seen for --panel $panel" >&2
            cat "$work/app-deploy-$panel.log" >&2
            status=1
        fi
        if wait_for 180 app_logged_finish && wait_for 20 painted; then
            cp "$work/a.png" "$out/$panel-deployed.png"
            echo "screenshot.sh: $out/$panel-deployed.png ($(grep -m1 'deploy finished' "$work/app-deploy-$panel.log"))"
        else
            echo "screenshot.sh: the deploy did not finish for --panel $panel" >&2
            tail -n 30 "$work/app-deploy-$panel.log" >&2
            status=1
        fi
        kill "$app_pid" 2>/dev/null || true
        wait "$app_pid" 2>/dev/null || true
        app_pid=
    done
fi
exit $status
