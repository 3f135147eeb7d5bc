#include "backend/kube/kube_client.h"

#include "backend/core/logging.h"
#include "backend/process/command_runner.h"
#include "backend/process/run_context.h"

#include <algorithm>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc {

namespace {
constexpr qsizetype kParseInlineMax = 256 * 1024; // larger outputs are parsed on the thread pool
constexpr auto kGetTimeout = 60s;
constexpr auto kWriteTimeout = 5min;
} // namespace

KubeClient::KubeClient(RunContext *context, KubeTarget target, QObject *parent)
    : QObject(parent), m_context(context), m_target(std::move(target))
{
}

QStringList KubeClient::getArguments(const QString &resource, const QString &selector, bool allNamespaces) const
{
    QStringList args = allNamespaces ? m_target.globalArguments() : m_target.namespacedArguments();
    args << u"get"_s << resource;
    if (allNamespaces)
        args << u"--all-namespaces"_s;
    if (!selector.isEmpty())
        args << u"-l"_s << selector;
    args << u"-o"_s << u"json"_s << u"--request-timeout=30s"_s;
    return args;
}

QStringList KubeClient::applyArguments(const QStringList &files, bool serverSide) const
{
    QStringList args = m_target.namespacedArguments();
    args << u"apply"_s;
    if (serverSide)
        args << u"--server-side"_s << u"--field-manager=boutique-control"_s << u"--force-conflicts"_s;
    for (const QString &f : files)
        args << u"-f"_s << f;
    return args;
}

QStringList KubeClient::scaleArguments(const QString &deployment, int replicas) const
{
    return m_target.namespacedArguments()
        << u"scale"_s << u"deployment/%1"_s.arg(deployment) << u"--replicas=%1"_s.arg(replicas);
}

namespace {
// get secret/x, get secrets -o yaml, get secret.v1: their output is the Secret's data.
bool namesSecrets(const QStringList &arguments)
{
    return std::any_of(arguments.begin(), arguments.end(), [](const QString &a) {
        const QString kind = a.section(u'/', 0, 0).section(u'.', 0, 0).toLower();
        return kind == u"secret" || kind == u"secrets";
    });
}

// get --raw /apis/metrics.k8s.io/...: the pods' usage, polled every few seconds for the charts.
bool pollsMetrics(const QStringList &arguments)
{
    const qsizetype raw = arguments.indexOf(u"--raw"_s);
    return raw >= 0 && arguments.value(raw + 1).startsWith(u"/apis/metrics.k8s.io/"_s);
}
} // namespace

void KubeClient::run(const QStringList &arguments, std::chrono::milliseconds timeout, Done<QByteArray> done,
                     const QByteArray &standardInput)
{
    auto *runner = new CommandRunner(m_context, this);
    Command command{u"kubectl"_s, arguments};
    command.timeout = timeout;
    command.captureStdout = true;
    command.standardInput = standardInput;
    const bool metricsPoll = pollsMetrics(arguments);
    command.logStdout = !namesSecrets(arguments) && !metricsPoll;
    if (metricsPoll)
        command.withheldStdoutNote = tr("(output not shown: the Pods panel reads the metrics answer)");
    connect(runner, &CommandRunner::finished, this, [runner, done](const CommandResult &r) {
        runner->deleteLater();
        if (r.succeeded())
            done(r.stdoutData);
        else
            done(r.toError());
    });
    runner->start(command);
}

template <typename T>
void KubeClient::runParsed(const QStringList &arguments, Result<T> (*parse)(const QByteArray &), Done<T> done)
{
    run(arguments, kGetTimeout, [this, parse, done](const Result<QByteArray> &out) {
        if (!out) {
            done(out.error());
            return;
        }
        // kubectl printed nothing (--ignore-not-found, or a dry run that ran nothing): nothing was read.
        if (out.value().trimmed().isEmpty()) {
            done(T{});
            return;
        }
        if (out.value().size() <= kParseInlineMax) {
            done(parse(out.value()));
            return;
        }
        auto *watcher = new QFutureWatcher<Result<T>>(this);
        connect(watcher, &QFutureWatcher<Result<T>>::finished, this, [watcher, done] {
            watcher->deleteLater();
            done(watcher->result());
        });
        watcher->setFuture(QtConcurrent::run([parse, bytes = out.value()] { return parse(bytes); }));
    });
}

void KubeClient::listPods(const QString &selector, Done<QList<Pod>> done)
{
    runParsed<QList<Pod>>(getArguments(u"pods"_s, selector), parsePodList, std::move(done));
}

void KubeClient::listDeployments(const QString &selector, Done<QList<Deployment>> done)
{
    runParsed<QList<Deployment>>(getArguments(u"deployments"_s, selector), parseDeploymentList, std::move(done));
}

void KubeClient::listServices(const QString &selector, Done<QList<Service>> done)
{
    runParsed<QList<Service>>(getArguments(u"services"_s, selector), parseServiceList, std::move(done));
}

void KubeClient::listNodes(Done<QList<Node>> done)
{
    QStringList args = m_target.globalArguments();
    args << u"get"_s << u"nodes"_s << u"-o"_s << u"json"_s << u"--request-timeout=30s"_s;
    runParsed<QList<Node>>(args, parseNodeList, std::move(done));
}

