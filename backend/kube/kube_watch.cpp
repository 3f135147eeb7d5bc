#include "backend/kube/kube_watch.h"

#include "backend/core/logging.h"
#include "backend/process/command_runner.h"

#include <QJsonDocument>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc {

namespace {

QList<WatchEvent> parseDocuments(const QList<QByteArray> &documents)
{
    QList<WatchEvent> events;
    events.reserve(documents.size());
    for (const QByteArray &doc : documents) {
        const QJsonObject o = QJsonDocument::fromJson(doc).object();
        const QString type = o.value("type"_L1).toString();
        WatchEvent e;
        e.object = o.value("object"_L1).toObject();
        if (type == u"ADDED")
            e.type = WatchEvent::Type::Added;
        else if (type == u"MODIFIED")
            e.type = WatchEvent::Type::Modified;
        else if (type == u"DELETED")
            e.type = WatchEvent::Type::Deleted;
        else if (type == u"ERROR")
            e.type = WatchEvent::Type::Error;
        else
            continue; // BOOKMARK and unknown types carry nothing for a model
        events.append(std::move(e));
    }
    return events;
}

struct BuiltInResource
{
    QLatin1StringView resource;
    QLatin1StringView groupVersionPath; // "api/v1", "apis/apps/v1"
    bool namespaced;
};

constexpr BuiltInResource kBuiltIns[] = {
    {"pods"_L1, "api/v1"_L1, true},
    {"services"_L1, "api/v1"_L1, true},
    {"events"_L1, "api/v1"_L1, true}, // kubectl's "events" is the core group's too
    {"endpoints"_L1, "api/v1"_L1, true},
    {"configmaps"_L1, "api/v1"_L1, true},
    {"nodes"_L1, "api/v1"_L1, false},
    {"namespaces"_L1, "api/v1"_L1, false},
    {"deployments"_L1, "apis/apps/v1"_L1, true},
    {"replicasets"_L1, "apis/apps/v1"_L1, true},
    {"statefulsets"_L1, "apis/apps/v1"_L1, true},
    {"daemonsets"_L1, "apis/apps/v1"_L1, true},
    {"jobs"_L1, "apis/batch/v1"_L1, true},
};

} // namespace

QString KubeWatch::collectionPath(const QString &resource, const QString &ns)
{
    for (const BuiltInResource &r : kBuiltIns) {
        if (resource != r.resource)
            continue;
        if (!r.namespaced)
            return u"/%1/%2"_s.arg(r.groupVersionPath, r.resource);
        if (ns.isEmpty())
            return {};
        return u"/%1/namespaces/%2/%3"_s.arg(r.groupVersionPath, QString::fromLatin1(QUrl::toPercentEncoding(ns)),
                                              r.resource);
    }
    return {};
}

KubeWatch::KubeWatch(RunContext *context, KubeTarget target, QString resource, QString selector, QObject *parent)
    : QObject(parent), m_context(context), m_target(std::move(target)), m_resource(std::move(resource)),
      m_selector(std::move(selector))
{
    m_restart.setSingleShot(true);
    connect(&m_restart, &QTimer::timeout, this, &KubeWatch::launch);
    m_deliver.setSingleShot(true);
    connect(&m_deliver, &QTimer::timeout, this, &KubeWatch::flush);
}

KubeWatch::~KubeWatch()
{
    stop();
    if (m_parsing)
        m_parsing->waitForFinished();
}

QStringList KubeWatch::arguments() const
{
    const QString path = collectionPath(m_resource, m_target.ns);
    if (!path.isEmpty()) {
        QString query = u"watch=1"_s;
        if (!m_selector.isEmpty())
            query += u"&labelSelector="_s + QString::fromLatin1(QUrl::toPercentEncoding(m_selector));
        return m_target.globalArguments() << u"get"_s << u"--raw"_s << path + u'?' + query;
    }
    QStringList args = m_target.namespacedArguments();
    args << u"get"_s << m_resource;
    if (!m_selector.isEmpty())
        args << u"-l"_s << m_selector;
    args << u"--watch"_s << u"--output-watch-events"_s << u"-o"_s << u"json"_s;
    return args;
}

void KubeWatch::start()
{
    if (m_wanted)
        return;
    m_wanted = true;
    m_failures = 0;
    launch();
}

