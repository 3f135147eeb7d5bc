#include "widgets/canary/canary_panel.h"

using namespace Qt::StringLiterals;

namespace bc {

CanaryPanel::CanaryPanel(QWidget *parent)
    : Panel(describe(), parent)
{ }

PanelInfo CanaryPanel::describe()
{
    return PanelInfo {
        .key = u"canary"_s,
        .title = u"Canary"_s,
        .icon = u"canary"_s,
        .summary
        = u"Roll a new version of a service out to a share of the traffic, check the split, then promote or roll back."_s,
        .features = {u"Choose a share with a slider: replica counts or Istio weights are planned for you"_s,
            u"Scale the new version up before the old one goes down, so capacity never drops"_s,
            u"Send test requests and show the measured split with its 95% interval"_s,
            u"Promote or roll back in one step, after you confirm"_s},
        .needs = {u"Online Boutique deployed (Deploy panel)"_s, u"kubectl"_s,
            u"Istio on the cluster for exact weights (optional)"_s},
    };
}

} // namespace bc
