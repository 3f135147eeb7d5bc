#include "app/cli/commands.h"

#include "app/cli/kube_options.h"
#include "backend/canary/canary_controller.h"
#include "backend/canary/canary_planner.h"
#include "backend/canary/split_verifier.h"
#include "backend/kube/kube_client.h"
#include "backend/process/run_context.h"

#include <QTimer>

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
    const auto plan = CanaryPlanner::share(percent, budget);
    if (!plan) {
        call.fail(plan.error(), 2);
        return;
    }
    call.out() << plan.value().replicas.summary() << Qt::endl;
    if (!plan.value().replicas.exact())
        call.err() << u"note: "_s << plan.value().replicas.explanation() << Qt::endl;
    call.finish(0);
}

bool parseBudget(CliCall &call, QCommandLineParser &parser, const QCommandLineOption &budgetOption, int *budget)
{
    bool ok = false;
    *budget = parser.value(budgetOption).toInt(&ok);
    if (!ok || *budget < 1) {
        call.fail(u"--budget must be a whole number of pods, at least 1"_s, 2);
        return false;
    }
    return true;
}

// set / promote / rollback: the plan scheduled against the cluster, then applied by the controller as it is;
// its steps on stdout.
void runPlan(CliCall &call, CanaryController *controller, const CanaryPlan &intent)
{
    QObject::connect(controller, &CanaryController::progress, &call, [&call](const QString &step, int done, int total) {
        if (done < total)
            call.out() << u"[%1/%2] %3"_s.arg(done + 1).arg(total).arg(step) << Qt::endl;
    });
    QObject::connect(controller, &CanaryController::finished, &call, [&call, controller](const Status &status) {
        if (!status) {
            call.fail(status.error());
            return;
        }
        if (!call.context()->dryRun()) {
            call.out() << controller->state().summary() << Qt::endl;
            call.out() << u"mode: %1"_s.arg(controller->mode() == CanaryController::Mode::Mesh
                                                 ? u"VirtualService weights"_s
                                                 : u"replica counts"_s)
                       << Qt::endl;
        }
        call.finish(0);
    });
    controller->prepare(intent, [&call, controller, intent](const Result<CanaryPlan> &plan) {
        if (!call.context()->dryRun()) {
            plan ? controller->apply(plan.value()) : call.fail(plan.error());
            return;
        }
        // A dry run reads nothing and changes nothing: the lines for the deployments as shipped, no waits.
        const auto shown = plan ? plan : CanaryPlanner::schedule(
                                             intent, CanaryDetector::shipped(controller->service()), false);
        shown ? controller->apply(shown.value().withoutWaits()) : call.fail(shown.error());
    });
}

void canaryVerify(CliCall &call, QCommandLineParser &parser, const KubeOptions &kube,
                  const QCommandLineOption &requestsOption, const QCommandLineOption &concurrencyOption,
                  const QCommandLineOption &expectOption, const QCommandLineOption &urlOption)
{
    bool ok = false;
    const int requests = parser.value(requestsOption).toInt(&ok);
    if (!ok || requests < 1) {
        call.fail(u"--requests must be a positive whole number"_s, 2);
        return;
    }
    const int concurrency = parser.value(concurrencyOption).toInt(&ok);
    if (!ok || concurrency < 1 || concurrency > 256) {
        call.fail(u"--concurrency must be a whole number from 1 to 256"_s, 2);
        return;
    }
    double expected = -1;
    if (parser.isSet(expectOption)) {
        QString text = parser.value(expectOption);
        if (text.endsWith(u'%'))
            text.chop(1);
        expected = text.toDouble(&ok);
        if (!ok || expected < 0 || expected > 100) {
            call.fail(u"--expect must be a percentage from 0 to 100"_s, 2);
            return;
        }
    }
    auto *verifier = new SplitVerifier(&call);
    auto run = [&call, verifier, requests, concurrency](const QUrl &url, double expectedPercent) {
        call.out() << u"GET %1 x %2, %3 at a time"_s.arg(url.toString()).arg(requests).arg(concurrency) << Qt::endl;
        auto lastShown = std::make_shared<int>(0);
        QObject::connect(verifier, &SplitVerifier::progress, &call, [&call, lastShown](const SplitStats &s) {
            if (s.completed - *lastShown >= 250 && s.completed < s.requested) {
                *lastShown = s.completed;
                const auto [lo, hi] = s.interval();
                call.err() << u"%1/%2: v2 %3% [%4, %5]"_s.arg(s.completed).arg(s.requested)
                                  .arg(s.observedPercent(), 0, 'f', 1).arg(lo, 0, 'f', 1).arg(hi, 0, 'f', 1)
                           << Qt::endl;
            }
        });
        QObject::connect(verifier, &SplitVerifier::finished, &call, [&call](const SplitStats &s) {
            call.out() << s.summary() << Qt::endl;
            if (s.errors > 0)
                call.out() << u"last error: "_s << s.lastError << Qt::endl;
            call.finish(s.expectedWithin() && s.errors == 0 ? 0 : 1);
        });
        const Status started = verifier->start(url, requests, concurrency, expectedPercent);
        if (!started)
            call.fail(started.error(), 2);
    };
    if (parser.isSet(urlOption)) {
        const auto url = SplitVerifier::productUrl(parser.value(urlOption));
        if (!url) {
            call.fail(url.error(), 2);
            return;
        }
        run(url.value(), expected);
        return;
    }
    if (call.context()->dryRun()) {
        call.out() << u"(dry run: would send %1 GET requests of %2 to the frontend-external address)"_s.arg(requests).arg(
                          QLatin1String(SplitVerifier::kProductPath))
                   << Qt::endl;
        call.finish(0);
        return;
    }
    auto *controller = new CanaryController(call.context(), kube.target(parser), QString::fromLatin1(
                                                CanaryDetector::kDefaultService), &call);
    controller->client()->getService(u"frontend-external"_s, [&call, controller, run, expected](const Result<Service> &service) {
        if (!service) {
            call.fail(service.error());
            return;
        }
        const auto url = SplitVerifier::productUrl(service.value().externalUrl());
        if (!url) {
            call.fail(url.error());
            return;
        }
        if (expected >= 0) {
            run(url.value(), expected);
            return;
        }
        // Expect what the ready pods give (replicas), unless told.
        QObject::connect(controller, &CanaryController::stateChanged, &call,
                         [run, url](const CanaryState &state) { run(url.value(), state.readyV2Percent()); },
                         Qt::SingleShotConnection);
        QObject::connect(controller, &CanaryController::detectFailed, &call,
                         [run, url](const Error &) { run(url.value(), -1); }, Qt::SingleShotConnection);
        controller->refresh();
    });
}

