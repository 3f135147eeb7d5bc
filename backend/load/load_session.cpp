#include "backend/load/load_session.h"

#include "backend/core/logging.h"
#include "backend/load/locust_client.h"
#include "backend/load/run_store.h"
#include "backend/process/run_context.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace bc {

namespace {
const QString kPrefix = QString::fromLatin1(RunFolder::kCsvPrefix);
} // namespace

LoadSession::LoadSession(RunContext *context, QObject *parent)
    : QObject(parent), m_context(context), m_runner(new LocustRunner(context, this)), m_client(new LocustClient(this))
{
    m_runTimer.setSingleShot(true);
    connect(&m_runTimer, &QTimer::timeout, this, [this] { beginFinish(ok()); });
    connect(m_runner, &LocustRunner::ready, this, &LoadSession::onLocustReady);
    connect(m_runner, &LocustRunner::failed, this, [this](const Error &e) {
        if (m_phase == Phase::Starting || m_phase == Phase::Running)
            beginFinish(e);
    });
    connect(m_runner, &LocustRunner::stopped, this, [this] {
        if (m_waitingForRunner) {
            m_waitingForRunner = false;
            writeAndFinish();
        }
    });
    connect(m_runner, &LocustRunner::workerExited, this, [this](int index, const CommandResult &r) {
        Q_EMIT problem(Error{Error::Kind::Failed,
                             u"Locust worker %1 died (%2); its users moved to the other workers."_s.arg(index + 1).arg(
                                 r.outcomeText()),
                             r.stderrTail});
        if (m_restartDeadWorkers && m_phase == Phase::Running)
            m_runner->restartWorker(index);
    });
    connect(m_client, &LocustClient::snapshotReceived, this, &LoadSession::onSnapshot);
    connect(m_client, &LocustClient::connectionChanged, this,
            [this](LocustClient::Connection c, const QString &message) {
                if (c == LocustClient::Connection::Unreachable || c == LocustClient::Connection::BadResponse)
                    Q_EMIT problem(Error{c == LocustClient::Connection::Unreachable ? Error::Kind::Unavailable
                                                                                   : Error::Kind::Invalid,
                                         message});
            });
    connect(m_client, &LocustClient::masterRestarted, this, [this] {
        Q_EMIT problem(Error{Error::Kind::Failed,
                             u"The Locust master was restarted or reset; its counters start again from zero "
                             "(the history so far is kept)."_s});
    });
    connect(m_runner, &LocustRunner::workerMarkedMissing, this, [this](const QString &id) {
        Q_EMIT problem(Error{Error::Kind::Failed, u"The Locust master marked worker %1 missing."_s.arg(id)});
    });
    connect(m_client, &LocustClient::workersMissing, this, [this](const QStringList &ids) {
        if (m_settings.attachUrl.isEmpty())
            return; // our own master: the runner reported it from the log already, seconds earlier
        Q_EMIT problem(Error{Error::Kind::Failed,
                             u"The Locust master reports %1 worker(s) missing: %2."_s.arg(ids.size()).arg(ids.join(u", "_s))});
    });
    connect(m_client, &LocustClient::swarmFinished, this, [this](const Status &s) {
        if (!s && m_phase == Phase::Running)
            Q_EMIT problem(s.error());
    });
}

LoadSession::~LoadSession() = default;

QString LoadSession::runDir() const
{
    return m_folder ? m_folder->dir() : QString();
}

void LoadSession::setPhase(Phase p)
{
    if (m_phase == p)
        return;
    m_phase = p;
    Q_EMIT phaseChanged(p);
}

Status LoadSession::start(const LoadRunSettings &settings, const QString &runDir, LocustRunnerConfig runner)
{
    if (m_phase == Phase::Starting || m_phase == Phase::Running || m_phase == Phase::Finishing)
        return Error{Error::Kind::Invalid, u"A load run is already in progress."_s};
    if (Status s = settings.validate(); !s)
        return s;
    const bool dry = m_context && m_context->dryRun();
    m_settings = settings;
    m_settings.startedAt = QDateTime::currentDateTimeUtc();
    m_settings.finishedAt = {};
    m_settings.outcome.clear();
    m_history.clear();
    m_outcome = ok();
    m_downloadedStats = false;

    if (dry) {
        runner.workers = settings.workers;
        runner.host = settings.host;
        if (Status s = m_runner->start(runner); !s)
            return s;
        setPhase(Phase::Finished);
        QTimer::singleShot(0, this, [this] { Q_EMIT finished(ok()); });
        return ok();
    }

    m_folder = std::make_unique<RunFolder>(runDir);
    if (Status s = m_folder->create(); !s)
        return s;
    if (Status s = m_folder->writeSettings(m_settings); !s)
        return s;

    setPhase(Phase::Starting);
    if (!settings.attachUrl.isEmpty()) {
        m_client->setBaseUrl(settings.attachUrl);
        QTimer::singleShot(0, this, &LoadSession::onLocustReady);
        return ok();
    }
    runner.workers = settings.workers;
    runner.host = settings.host;
    runner.headless = false;
    if (runner.csvPrefix.isEmpty()) {
        QDir().mkpath(m_folder->path(u"locust"_s));
        runner.csvPrefix = m_folder->path(u"locust/master"_s);
    }
    if (runner.workingDirectory.isEmpty())
        runner.workingDirectory = runDir;
    if (Status s = m_runner->start(runner); !s) {
        setPhase(Phase::Failed);
        return s;
    }
    return ok();
}

