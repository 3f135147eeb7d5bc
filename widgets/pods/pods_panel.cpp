#include "widgets/pods/pods_panel.h"

using namespace Qt::StringLiterals;

namespace bc {

PodsPanel::PodsPanel(QWidget *parent)
    : Panel(describe(), parent)
{ }

PanelInfo PodsPanel::describe()
{
    return PanelInfo {
        .key = u"pods"_s,
        .title = u"Pods"_s,
        .icon = u"pods"_s,
        .summary
        = u"See every pod of the demo with its CPU and memory against its requests and limits, and spot the bottleneck."_s,
        .features = {u"A live list of pods with phase, restarts and node"_s,
            u"CPU and memory per pod over time, on the same time axis as the running load test"_s,
            u"Flags for CPU near its limit, memory near its limit, restarts and OOMKilled containers"_s},
        .needs
        = {u"Online Boutique deployed (Deploy panel)"_s, u"kubectl, and metrics-server on the cluster"_s},
    };
}

} // namespace bc
