#pragma once

#include "backend/kube/kube_target.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace bc::cli {

// --kubeconfig, --context and --namespace, shared by every command that talks to a cluster.
class KubeOptions
{
public:
    void addTo(QCommandLineParser &parser);
    KubeTarget target(const QCommandLineParser &parser) const;

private:
    QCommandLineOption m_kubeconfig{QStringLiteral("kubeconfig"), QStringLiteral("Kubeconfig file (default: kubectl's)."),
                                    QStringLiteral("FILE")};
    QCommandLineOption m_context{QStringLiteral("context"), QStringLiteral("Kube context (default: the current one)."),
                                 QStringLiteral("NAME")};
    QCommandLineOption m_namespace{{QStringLiteral("n"), QStringLiteral("namespace")},
                                   QStringLiteral("Namespace (default: default)."), QStringLiteral("NS"),
                                   QStringLiteral("default")};
};

} // namespace bc::cli
