#pragma once

#include "backend/core/result.h"

#include <QString>
#include <QStringList>

namespace bc {

struct KubeContextList
{
    QStringList names; // in file order, first definition wins (kubectl's merge rule)
    QString current; // current-context of the first file that sets it
    QStringList files; // the kubeconfig files read
};

// The contexts of the user's kubeconfig, read with yaml-cpp (no kubectl call): $KUBECONFIG (a
// colon-separated list, merged the way kubectl merges), else ~/.kube/config.
class KubeContexts
{
public:
    static QStringList kubeconfigFiles(const QString &explicitFile = {});
    static Result<KubeContextList> list(const QString &explicitFile = {});
    static Result<KubeContextList> parse(const QByteArray &yaml); // one file's contents
};

} // namespace bc
