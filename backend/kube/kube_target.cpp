#include "backend/kube/kube_target.h"

using namespace Qt::StringLiterals;

namespace bc {

QStringList KubeTarget::globalArguments() const
{
    QStringList args;
    if (!kubeconfig.isEmpty())
        args << u"--kubeconfig"_s << kubeconfig;
    if (!context.isEmpty())
        args << u"--context"_s << context;
    if (!cacheDir.isEmpty())
        args << u"--cache-dir"_s << cacheDir;
    return args;
}

QStringList KubeTarget::namespacedArguments() const
{
    QStringList args = globalArguments();
    if (!ns.isEmpty())
        args << u"-n"_s << ns;
    return args;
}

} // namespace bc
