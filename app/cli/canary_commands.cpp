#include "app/cli/commands.h"

#include "backend/canary/canary_planner.h"

using namespace Qt::StringLiterals;

namespace bc::cli {

namespace {

bool parsePercent(CliCall &call, const QString &text, int *percent)
{
    bool ok = false;
    QString digits = text;
    if (digits.endsWith(u'%'))
        digits.chop(1);
    *percent = digits.toInt(&ok);
    if (!ok || *percent < 0 || *percent > 100) {
        call.fail(u"PERCENT must be a whole number from 0 to 100, got '%1'"_s.arg(text), 2);
        return false;
    }
    return true;
}

void canaryPlan(CliCall &call, QCommandLineParser &parser, const QCommandLineOption &budgetOption)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() != 2) {
        call.fail(u"usage: boutique-control canary plan PERCENT --budget N"_s, 2);
        return;
    }
    int percent = 0;
    if (!parsePercent(call, args.at(1), &percent))
        return;
    bool ok = false;
    const int budget = parser.value(budgetOption).toInt(&ok);
    if (!ok || budget < 1) {
        call.fail(u"--budget must be a whole number of pods, at least 1"_s, 2);
        return;
    }
    const auto plan = CanaryPlanner::planReplicas(percent, budget);
    if (!plan) {
        call.fail(plan.error(), 2);
        return;
    }
    call.out() << plan.value().summary() << Qt::endl;
    if (!plan.value().exact())
        call.err() << u"note: "_s << plan.value().explanation() << Qt::endl;
    call.finish(0);
}

void canaryCommand(CliCall &call)
{
    QCommandLineParser parser;
    const QCommandLineOption budget(u"budget"_s, u"Most pods v1 and v2 may have together (default 10)."_s, u"N"_s,
                                    u"10"_s);
    parser.addOption(budget);
    if (!call.parse(parser,
                    u"Canary release of productcatalogservice v2.\n\n"
                    "  plan PERCENT --budget N   Replica counts that give v2 PERCENT of the traffic."_s,
                    u"plan PERCENT"_s))
        return;
    const QString action = parser.positionalArguments().value(0);
    if (action == u"plan")
        canaryPlan(call, parser, budget);
    else
        call.fail(action.isEmpty() ? u"missing action (see: boutique-control canary --help)"_s
                                   : u"unknown action '%1' (see: boutique-control canary --help)"_s.arg(action),
                  2);
}

} // namespace

QList<CommandSpec> canaryCommands()
{
    return {{u"canary"_s, u"Plan, set, verify, promote or roll back a canary of productcatalogservice."_s,
             canaryCommand}};
}

} // namespace bc::cli
