#pragma once

// The order log's PostgreSQL on the cluster (CloudNativePG): install the operator, create the Cluster
// and its daily ScheduledBackup from manifests/postgres/, back up now, list backups, restore into a new
// Cluster and point orderlog-server at it. Every call goes through KubeClient (real kubectl).
// Secrets (orderlog-db, backup-creds) are built here and applied server-side through stdin: never in
// argv, the log, settings or the last-applied-configuration annotation. The GCS key is read from the
// path the user chose and sent to the cluster only; it is never copied to another file.

#include "backend/kube/kube_client.h"

#include <QDateTime>
#include <QJsonObject>
#include <QObject>

namespace bc {

struct CnpgBackup
{
    QString name;
    QString cluster;
    QString phase; // "", "started", "completed", "failed", ...
    QDateTime startedAt;
    QDateTime stoppedAt;
    QString error;
};

class CnpgController : public QObject
{
    Q_OBJECT
public:
    static constexpr const char *kLastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
    static constexpr const char *kDefaultOperatorUrl
        = "https://raw.githubusercontent.com/cloudnative-pg/cloudnative-pg/release-1.21/releases/cnpg-1.21.1.yaml";

    CnpgController(RunContext *context, KubeTarget target, QObject *parent = nullptr);

    // "orderlog-backups" or "gs://..."; empty: backups off (a Cluster without spec.backup, no key).
    void setBucket(const QString &bucket) { m_bucket = bucket; }
    QString bucket() const { return m_bucket; }
    KubeClient *client() { return &m_client; }

    // manifests/postgres/<file> with the cluster name and bucket filled in.
    static Result<QByteArray> manifest(const QString &file, const QString &clusterName, const QString &bucket);

    void installOperator(const QString &releaseUrl, KubeClient::Done<QString> done);
    void createBackupCredentials(const QString &keyFile, KubeClient::Done<QString> done);
    void createDatabaseSecret(const QString &clusterName, const QString &password, KubeClient::Done<QString> done);
    void createCluster(KubeClient::Done<QString> done); // Cluster orderlog-db + ScheduledBackup
    void backupNow(const QString &clusterName, KubeClient::Done<QString> done); // returns the Backup's name
    void listBackups(KubeClient::Done<QList<CnpgBackup>> done);
    void restore(const QString &newClusterName, KubeClient::Done<QString> done);
    // orderlog-server follows the Secret orderlog-db: its host becomes <cluster>-rw, then a restart.
    void switchOrderlog(const QString &clusterName, KubeClient::Done<QString> done);

    static Result<QList<CnpgBackup>> parseBackups(const QByteArray &json);

private:
    void applySecret(const QString &name, const QJsonObject &secret, KubeClient::Done<QString> done);

    KubeClient m_client;
    QString m_bucket = QStringLiteral("orderlog-backups");
};

} // namespace bc
