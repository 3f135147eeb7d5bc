#!/usr/bin/env bash
# Issue 15 point 9: the installed package is whole. `cmake --install` into a scratch prefix, then the
# CLI journey from the installed binaries only, run from an empty folder with no BC_* variable set:
# every data path resolves under the prefix (`tools --paths`), then sandbox start, deploy (the
# installed manifests), load run on the cluster's shop (the installed locustfile, real Locust), canary
# set, a storefront checkout and orders list (the sandbox's PostgreSQL through orderlog-server).
# Usage: install_journey.sh BUILD_DIR
set -euo pipefail

build_dir=$1
work=$(mktemp -d /tmp/bc-install-journey.XXXXXX)
chmod 755 "$work" # as root, the sandbox's PostgreSQL runs as postgres and must enter its state folder
prefix=$work/prefix
state=$work/sandbox
bc=$prefix/bin/boutique-control

fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
cleanup() {
    [ -x "$bc" ] && "$bc" sandbox stop --state-dir "$state" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log"; fail "cmake --install failed"; }

# Nothing from the build or the source tree: a clean environment and an empty working folder.
for v in $(env | sed -n 's/^\(BC_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
mkdir -p "$work/elsewhere" "$work/home"
cd "$work/elsewhere"
export HOME=$work/home XDG_DATA_HOME=$work/home/data XDG_CONFIG_HOME=$work/home/config
unset KUBECONFIG

share=$prefix/share/boutique-control
for f in bin/boutique-sandbox bin/orderlog-server bin/orderlog-cli \
    share/boutique-control/manifests/minimal.yaml share/boutique-control/manifests/postgres/cluster.yaml \
    share/boutique-control/infra/locust/locustfile.py share/boutique-control/infra/locust/version_fix.py \
    share/boutique-control/infra/k3s/terraform/main.tf share/boutique-control/infra/k3s/ansible/playbook.yml \
    share/boutique-control/infra/loadgen/terraform/main.tf share/boutique-control/infra/loadgen/ansible/site.yml; do
    [ -e "$prefix/$f" ] || fail "not installed: $f"
done
[ ! -e "$share/infra/sandbox" ] || fail "the sandbox's C++ sources were installed"

paths=$("$bc" tools --paths)
echo "$paths"
[ "$(echo "$paths" | wc -l)" -ge 5 ] || fail "tools --paths printed too little"
while read -r what path; do
    case "$path" in "$prefix"/*) ;; *) fail "$what resolves to $path, outside $prefix" ;; esac
done <<<"$paths"

"$bc" sandbox start --state-dir "$state" --pod-start-delay 1 --time-scale 0.25 >"$work/start.txt" \
    || { cat "$work/start.txt"; fail "sandbox start"; }
kube=(--kubeconfig "$state/kubeconfig" --context boutique-sandbox)

m=$share/manifests
"$bc" deploy -f "$m/minimal.yaml" -f "$m/orderlog.yaml" -f "$m/productcatalogservice-v2.yaml" --wait \
    --timeout 120 "${kube[@]}" >"$work/deploy.txt" || { cat "$work/deploy.txt"; fail "deploy"; }
url=$(tail -n 1 "$work/deploy.txt" | sed -n 's|^storefront: \(http://127\..*\)$|\1|p')
[ -n "$url" ] || fail "deploy did not end with the storefront's address: $(tail -n 1 "$work/deploy.txt")"

"$bc" load run --users 4 --spawn-rate 4 --time 8s --workers 1 --out "$work/run" "${kube[@]}" >"$work/load.txt" 2>&1 \
    || { cat "$work/load.txt"; fail "load run"; }
grep -qF "Target: $url (Service frontend-external)" "$work/load.txt" || fail "load run did not aim at $url"
grep -qE '^Done: [1-9][0-9]* requests' "$work/load.txt" || { cat "$work/load.txt"; fail "load run sent no request"; }

"$bc" canary set 50 --budget 2 --wait "${kube[@]}" >"$work/canary.txt" 2>&1 || { cat "$work/canary.txt"; fail "canary set"; }
ready=$(kubectl "${kube[@]}" get deployment productcatalogservice-v2 -o 'jsonpath={.status.readyReplicas}')
[ "$ready" = 1 ] || fail "canary set 50 --budget 2: productcatalogservice-v2 has ${ready:-0} ready pods, not 1"

jar=$work/cookies
curl -sf -c "$jar" -b "$jar" -o /dev/null --max-time 15 -d product_id=OLJCESPC7Z -d quantity=2 "$url/cart" \
    || fail "add to cart"
order=$(curl -sf -c "$jar" -b "$jar" --max-time 15 -d email=installed@example.com \
    -d street_address=1600+Amphitheatre+Parkway -d zip_code=94043 -d city=Mountain+View -d state=CA \
    -d country=United+States -d credit_card_number=4432-8015-6152-0454 -d credit_card_expiration_month=1 \
    -d credit_card_expiration_year=2039 -d credit_card_cvv=672 "$url/cart/checkout" \
    | sed -n 's/.*order-id">\([0-9a-f-]\{36\}\)<.*/\1/p' | head -n 1)
[ -n "$order" ] || fail "the checkout returned no order id"

db=$(sed -n "s/^orders: boutique-control orders list --db '\([^']*\)'.*/\1/p" "$work/start.txt")
pwfile=$(sed -n 's/^orders: .* --password-file \(.*\)$/\1/p' "$work/start.txt")
[ -n "$db" ] && [ -n "$pwfile" ] || fail "sandbox start printed no orders line"
listed=""
for _ in $(seq 1 20); do
    listed=$("$bc" orders list --db "$db" --password-file "$pwfile" --filter "order=$order") || fail "orders list"
    grep -q "$order" <<<"$listed" && break
    sleep 0.5
done
grep -q "installed@example.com" <<<"$listed" || fail "orders list does not show order $order: $listed"

"$bc" sandbox stop --state-dir "$state" >/dev/null || fail "sandbox stop"
echo "installed journey passed: $url, order $order"