void KubeWatch::stop()
{
    m_wanted = false;
    m_restart.stop();
    if (m_runner) {
        m_runner->disconnect(this);
        m_runner->cancel();
        m_runner->deleteLater(); // its destructor stops what cancel() has not yet
        m_runner = nullptr;
    }
    m_pending.clear();
    m_ready.clear();
    m_deliver.stop();
}

void KubeWatch::launch()
{
    if (!m_wanted)
        return;
    m_splitter.reset();
    m_pending.clear();
    m_ready.clear();
    m_deliver.stop();
    m_runner = new CommandRunner(m_context, this);
    Command command{u"kubectl"_s, arguments()};
    command.timeout = 0ms;
    command.rawStdout = true;
    connect(m_runner, &CommandRunner::started, this, [this] {
        Q_EMIT streamStarted();
        Q_EMIT resynced();
    });
    connect(m_runner, &CommandRunner::stdoutChunk, this, &KubeWatch::onChunk);
    connect(m_runner, &CommandRunner::finished, this, [this](const CommandResult &r) {
        m_runner->deleteLater();
        m_runner = nullptr;
        if (!m_wanted || r.dryRun)
            return;
        ++m_failures;
        const Error error = r.succeeded()
            ? Error{Error::Kind::Unavailable, u"The watch of %1 ended; reconnecting."_s.arg(m_resource)}
            : r.toError();
        qCInfo(lcKube) << "watch of" << m_resource << "ended:" << error.message;
        Q_EMIT streamFailed(error);
        const auto delay = std::min(30000ms, 500ms * (1 << std::min(m_failures, 6)));
        m_restart.start(delay);
    });
    m_runner->start(command);
}

void KubeWatch::onChunk(const QByteArray &bytes)
{
    QList<QByteArray> documents = m_splitter.feed(bytes);
    if (documents.isEmpty())
        return;
    m_failures = 0;
    m_pending.push_back(std::move(documents));
    parseNext();
}

void KubeWatch::parseNext()
{
    if (m_parsing || m_pending.empty())
        return;
    // What is waiting goes in one batch, up to kMaxBatch documents: a burst of 30,000 ADDED events becomes
    // 15 model updates, each short enough for the GUI thread, instead of 30,000 or one long one.
    QList<QByteArray> batch;
    while (!m_pending.empty() && batch.size() < kMaxBatch) {
        QList<QByteArray> &front = m_pending.front();
        const qsizetype take = std::min<qsizetype>(front.size(), kMaxBatch - batch.size());
        if (take == front.size()) {
            batch.append(std::move(front));
            m_pending.pop_front();
        } else {
            batch.append(front.mid(0, take));
            front.remove(0, take);
        }
    }
    m_parsing = new QFutureWatcher<QList<WatchEvent>>(this);
    connect(m_parsing, &QFutureWatcher<QList<WatchEvent>>::finished, this, [this] {
        QList<WatchEvent> events = m_parsing->result();
        m_parsing->deleteLater();
        m_parsing = nullptr;
        if (m_wanted)
            deliver(std::move(events));
        parseNext();
    });
    m_parsing->setFuture(QtConcurrent::run(parseDocuments, std::move(batch)));
}

void KubeWatch::deliver(QList<WatchEvent> events)
{
    m_ready.append(std::move(events));
    while (m_ready.size() >= kMaxBatch) {
        QList<WatchEvent> full = m_ready.mid(0, kMaxBatch);
        m_ready.remove(0, kMaxBatch);
        emitBatch(std::move(full));
    }
    if (m_ready.isEmpty() || m_deliver.isActive())
        return;
    const qint64 since = m_sinceDelivery.isValid() ? m_sinceDelivery.elapsed() : kDeliveryIntervalMs;
    if (since >= kDeliveryIntervalMs)
        flush();
    else
        m_deliver.start(int(kDeliveryIntervalMs - since));
}

void KubeWatch::flush()
{
    m_deliver.stop();
    if (!m_ready.isEmpty())
        emitBatch(std::exchange(m_ready, {}));
}

void KubeWatch::emitBatch(QList<WatchEvent> events)
{
    m_sinceDelivery.start();
    Q_EMIT eventsReceived(events);
}

} // namespace bc