void canaryCommand(CliCall &call)
{
    QCommandLineParser parser;
    KubeOptions kube;
    kube.addTo(parser);
    const QCommandLineOption budget(u"budget"_s, u"Most pods v1 and v2 may have together (default 10)."_s, u"N"_s,
                                    u"10"_s);
    const QCommandLineOption wait(u"wait"_s, u"Return only when both deployments have settled."_s);
    const QCommandLineOption requests(u"requests"_s, u"verify: how many requests (default 2000)."_s, u"N"_s, u"2000"_s);
    const QCommandLineOption concurrency(u"concurrency"_s, u"verify: requests in flight (default 8)."_s, u"C"_s,
                                         u"8"_s);
    const QCommandLineOption expect(u"expect"_s, u"verify: the v2 share to check (default: from the ready pods)."_s,
                                    u"PERCENT"_s);
    const QCommandLineOption url(u"url"_s, u"verify: the frontend address (default: frontend-external's)."_s,
                                 u"URL"_s);
    const QCommandLineOption service(u"service"_s, u"The service with two versions (default productcatalogservice)."_s,
                                     u"NAME"_s, QString::fromLatin1(CanaryDetector::kDefaultService));
    for (const auto &o : {budget, wait, requests, concurrency, expect, url, service})
        parser.addOption(o);
    if (!call.parse(parser,
                    u"Canary release of productcatalogservice v2.\n\n"
                    "  plan PERCENT --budget N          Replica counts that give v2 PERCENT of the traffic.\n"
                    "  set PERCENT --budget N [--wait]  Scale (or weight) v1/v2 to that split; capacity never drops.\n"
                    "  verify [--requests N] [--concurrency C] [--expect P]\n"
                    "                                   Count SunglassesV2 on /product/OLJCESPC7Z, 99.9% interval.\n"
                    "  promote [--wait]                 All capacity to v2, then v1 to 0.\n"
                    "  rollback [--wait]                All capacity to v1, then v2 to 0."_s,
                    u"plan|set|verify|promote|rollback [PERCENT]"_s))
        return;
    const QStringList args = parser.positionalArguments();
    const QString action = args.value(0);
    const auto controller = [&]() {
        return new CanaryController(call.context(), kube.target(parser), parser.value(service), &call);
    };
    if (action == u"plan") {
        canaryPlan(call, parser, budget);
    } else if (action == u"set") {
        int percent = 0;
        int pods = 0;
        if (args.size() != 2) {
            call.fail(u"usage: boutique-control canary set PERCENT --budget N [--wait]"_s, 2);
            return;
        }
        if (!parsePercent(call, args.at(1), &percent) || !parseBudget(call, parser, budget, &pods))
            return;
        const auto plan = CanaryPlanner::share(percent, pods, parser.isSet(wait));
        if (!plan) {
            call.fail(plan.error(), 2);
            return;
        }
        call.out() << u"plan: "_s << plan.value().replicas.summary() << Qt::endl;
        if (!plan.value().replicas.exact())
            call.err() << u"note: "_s << plan.value().replicas.explanation() << Qt::endl;
        runPlan(call, controller(), plan.value());
    } else if (action == u"promote" || action == u"rollback") {
        if (args.size() != 1) {
            call.fail(u"usage: boutique-control canary %1 [--wait]"_s.arg(action), 2);
            return;
        }
        const bool w = parser.isSet(wait);
        runPlan(call, controller(), action == u"promote" ? CanaryPlanner::promote(w) : CanaryPlanner::rollback(w));
    } else if (action == u"verify") {
        if (args.size() != 1) {
            call.fail(u"usage: boutique-control canary verify [--requests N] [--concurrency C]"_s, 2);
            return;
        }
        canaryVerify(call, parser, kube, requests, concurrency, expect, url);
    } else {
        call.fail(action.isEmpty() ? u"missing action (see: boutique-control canary --help)"_s
                                   : u"unknown action '%1' (see: boutique-control canary --help)"_s.arg(action),
                  2);
    }
}

} // namespace

QList<CommandSpec> canaryCommands()
{
    return {{u"canary"_s, u"Plan, set, verify, promote or roll back a canary of productcatalogservice."_s,
             canaryCommand}};
}

} // namespace bc::cli
