#include "backend/load/locust_client.h"

#include "backend/core/logging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;

namespace bc {

LocustClient::LocustClient(QObject *parent) : QObject(parent)
{
    m_nam.setProxy(QNetworkProxy::NoProxy); // the master is local or named explicitly, never via a proxy
    m_poll.setInterval(kDefaultPollInterval);
    connect(&m_poll, &QTimer::timeout, this, &LocustClient::pollNow);
    connect(&m_rampTimer, &QTimer::timeout, this, &LocustClient::nextRampStep);
}

QString LocustClient::connectionName(Connection c)
{
    switch (c) {
    case Connection::Idle:
        return u"idle"_s;
    case Connection::Ok:
        return u"connected"_s;
    case Connection::Unreachable:
        return u"unreachable"_s;
    case Connection::BadResponse:
        return u"bad response"_s;
    }
    return {};
}

void LocustClient::setBaseUrl(const QUrl &url)
{
    m_base = url;
    m_last.reset();
    m_lastBody.clear();
    m_missing.clear();
}

void LocustClient::setPollInterval(std::chrono::milliseconds interval)
{
    m_poll.setInterval(interval);
}

QUrl LocustClient::urlFor(const QString &path) const
{
    QUrl url = m_base;
    QString base = url.path();
    if (base.endsWith(u'/'))
        base.chop(1);
    const qsizetype q = path.indexOf(u'?');
    url.setPath(base + (q < 0 ? path : path.left(q)));
    if (q >= 0)
        url.setQuery(path.mid(q + 1));
    return url;
}

QNetworkReply *LocustClient::get(const QString &path)
{
    QNetworkRequest request(urlFor(path));
    request.setTransferTimeout(int(kRequestTimeout.count()));
    return m_nam.get(request);
}

void LocustClient::startPolling()
{
    pollNow();
    m_poll.start();
}

void LocustClient::stopPolling()
{
    m_poll.stop();
}

void LocustClient::pollNow()
{
    if (m_pendingStats || !m_base.isValid())
        return; // never queue polls behind a slow master
    QNetworkReply *reply = get(u"/stats/requests"_s);
    m_pendingStats = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onStatsReply(reply); });
}

Result<QByteArray> LocustClient::readReply(QNetworkReply *reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    if (reply->error() != QNetworkReply::NoError && status == 0) {
        const bool timeout = reply->error() == QNetworkReply::OperationCanceledError ||
                             reply->error() == QNetworkReply::TimeoutError;
        return Error{timeout ? Error::Kind::Timeout : Error::Kind::Unavailable,
                     u"Locust at %1 is not reachable: %2."_s.arg(m_base.toDisplayString(), reply->errorString()),
                     reply->errorString()};
    }
    if (status < 200 || status >= 300)
        return Error{Error::Kind::Failed,
                     u"Locust at %1 answered HTTP %2 for %3."_s.arg(m_base.toDisplayString()).arg(status).arg(
                         reply->url().path()),
                     QString::fromUtf8(body.left(2000))};
    return body;
}

void LocustClient::onStatsReply(QNetworkReply *reply)
{
    reply->deleteLater();
    if (m_pendingStats == reply)
        m_pendingStats = nullptr;
    const Result<QByteArray> body = readReply(reply);
    if (!body) {
        const bool unreachable = body.error().kind != Error::Kind::Failed;
        setConnection(unreachable ? Connection::Unreachable : Connection::BadResponse, body.error().message);
        return;
    }
    Result<StatsSnapshot> parsed = parseStatsRequests(body.value());
    if (!parsed) {
        setConnection(Connection::BadResponse, parsed.error().message);
        return;
    }
    StatsSnapshot &s = parsed.value();
    if (m_last) {
        const bool countersBack = s.total.numRequests < m_last->total.numRequests;
        const bool forgotRun = m_last->isActive() && s.state == LocustState::Ready;
        if ((countersBack || forgotRun) && !m_expectReset) {
            qCWarning(lcLocust) << "master at" << m_base << "was restarted or reset";
            m_missing.clear();
            Q_EMIT masterRestarted();
        }
    }
    m_expectReset = false;
    QStringList newlyMissing;
    for (const WorkerStats &w : s.workers) {
        if (w.state == LocustState::Missing && !m_missing.contains(w.id)) {
            m_missing.append(w.id);
            newlyMissing.append(w.id);
        }
    }
    setConnection(Connection::Ok, {});
    // Per-endpoint p95 is only in Locust's CSV download: fetch it, then deliver the snapshot. A failed
    // download only leaves p95 empty.
    m_pendingStats = get(u"/stats/requests/csv"_s);
    QNetworkReply *csvReply = m_pendingStats;
    connect(csvReply, &QNetworkReply::finished, this,
            [this, csvReply, snapshot = std::move(s), raw = body.value(), newlyMissing]() mutable {
                csvReply->deleteLater();
                if (m_pendingStats == csvReply)
                    m_pendingStats = nullptr;
                if (const Result<QByteArray> csv = readReply(csvReply); csv)
                    applyPercentileCsv(snapshot, csv.value());
                m_last = snapshot;
                m_lastBody = raw;
                Q_EMIT snapshotReceived(snapshot);
                if (!newlyMissing.isEmpty())
                    Q_EMIT workersMissing(newlyMissing);
            });
}

