#include "app/cli/commands.h"

#include "app/cli/kube_options.h"
#include "backend/kube/kube_client.h"
#include "backend/metrics/metrics_poller.h"
#include "backend/metrics/pod_usage.h"
#include "backend/process/run_context.h"

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;

namespace bc::cli {

namespace {

// `pods top`: pods and metrics.k8s.io read once, as the Pods panel's table with its flags.
void podsTop(CliCall &call, const KubeTarget &target, const QString &selector, bool flaggedOnly)
{
    auto *client = new KubeClient(call.context(), target, &call);
    struct Answers
    {
        std::optional<Result<QList<Pod>>> pods;
        std::optional<Result<QList<PodMetrics>>> metrics;
    };
    auto answers = std::make_shared<Answers>();
    const auto maybeFinish = [&call, answers, flaggedOnly] {
        if (!answers->pods || !answers->metrics)
            return;
        if (!*answers->pods) {
            call.fail(answers->pods->error());
            return;
        }
        if (call.context()->dryRun()) {
            call.finish(0);
            return;
        }
        const bool haveMetrics = bool(*answers->metrics);
        const auto rows = buildPodUsage(answers->pods->value(), haveMetrics ? answers->metrics->value()
                                                                            : QList<PodMetrics>{});
        QList<PodUsage> shown;
        for (const PodUsage &r : rows)
            if (!flaggedOnly || !r.flags.isEmpty())
                shown.append(r);
        if (!shown.isEmpty())
            call.out() << formatPodTable(shown);
        const qsizetype flagged = flaggedOnly ? shown.size()
                                              : std::count_if(rows.cbegin(), rows.cend(), [](const PodUsage &r) { return !r.flags.isEmpty(); });
        call.out() << u"%1 pods, %2 flagged"_s.arg(rows.size()).arg(flagged) << Qt::endl;
        if (!haveMetrics) {
            call.fail(MetricsPoller::classify(answers->metrics->error()).second);
            return;
        }
        call.finish(0);
    };
    client->listPods(selector, [answers, maybeFinish](const Result<QList<Pod>> &r) {
        answers->pods = r;
        maybeFinish();
    });
    client->podMetrics([answers, maybeFinish](const Result<QList<PodMetrics>> &r) {
        answers->metrics = r;
        maybeFinish();
    });
}

void podsCommand(CliCall &call)
{
    QCommandLineParser parser;
    KubeOptions kube;
    kube.addTo(parser);
    const QCommandLineOption selector({u"l"_s, u"selector"_s}, u"Only pods with these labels (app=frontend)."_s,
                                      u"SELECTOR"_s);
    parser.addOption(selector);
    const QCommandLineOption flags(u"flags"_s, u"Only the pods with a bottleneck flag."_s);
    parser.addOption(flags);
    if (!call.parse(parser,
                    u"Pods of the demo.\n\n"
                    "  top   CPU and memory per pod against requests and limits, with bottleneck flags\n"
                    "        (CPU or memory at >= 90% of the limit, restarts, OOMKilled with its time);\n"
                    "        --flags: only the flagged pods."_s,
                    u"top"_s))
        return;
    const QStringList args = parser.positionalArguments();
    if (args.value(0) == u"top" && args.size() == 1)
        podsTop(call, kube.target(parser), parser.value(selector), parser.isSet(flags));
    else
        call.fail(args.isEmpty() ? u"missing action (see: boutique-control pods --help)"_s
                                 : u"unknown action '%1' (see: boutique-control pods --help)"_s.arg(args.join(u' ')),
                  2);
}

} // namespace

QList<CommandSpec> podsCommands()
{
    return {{u"pods"_s, u"Show pods with CPU and memory against requests and limits, and bottleneck flags."_s,
             podsCommand}};
}

} // namespace bc::cli
