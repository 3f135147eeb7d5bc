#!/usr/bin/env bash
# Fails with file:line where a layer reaches past its boundary (STYLE.md, section 2).
set -u
root=${1:-.}
cd "$root" || exit 2
status=0
check() { # dir pattern why
    local hits
    hits=$(grep -rnE --include='*.h' --include='*.cpp' "$2" "$1" 2>/dev/null)
    if [ -n "$hits" ]; then
        printf '%s\n' "$hits" | sed "s|\$| <- $3|"
        status=1
    fi
}
check widgets '\bQProcess\b|\bQTcpSocket\b|\bQNetworkAccessManager\b|pqxx|grpc' "widgets/ must not start processes or open sockets"
check app '\bQProcess\b|\bQTcpSocket\b|\bQNetworkAccessManager\b|pqxx|grpc' "app/ only wires objects"
check backend '#include *<Qt(Widgets|Charts|Gui)|#include *<QWidget>|\bQWidget\b|QtCharts' "backend/ never uses QtWidgets"
check orderlog '#include *<Q[A-Z]' "orderlog/ has no Qt"
# widgets/ gets its backend objects from backend/session (BackendFactory, ClusterSession) and never
# news a class that backend/ defines.
backend_classes=$(grep -rhE --include='*.h' '^(class|struct) [A-Z][A-Za-z0-9]*( final)?( *:.*| *\{.*)?$' backend \
    | awk '{print $2}' | grep -v '^Q[A-Z]' | sort -u | paste -sd'|')
hits=$(grep -rnE --include='*.h' --include='*.cpp' "\bnew (${backend_classes})\b" widgets)
if [ -n "$hits" ]; then
    printf '%s\n' "$hits" | sed 's|$| <- widgets/ asks backend/session for backend objects|'
    status=1
fi
if [ $status -eq 0 ]; then echo "layering: ok"; fi
exit $status
