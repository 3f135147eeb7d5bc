#include "backend/orders/cnpg_controller.h"

#include "backend/deploy/manifest_set.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc {

namespace {
const QString kClusterName = u"orderlog-db"_s;

bool validName(const QString &name)
{
    static const QRegularExpression re(u"^[a-z0-9]([-a-z0-9]{0,48}[a-z0-9])?$"_s);
    return re.match(name).hasMatch();
}

Error badName(const QString &name)
{
    return Error {Error::Kind::Invalid,
        u"\"%1\" is not a valid cluster name (lower-case letters, digits and '-', at most 50)."_s.arg(name)};
}

// cluster.yaml without its spec.backup block: a Cluster that keeps no backups needs no bucket or key.
QString withoutBackup(const QString &clusterYaml)
{
    QStringList kept;
    bool inBackup = false;
    for (const QString &line : clusterYaml.split(u'\n')) {
        if (line == u"  backup:")
            inBackup = true;
        else if (inBackup && !line.startsWith(u"   ") && !line.trimmed().isEmpty())
            inBackup = false;
        if (!inBackup)
            kept << line;
    }
    return kept.join(u'\n');
}
} // namespace

CnpgController::CnpgController(RunContext *context, KubeTarget target, QObject *parent)
    : QObject(parent)
    , m_client(context, std::move(target))
{
}

Result<QByteArray> CnpgController::manifest(const QString &file, const QString &clusterName, const QString &bucket)
{
    QFile f(ManifestSet::manifestDirectory() + u"/postgres/"_s + file);
    if (!f.open(QIODevice::ReadOnly))
        return Error {Error::Kind::NotFound, u"Manifest postgres/%1 not found."_s.arg(file), f.fileName()};
    QString text = QString::fromUtf8(f.readAll());
    if (bucket.trimmed().isEmpty()) {
        if (file != u"cluster.yaml")
            return Error {Error::Kind::Invalid, u"Backups are off: give the GCS bucket that holds them."_s};
        return withoutBackup(text).toUtf8();
    }
    QString b = bucket.trimmed();
    if (b.startsWith(u"gs://"_s))
        b = b.mid(5);
    while (b.endsWith(u'/'))
        b.chop(1);
    static const QRegularExpression bucketRe(u"^[a-z0-9][-a-z0-9_.]{1,220}[a-z0-9](/[-A-Za-z0-9_./]*)?$"_s);
    if (!bucketRe.match(b).hasMatch())
        return Error {Error::Kind::Invalid, u"\"%1\" is not a valid GCS bucket."_s.arg(bucket)};
    text.replace(u"gs://orderlog-backups/"_s, u"gs://%1/"_s.arg(b));
    if (file == u"cluster-restored.yaml") {
        if (!validName(clusterName))
            return badName(clusterName);
        text.replace(u"name: orderlog-db-restored"_s, u"name: "_s + clusterName);
    }
    return text.toUtf8();
}

void CnpgController::installOperator(const QString &releaseUrl, KubeClient::Done<QString> done)
{
    const QString url = releaseUrl.trimmed().isEmpty() ? QString::fromLatin1(kDefaultOperatorUrl) : releaseUrl.trimmed();
    if (!url.startsWith(u"https://"_s) && !QFile::exists(url)) {
        done(Error {Error::Kind::Invalid, u"The operator manifest must be an https:// URL or a file: %1"_s.arg(url)});
        return;
    }
    m_client.run(m_client.target().globalArguments() + QStringList {u"apply"_s, u"--server-side"_s, u"--force-conflicts"_s, u"-f"_s, url}, 5min,
        [done](const Result<QByteArray> &r) {
            if (!r)
                done(r.error());
            else
                done(QString::fromUtf8(r.value()));
        });
}

