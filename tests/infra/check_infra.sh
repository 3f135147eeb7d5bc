#!/bin/sh
# check_infra.sh terraform-fmt INFRA_DIR | ansible-syntax PLAYBOOK
# Fails (exit 1, one clear line) when the tool is missing: a check that cannot run is not a pass.
set -eu
need() {
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "check_infra: $1 is not on PATH; it is required to check infra/ (install it, do not skip)" >&2
        exit 1
    fi
}
case "${1:-}" in
terraform-fmt)
    need terraform
    # No ~/.terraformrc noise, no version check over the network.
    export CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null
    if ! terraform fmt -check -recursive -diff "$2"; then
        echo "check_infra: terraform fmt found unformatted files under $2 (run: terraform fmt -recursive $2)" >&2
        exit 1
    fi
    count=$(find "$2" -name '*.tf' | wc -l)
    [ "$count" -gt 0 ] || { echo "check_infra: no .tf files under $2" >&2; exit 1; }
    echo "terraform fmt: $count files formatted"
    ;;
ansible-syntax)
    need ansible-playbook
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    ANSIBLE_LOCAL_TEMP="$tmp" ANSIBLE_HOME="$tmp" ANSIBLE_NOCOLOR=1 \
        ansible-playbook --syntax-check -i localhost, "$2"
    ;;
*)
    echo "usage: check_infra.sh terraform-fmt DIR | ansible-syntax PLAYBOOK" >&2
    exit 2
    ;;
esac