void KubeClient::getService(const QString &name, Done<Service> done)
{
    runParsed<QList<Service>>(getArguments(u"service/%1"_s.arg(name)), parseServiceList,
                              [done](const Result<QList<Service>> &r) {
                                  if (!r)
                                      done(r.error());
                                  else if (r.value().isEmpty())
                                      done(Service{});
                                  else
                                      done(r.value().first());
                              });
}

QStringList KubeClient::endpointsArguments(const QString &name) const
{
    return m_target.namespacedArguments() << u"get"_s << u"endpoints"_s << name << u"-o"_s << u"json"_s;
}

QStringList KubeClient::virtualServiceArguments(const QString &name) const
{
    return m_target.namespacedArguments() << u"get"_s << u"virtualservices.networking.istio.io"_s << name << u"-o"_s
                                          << u"name"_s << u"--ignore-not-found"_s;
}

void KubeClient::getEndpoints(const QString &name, Done<Endpoints> done)
{
    runParsed<QList<Endpoints>>(endpointsArguments(name), parseEndpointsList, [done](const Result<QList<Endpoints>> &r) {
        if (!r)
            done(r.error());
        else
            done(r.value().isEmpty() ? Endpoints{} : r.value().first());
    });
}

void KubeClient::hasVirtualService(const QString &name, Done<bool> done)
{
    run(virtualServiceArguments(name), 30s, [done](const Result<QByteArray> &r) {
        if (!r)
            done(r.error());
        else
            done(r.value().contains("virtualservice"));
    });
}

void KubeClient::podMetrics(Done<QList<PodMetrics>> done)
{
    const QString path = m_target.ns.isEmpty() ? u"/apis/metrics.k8s.io/v1beta1/pods"_s
                                               : u"/apis/metrics.k8s.io/v1beta1/namespaces/%1/pods"_s.arg(m_target.ns);
    QStringList args = m_target.globalArguments();
    args << u"get"_s << u"--raw"_s << path << u"--request-timeout=30s"_s;
    runParsed<QList<PodMetrics>>(args, parsePodMetricsList, std::move(done));
}

void KubeClient::getRaw(const QString &path, Done<QByteArray> done)
{
    QStringList args = m_target.globalArguments();
    args << u"get"_s << u"--raw"_s << path << u"--request-timeout=30s"_s;
    run(args, kGetTimeout, std::move(done));
}

void KubeClient::getYaml(const QString &resource, const QString &name, Done<QString> done)
{
    QStringList args = m_target.namespacedArguments();
    args << u"get"_s << u"%1/%2"_s.arg(resource, name) << u"-o"_s << u"yaml"_s;
    run(args, kGetTimeout, [done](const Result<QByteArray> &r) {
        r ? done(QString::fromUtf8(r.value())) : done(r.error());
    });
}

namespace {
KubeClient::Done<QByteArray> asText(KubeClient::Done<QString> done)
{
    return [done](const Result<QByteArray> &r) { r ? done(QString::fromUtf8(r.value())) : done(r.error()); };
}
} // namespace

void KubeClient::apply(const QStringList &files, bool serverSide, Done<QString> done)
{
    run(applyArguments(files, serverSide), kWriteTimeout, asText(std::move(done)));
}

void KubeClient::applyManifest(const QByteArray &yaml, bool serverSide, Done<QString> done)
{
    run(applyArguments({u"-"_s}, serverSide), kWriteTimeout, asText(std::move(done)), yaml);
}

void KubeClient::deleteFiles(const QStringList &files, Done<QString> done)
{
    QStringList args = m_target.namespacedArguments();
    args << u"delete"_s << u"--ignore-not-found"_s << u"--wait=false"_s;
    for (const QString &f : files)
        args << u"-f"_s << f;
    run(args, kWriteTimeout, asText(std::move(done)));
}

void KubeClient::scale(const QString &deployment, int replicas, Done<QString> done)
{
    run(scaleArguments(deployment, replicas), kWriteTimeout, asText(std::move(done)));
}

void KubeClient::rolloutRestart(const QString &deployment, Done<QString> done)
{
    QStringList args = m_target.namespacedArguments();
    args << u"rollout"_s << u"restart"_s << u"deployment/%1"_s.arg(deployment);
    run(args, kWriteTimeout, asText(std::move(done)));
}

void KubeClient::deleteObject(const QString &resource, const QString &name, Done<QString> done)
{
    QStringList args = m_target.namespacedArguments();
    args << u"delete"_s << u"%1/%2"_s.arg(resource, name) << u"--wait=false"_s;
    run(args, kWriteTimeout, asText(std::move(done)));
}

void KubeClient::patch(const QString &resource, const QString &name, const QString &type, const QByteArray &patch,
                       Done<QString> done)
{
    QStringList args = m_target.namespacedArguments();
    args << u"patch"_s << u"%1/%2"_s.arg(resource, name) << u"--type"_s << type << u"-p"_s << QString::fromUtf8(patch);
    run(args, kWriteTimeout, asText(std::move(done)));
}

CommandRunner *KubeClient::streamLogs(const QString &pod, int tailLines, bool follow, QObject *owner)
{
    auto *runner = new CommandRunner(m_context, owner);
    QStringList args = m_target.namespacedArguments();
    args << u"logs"_s << pod << u"--all-containers"_s << u"--tail=%1"_s.arg(tailLines);
    if (follow)
        args << u"-f"_s;
    Command command{u"kubectl"_s, args};
    command.timeout = follow ? 0ms : kGetTimeout;
    runner->start(command);
    return runner;
}

} // namespace bc
