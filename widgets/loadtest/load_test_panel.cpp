#include "widgets/loadtest/load_test_panel.h"

using namespace Qt::StringLiterals;

namespace bc {

LoadTestPanel::LoadTestPanel(QWidget *parent)
    : Panel(describe(), parent)
{ }

PanelInfo LoadTestPanel::describe()
{
    return PanelInfo {
        .key = u"loadtest"_s,
        .title = u"Load test"_s,
        .icon = u"loadtest"_s,
        .summary
        = u"Send realistic shopper traffic to the storefront with Locust and chart requests per second, response times and failures as they happen."_s,
        .features
        = {u"Set users, spawn rate and duration; run on this machine or spread over several workers"_s,
            u"Live charts of requests per second, median and 95th percentile response times, and failures"_s,
            u"Keep every run on disk to compare it with the next one"_s},
        .needs
        = {u"Online Boutique deployed (Deploy panel)"_s, u"locust"_s, u"ssh, for a remote load generator"_s},
    };
}

} // namespace bc
