#include "backend/kube/kube_watch.h"

#include "backend/core/logging.h"
#include "backend/process/command_runner.h"

#include <QJsonDocument>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

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

} // namespace

KubeWatch::KubeWatch(RunContext *context, KubeTarget target, QString resource, QString selector, QObject *parent)
    : QObject(parent), m_context(context), m_target(std::move(target)), m_resource(std::move(resource)),
      m_selector(std::move(selector))
{
    m_restart.setSingleShot(true);
    connect(&m_restart, &QTimer::timeout, this, &KubeWatch::launch);
}

KubeWatch::~KubeWatch()
{
    stop();
    if (m_parsing)
        m_parsing->waitForFinished();
}

QStringList KubeWatch::arguments() const
{
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
}

void KubeWatch::launch()
{
    if (!m_wanted)
        return;
    m_splitter.reset();
    m_pending.clear();
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
    // Everything waiting goes in one batch: a burst of 30,000 ADDED events becomes one model update.
    QList<QByteArray> batch;
    while (!m_pending.empty()) {
        batch.append(std::move(m_pending.front()));
        m_pending.pop_front();
    }
    m_parsing = new QFutureWatcher<QList<WatchEvent>>(this);
    connect(m_parsing, &QFutureWatcher<QList<WatchEvent>>::finished, this, [this] {
        const QList<WatchEvent> events = m_parsing->result();
        m_parsing->deleteLater();
        m_parsing = nullptr;
        if (m_wanted && !events.isEmpty())
            Q_EMIT eventsReceived(events);
        parseNext();
    });
    m_parsing->setFuture(QtConcurrent::run(parseDocuments, std::move(batch)));
}

} // namespace bc
