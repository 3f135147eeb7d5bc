#include "app/cli/kube_options.h"

#include <QFileInfo>

namespace bc::cli {

void KubeOptions::addTo(QCommandLineParser &parser)
{
    parser.addOption(m_kubeconfig);
    parser.addOption(m_context);
    parser.addOption(m_namespace);
}

KubeTarget KubeOptions::target(const QCommandLineParser &parser) const
{
    KubeTarget t;
    if (parser.isSet(m_kubeconfig))
        t.kubeconfig = QFileInfo(parser.value(m_kubeconfig)).absoluteFilePath();
    t.context = parser.value(m_context);
    t.ns = parser.value(m_namespace);
    return t;
}

} // namespace bc::cli
