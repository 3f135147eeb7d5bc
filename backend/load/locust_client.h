#pragma once

#include "backend/core/result.h"
#include "backend/load/locust_stats.h"
#include "backend/load/ramp_plan.h"

#include <QByteArray>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <functional>
#include <optional>

class QNetworkReply;

namespace bc {

// Talks to a Locust 2.12 master's web API: start/retarget (POST /swarm), stop (GET /stop), step ramps,
// and GET /stats/requests every 2 s parsed into StatsSnapshot. Every failure (master unreachable,
// HTTP error, malformed JSON, master restarted) becomes a connection state plus a signal; nothing
// throws, and nothing is cleared: what was received stays with the consumer.
class LocustClient : public QObject
{
    Q_OBJECT
public:
    enum class Connection { Idle, Ok, Unreachable, BadResponse };
    Q_ENUM(Connection)

    // Every ~2 s. Just over the master's 2 s memoization of /stats/requests, so each poll is fresh
    // (at exactly 2 s every other poll hit the cache and repeated the previous body).
    static constexpr std::chrono::milliseconds kDefaultPollInterval{2100};
    static constexpr std::chrono::milliseconds kRequestTimeout{5000};

    explicit LocustClient(QObject *parent = nullptr);

    void setBaseUrl(const QUrl &url);
    QUrl baseUrl() const { return m_base; }
    void setPollInterval(std::chrono::milliseconds interval);

    void startPolling(); // polls now, then every interval
    void stopPolling();
    bool isPolling() const { return m_poll.isActive(); }
    void pollNow();

    // POST /swarm. While running it retargets the user count. `host` empty: keep the master's host.
    void swarm(int users, double spawnRate, const QString &host = {});
    void setUsers(int users); // swarm() again with the last spawn rate and host
    void stop();              // GET /stop

    void startRamp(const RampPlan &plan, double spawnRate, const QString &host = {});
    void cancelRamp();
    bool isRamping() const { return m_rampTimer.isActive(); }

    // GET of any other route (CSV downloads); `done` runs on this object's thread.
    void fetch(const QString &path, std::function<void(const Result<QByteArray> &)> done);

    Connection connection() const { return m_connection; }
    QString connectionMessage() const { return m_connectionMessage; }
    const std::optional<StatsSnapshot> &lastSnapshot() const { return m_last; }
    QByteArray lastBody() const { return m_lastBody; } // raw JSON of lastSnapshot()
    int targetUsers() const { return m_targetUsers; }

    static QString connectionName(Connection c);

Q_SIGNALS:
    void snapshotReceived(const bc::StatsSnapshot &snapshot);
    void connectionChanged(bc::LocustClient::Connection state, const QString &message);
    // The master's counters went backwards or it forgot a running test: it was restarted or reset.
    void masterRestarted();
    // Workers the master newly reports as `missing` (ids).
    void workersMissing(const QStringList &ids);
    void swarmFinished(const bc::Status &status);
    void stopFinished(const bc::Status &status);
    void rampStepped(int users, int step, int steps);
    void rampFinished();

private:
    QNetworkReply *get(const QString &path);
    QUrl urlFor(const QString &path) const;
    void onStatsReply(QNetworkReply *reply);
    void setConnection(Connection state, const QString &message);
    void nextRampStep();
    Result<QByteArray> readReply(QNetworkReply *reply);

    QNetworkAccessManager m_nam;
    QUrl m_base;
    QTimer m_poll;
    QPointer<QNetworkReply> m_pendingStats;
    Connection m_connection = Connection::Idle;
    QString m_connectionMessage;
    std::optional<StatsSnapshot> m_last;
    QByteArray m_lastBody;
    bool m_expectReset = false; // our own swarm after a stop may legitimately reset the counters
    QStringList m_missing;
    int m_targetUsers = 0;
    double m_spawnRate = 1;
    QString m_host;

    QTimer m_rampTimer;
    QList<int> m_rampLevels;
    int m_rampIndex = 0;
};

} // namespace bc