void LoadSession::onLocustReady()
{
    if (m_phase != Phase::Starting)
        return;
    if (m_settings.attachUrl.isEmpty())
        m_client->setBaseUrl(m_runner->webUrl());
    setPhase(Phase::Running);
    m_clock.start();
    m_settings.startedAt = QDateTime::currentDateTimeUtc();
    report(m_folder->writeSettings(m_settings));
    if (m_settings.ramp)
        m_client->startRamp(*m_settings.ramp, m_settings.spawnRate, m_settings.host);
    else
        m_client->swarm(m_settings.users, m_settings.spawnRate, m_settings.host);
    m_client->startPolling();
    m_runTimer.start(m_settings.duration);
}

bool LoadSession::report(const Status &status)
{
    if (!status)
        Q_EMIT problem(status.error());
    return bool(status);
}

void LoadSession::onSnapshot(const StatsSnapshot &snapshot)
{
    if (m_phase != Phase::Running && m_phase != Phase::Finishing)
        return;
    const LoadSample sample = LoadSample::from(snapshot, QDateTime::currentMSecsSinceEpoch(),
                                               double(m_clock.elapsed()) / 1000.0, m_client->targetUsers());
    m_history.append(sample, snapshot.endpoints);
    if (Status s = m_folder->appendSample(sample); !s)
        Q_EMIT problem(s.error());
    Q_EMIT sampleAdded(sample);
}

void LoadSession::setUsers(int users)
{
    if (m_phase != Phase::Running || users < 0)
        return;
    m_client->cancelRamp();
    m_client->setUsers(users);
}

void LoadSession::stopRun()
{
    if (m_phase == Phase::Starting || m_phase == Phase::Running)
        beginFinish(ok());
}

void LoadSession::beginFinish(const Status &why)
{
    if (m_phase != Phase::Starting && m_phase != Phase::Running)
        return;
    const bool wasRunning = m_phase == Phase::Running;
    m_outcome = why;
    m_runTimer.stop();
    m_client->cancelRamp();
    m_client->stopPolling();
    setPhase(Phase::Finishing);
    if (!wasRunning || m_runner->state() == LocustRunner::State::Stopping ||
        m_runner->state() == LocustRunner::State::Idle) {
        afterStop();
        return;
    }
    // Last poll plus Locust's own CSVs, while the master still has them; then stop the users.
    m_downloads = {u"/stats/requests"_s, u"/stats/requests/csv"_s, u"/stats/failures/csv"_s, u"/exceptions/csv"_s};
    downloadNext();
}

void LoadSession::downloadNext()
{
    if (m_downloads.isEmpty()) {
        m_client->stop();
        connect(m_client, &LocustClient::stopFinished, this, &LoadSession::afterStop, Qt::SingleShotConnection);
        return;
    }
    const QString route = m_downloads.takeFirst();
    m_client->fetch(route, [this, route](const Result<QByteArray> &body) {
        if (!body) {
            Q_EMIT problem(body.error());
        } else if (route == u"/stats/requests") {
            Result<StatsSnapshot> parsed = parseStatsRequests(body.value());
            if (parsed) {
                onSnapshot(parsed.value());
                report(m_folder->writeFinalStats(body.value()));
            }
        } else if (route == u"/stats/requests/csv") {
            m_downloadedStats = report(m_folder->writeFile(kPrefix + u"_stats.csv"_s, body.value()));
        } else if (route == u"/stats/failures/csv") {
            report(m_folder->writeFile(kPrefix + u"_failures.csv"_s, body.value()));
        } else if (route == u"/exceptions/csv") {
            report(m_folder->writeFile(kPrefix + u"_exceptions.csv"_s, body.value()));
        }
        downloadNext();
    });
}

void LoadSession::afterStop()
{
    if (m_settings.attachUrl.isEmpty() && m_runner->state() != LocustRunner::State::Idle) {
        m_waitingForRunner = true;
        m_runner->stop();
        return;
    }
    writeAndFinish();
}

void LoadSession::writeAndFinish()
{
    if (m_phase != Phase::Finishing)
        return;
    m_settings.finishedAt = QDateTime::currentDateTimeUtc();
    m_settings.outcome = m_outcome ? u"completed"_s : u"failed: %1"_s.arg(m_outcome.error().message);
    Status result = m_outcome;
    if (m_folder) {
        std::optional<StatsSnapshot> final = m_folder->readFinalStats();
        if (!final)
            final = m_client->lastSnapshot();
        if (Status s = m_folder->writeSettings(m_settings); !s && result)
            result = s;
        if (final && !QFileInfo::exists(m_folder->path(u"final_stats.json"_s)) && !m_client->lastBody().isEmpty())
            report(m_folder->writeFinalStats(m_client->lastBody()));
        if (Status s = m_folder->writeOutputs(m_settings, m_history.samples(), final, false); !s && result)
            result = s;
    }
    setPhase(result ? Phase::Finished : Phase::Failed);
    Q_EMIT finished(result);
}

} // namespace bc
