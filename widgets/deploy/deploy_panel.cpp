#include "widgets/deploy/deploy_panel.h"

using namespace Qt::StringLiterals;

namespace bc {

DeployPanel::DeployPanel(QWidget *parent)
    : Panel(describe(), parent)
{ }

PanelInfo DeployPanel::describe()
{
    return PanelInfo {
        .key = u"deploy"_s,
        .title = u"Deploy"_s,
        .icon = u"deploy"_s,
        .summary = u"Deploy Online Boutique to the selected cluster and watch every workload roll out."_s,
        .features = {u"Apply the Online Boutique manifests, with the order log service and its PostgreSQL"_s,
            u"Follow each deployment's rollout live: desired, ready and available replicas"_s,
            u"Open the storefront as soon as the frontend has an address"_s, u"Remove the demo again"_s},
        .needs = {u"A cluster (Cluster panel)"_s, u"kubectl"_s},
    };
}

} // namespace bc