void LocustClient::setConnection(Connection state, const QString &message)
{
    if (state == m_connection && message == m_connectionMessage)
        return;
    m_connection = state;
    m_connectionMessage = message;
    if (state != Connection::Ok)
        qCWarning(lcLocust) << connectionName(state) << message;
    Q_EMIT connectionChanged(state, message);
}

void LocustClient::swarm(int users, double spawnRate, const QString &host)
{
    m_targetUsers = users;
    m_spawnRate = spawnRate;
    if (!host.isEmpty())
        m_host = host;
    if (m_last && !m_last->isActive())
        m_expectReset = true; // a new run after a stop starts from zero
    // application/x-www-form-urlencoded, every reserved byte escaped ('+' would read as a space).
    QByteArray form = "user_count=" + QByteArray::number(users) + "&spawn_rate=" + QByteArray::number(spawnRate);
    if (!m_host.isEmpty())
        form += "&host=" + QUrl::toPercentEncoding(m_host);
    QNetworkRequest request(urlFor(u"/swarm"_s));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/x-www-form-urlencoded"_s);
    request.setTransferTimeout(int(kRequestTimeout.count()));
    QNetworkReply *reply = m_nam.post(request, form);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const Result<QByteArray> body = readReply(reply);
        if (!body) {
            Q_EMIT swarmFinished(body.error());
            return;
        }
        const QJsonObject o = QJsonDocument::fromJson(body.value()).object();
        if (!o.value("success"_L1).toBool()) {
            const QString msg = o.value("message"_L1).toString();
            Q_EMIT swarmFinished(Error{Error::Kind::Failed,
                                       u"Locust refused to start: %1"_s.arg(msg.isEmpty() ? u"no reason given"_s : msg),
                                       QString::fromUtf8(body.value().left(2000))});
            return;
        }
        Q_EMIT swarmFinished(ok());
    });
}

void LocustClient::setUsers(int users)
{
    swarm(users, m_spawnRate, m_host);
}

void LocustClient::stop()
{
    cancelRamp();
    QNetworkReply *reply = get(u"/stop"_s);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const Result<QByteArray> body = readReply(reply);
        Q_EMIT stopFinished(body ? ok() : Status(body.error()));
    });
}

void LocustClient::startRamp(const RampPlan &plan, double spawnRate, const QString &host)
{
    m_rampLevels = plan.levels();
    m_rampIndex = 0;
    m_spawnRate = spawnRate;
    if (!host.isEmpty())
        m_host = host;
    m_rampTimer.setInterval(plan.interval);
    nextRampStep();
    if (m_rampIndex < m_rampLevels.size())
        m_rampTimer.start();
}

void LocustClient::cancelRamp()
{
    m_rampTimer.stop();
}

void LocustClient::nextRampStep()
{
    if (m_rampIndex >= m_rampLevels.size()) {
        m_rampTimer.stop();
        return;
    }
    const int users = m_rampLevels[m_rampIndex++];
    swarm(users, m_spawnRate, m_host);
    Q_EMIT rampStepped(users, m_rampIndex, int(m_rampLevels.size()));
    if (m_rampIndex >= m_rampLevels.size()) {
        m_rampTimer.stop();
        Q_EMIT rampFinished();
    }
}

void LocustClient::fetch(const QString &path, std::function<void(const Result<QByteArray> &)> done)
{
    QNetworkReply *reply = get(path);
    connect(reply, &QNetworkReply::finished, this, [this, reply, done = std::move(done)] {
        reply->deleteLater();
        done(readReply(reply));
    });
}

} // namespace bc
