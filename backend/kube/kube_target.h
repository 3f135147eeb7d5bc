#pragma once

#include <QString>
#include <QStringList>

namespace bc {

// Which cluster a kubectl call talks to. Every call names its kubeconfig and context explicitly, so a
// context switched in another terminal never redirects our `delete`.
struct KubeTarget
{
    QString kubeconfig;        // empty: kubectl's default (KUBECONFIG or ~/.kube/config)
    QString context;           // empty: the kubeconfig's current context (resolved by the caller when known)
    QString ns = QStringLiteral("default");
    QString cacheDir = {};     // kubectl --cache-dir (the sandbox gets a private one)

    QStringList globalArguments() const;     // --kubeconfig, --context, --cache-dir
    QStringList namespacedArguments() const; // the above plus -n NAMESPACE
    bool operator==(const KubeTarget &) const = default;
};

} // namespace bc