void CnpgController::createBackupCredentials(const QString &keyFile, KubeClient::Done<QString> done)
{
    QFile f(keyFile);
    if (!f.open(QIODevice::ReadOnly)) {
        done(Error {Error::Kind::Invalid, u"Cannot read the key file %1."_s.arg(keyFile), f.errorString()});
        return;
    }
    const QByteArray content = f.readAll();
    const QJsonObject key = QJsonDocument::fromJson(content).object();
    if (key.value(u"type"_s).toString() != u"service_account") {
        done(Error {Error::Kind::Invalid, u"%1 is not a service-account JSON key file."_s.arg(keyFile)});
        return;
    }
    // Built here and sent on kubectl's stdin only: no rendered copy on stdout (which the console shows).
    const QJsonObject secret {{u"apiVersion"_s, u"v1"_s}, {u"kind"_s, u"Secret"_s},
        {u"metadata"_s, QJsonObject {{u"name"_s, u"backup-creds"_s}}}, {u"type"_s, u"Opaque"_s},
        {u"data"_s, QJsonObject {{u"gcsCredentials"_s, QString::fromLatin1(content.toBase64())}}}};
    applySecret(u"backup-creds"_s, secret, std::move(done));
}

void CnpgController::createDatabaseSecret(const QString &clusterName, const QString &password,
    KubeClient::Done<QString> done)
{
    if (!validName(clusterName)) {
        done(badName(clusterName));
        return;
    }
    if (password.size() < 8) {
        done(Error {Error::Kind::Invalid, u"The database password needs at least 8 characters."_s});
        return;
    }
    const QList<std::pair<QString, QString>> values {{u"username"_s, u"orderlog"_s}, {u"user"_s, u"orderlog"_s},
        {u"password"_s, password}, {u"host"_s, clusterName + u"-rw"_s}, {u"port"_s, u"5432"_s}, {u"dbname"_s, u"orderlog"_s}};
    QJsonObject data;
    for (const auto &[k, v] : values)
        data.insert(k, QString::fromLatin1(v.toUtf8().toBase64()));
    // `data`, not `stringData`: the values are stored as sent, and nothing is kept in plain text.
    const QJsonObject secret {{u"apiVersion"_s, u"v1"_s}, {u"kind"_s, u"Secret"_s},
        {u"metadata"_s, QJsonObject {{u"name"_s, u"orderlog-db"_s}, {u"labels"_s, QJsonObject {{u"cnpg.io/reload"_s, u"true"_s}}}}},
        {u"type"_s, u"kubernetes.io/basic-auth"_s}, {u"data"_s, data}};
    applySecret(u"orderlog-db"_s, secret, std::move(done));
}

void CnpgController::applySecret(const QString &name, const QJsonObject &secret, KubeClient::Done<QString> done)
{
    // A client-side apply copies the whole object into the last-applied-configuration annotation, and
    // a server-side apply refreshes that annotation when it is already there (an older version of this
    // app, or a hand-run `kubectl apply`). So the annotation goes first, then a server-side apply that
    // writes none; the Secret's content travels on stdin only, never in argv.
    KubeClient *client = &m_client;
    const QByteArray body = QJsonDocument(secret).toJson(QJsonDocument::Compact);
    const QByteArray dropAnnotation = QJsonDocument(QJsonObject {{u"metadata"_s,
        QJsonObject {{u"annotations"_s, QJsonObject {{QString::fromLatin1(kLastAppliedAnnotation), QJsonValue::Null}}}}}})
                                          .toJson(QJsonDocument::Compact);
    m_client.patch(u"secret"_s, name, u"merge"_s, dropAnnotation, [client, body, done](const Result<QString> &r) {
        if (!r && !(r.error().message + r.error().detail).contains(u"(NotFound)"_s)) {
            done(r.error());
            return;
        }
        client->applyManifest(body, true, done);
    });
}

void CnpgController::createCluster(KubeClient::Done<QString> done)
{
    const auto cluster = manifest(u"cluster.yaml"_s, kClusterName, m_bucket);
    if (cluster && m_bucket.trimmed().isEmpty()) { // backups off: no ScheduledBackup either
        m_client.applyManifest(cluster.value(), false, done);
        return;
    }
    const auto schedule = manifest(u"scheduled-backup.yaml"_s, kClusterName, m_bucket);
    if (!cluster || !schedule) {
        done(cluster ? schedule.error() : cluster.error());
        return;
    }
    m_client.applyManifest(cluster.value() + "\n---\n" + schedule.value(), false, done);
}

void CnpgController::backupNow(const QString &clusterName, KubeClient::Done<QString> done)
{
    if (!validName(clusterName)) {
        done(badName(clusterName));
        return;
    }
    const QString name = clusterName + u"-manual-"_s + QDateTime::currentDateTimeUtc().toString(u"yyyyMMdd-HHmmss"_s);
    const QJsonObject backup {{u"apiVersion"_s, u"postgresql.cnpg.io/v1"_s}, {u"kind"_s, u"Backup"_s},
        {u"metadata"_s, QJsonObject {{u"name"_s, name}}},
        {u"spec"_s, QJsonObject {{u"cluster"_s, QJsonObject {{u"name"_s, clusterName}}}}}};
    m_client.applyManifest(QJsonDocument(backup).toJson(QJsonDocument::Compact), false,
        [done, name](const Result<QString> &r) {
            if (!r)
                done(r.error());
            else
                done(name);
        });
}

Result<QList<CnpgBackup>> CnpgController::parseBackups(const QByteArray &json)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError)
        return Error {Error::Kind::Failed, u"kubectl returned unreadable backups."_s, pe.errorString()};
    QList<CnpgBackup> out;
    for (const QJsonValue &v : doc.object().value(u"items"_s).toArray()) {
        const QJsonObject o = v.toObject();
        CnpgBackup b;
        b.name = o.value(u"metadata"_s).toObject().value(u"name"_s).toString();
        b.cluster = o.value(u"spec"_s).toObject().value(u"cluster"_s).toObject().value(u"name"_s).toString();
        const QJsonObject status = o.value(u"status"_s).toObject();
        b.phase = status.value(u"phase"_s).toString();
        b.startedAt = QDateTime::fromString(status.value(u"startedAt"_s).toString(), Qt::ISODate);
        b.stoppedAt = QDateTime::fromString(status.value(u"stoppedAt"_s).toString(), Qt::ISODate);
        b.error = status.value(u"error"_s).toString();
        out.append(b);
    }
    return out;
}

void CnpgController::listBackups(KubeClient::Done<QList<CnpgBackup>> done)
{
    m_client.run(m_client.target().namespacedArguments() + QStringList {u"get"_s, u"backups.postgresql.cnpg.io"_s, u"-o"_s, u"json"_s}, 30s,
        [done](const Result<QByteArray> &r) {
            if (!r)
                done(r.error());
            else
                done(parseBackups(r.value()));
        });
}

void CnpgController::restore(const QString &newClusterName, KubeClient::Done<QString> done)
{
    const auto m = manifest(u"cluster-restored.yaml"_s, newClusterName, m_bucket);
    if (!m) {
        done(m.error());
        return;
    }
    m_client.applyManifest(m.value(), false, done);
}

void CnpgController::switchOrderlog(const QString &clusterName, KubeClient::Done<QString> done)
{
    if (!validName(clusterName)) {
        done(badName(clusterName));
        return;
    }
    KubeClient *client = &m_client;
    const QByteArray patch = QJsonDocument(QJsonObject {{u"data"_s,
                                               QJsonObject {{u"host"_s, QString::fromLatin1((clusterName + u"-rw"_s).toUtf8().toBase64())}}}})
                                 .toJson(QJsonDocument::Compact);
    m_client.patch(u"secret"_s, u"orderlog-db"_s, u"merge"_s, patch, [client, done](const Result<QString> &r) {
        if (!r) {
            done(r.error());
            return;
        }
        client->rolloutRestart(u"orderlog"_s, done); // manifests/orderlog.yaml
    });
}

} // namespace bc
