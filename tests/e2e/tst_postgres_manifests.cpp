// manifests/postgres/ and the app's backup/restore actions on the real sandbox with the real kubectl.
// The sandbox stores CNPG objects (Cluster, ScheduledBackup, Backup CRDs) and stands in for the
// operator with Services and instance pods whose port 5432 leads to the pg fixture (--postgres), so
// the app's port-forward reaches a real PostgreSQL; backups are objects only. The StorageClass is
// not served by the sandbox (no storage.k8s.io) and is checked as YAML here.

#include "backend/orders/cnpg_controller.h"
#include "backend/orders/port_forward.h"
#include "backend/kube/kube_client.h"
#include "backend/process/command_log.h"
#include "backend/sandbox/sandbox_controller.h"
#include "tests/support/pg_test_db.h"
#include "tests/support/process_table.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QStandardPaths>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

template <typename T>
struct Waiter
{
    std::optional<bc::Result<T>> result;
    bc::KubeClient::Done<T> callback()
    {
        return [this](const bc::Result<T> &r) { result = r; };
    }
    bool wait(int ms = 30000)
    {
        return QTest::qWaitFor([this] { return result.has_value(); }, ms);
    }
    QByteArray why() const { return (result && !*result) ? result->error().message.toUtf8() + ": " + result->error().detail.toUtf8() : QByteArray(); }
};

} // namespace

class TstPostgresManifests : public QObject
{
    Q_OBJECT

    QJsonObject get(const QString &resource, const QString &name)
    {
        Waiter<QByteArray> w;
        m_client->run(m_client->target().namespacedArguments() + QStringList {u"get"_s, resource, name, u"-o"_s, u"json"_s}, 30s, w.callback());
        if (!w.wait() || !*w.result) {
            qWarning() << "kubectl get" << resource << name << "failed:" << w.why();
            return {};
        }
        return QJsonDocument::fromJson(w.result->value()).object();
    }

    // The whole object as the API server returns it, managedFields included.
    QByteArray rawObject(const QString &resource, const QString &name)
    {
        Waiter<QByteArray> w;
        m_client->run(m_client->target().namespacedArguments()
                + QStringList {u"get"_s, resource, name, u"-o"_s, u"json"_s, u"--show-managed-fields"_s},
            30s, w.callback());
        if (!w.wait() || !*w.result) {
            qWarning() << "kubectl get" << resource << name << "failed:" << w.why();
            return {};
        }
        return w.result->value();
    }

    // SHOW port through the forwarded local port: the PostgreSQL behind the forward answers.
    static int serverPortThrough(quint16 localPort)
    {
        try {
            pqxx::connection db("host=127.0.0.1 port=" + std::to_string(localPort)
                + " user=postgres dbname=postgres connect_timeout=5");
            pqxx::nontransaction tx(db);
            return tx.exec1("SHOW port")[0].as<int>();
        } catch (const std::exception &e) {
            qWarning() << "query through the forward failed:" << e.what();
            return -1;
        }
    }


private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_options.stateDirectory = m_dir.path();
        m_options.podStartDelaySeconds = 1;
        m_options.timeScale = 0.25;
        QVERIFY(m_options.withCrds);
        const std::string conninfo = bc::test::postgresAdminConninfo(); // the pg fixture
        const auto portAt = conninfo.find("port=");
        QVERIFY2(portAt != std::string::npos, conninfo.c_str());
        m_postgresPort = std::stoi(conninfo.substr(portAt + 5));
        m_options.postgresAddress = u"127.0.0.1:%1"_s.arg(m_postgresPort);
        QVERIFY2(!bc::SandboxController::locateBinary().isEmpty(), "boutique-sandbox binary not found");
        m_sandbox = new bc::SandboxController(&m_context, this);
        QSignalSpy ready(m_sandbox, &bc::SandboxController::ready);
        m_sandbox->start(m_options);
        QVERIFY(ready.wait(20000));
        m_client = new bc::KubeClient(&m_context, m_sandbox->target(), this);
    }

    void cleanupTestCase()
    {
        if (!m_sandbox)
            return;
        m_sandbox->stop();
        QTRY_COMPARE_WITH_TIMEOUT(m_sandbox->state(), bc::SandboxController::State::Stopped, 10000);
    }

    void manifestsApplyWithKubectl()
    {
        const QString dir = QStringLiteral(BC_SOURCE_DIR) + u"/manifests/postgres/"_s;
        Waiter<QString> applied;
        m_client->apply({dir + u"cluster.yaml"_s, dir + u"scheduled-backup.yaml"_s, dir + u"cluster-restored.yaml"_s},
            false, applied.callback());
        QVERIFY(applied.wait(60000));
        QVERIFY2(*applied.result, applied.why().constData());
        const QJsonObject cluster = get(u"clusters.postgresql.cnpg.io"_s, u"orderlog-db"_s);
        QCOMPARE(cluster.value(u"spec"_s)[u"instances"_s].toInt(), 3);
        QCOMPARE(cluster.value(u"spec"_s)[u"storage"_s][u"storageClass"_s].toString(), u"retain-storage-class"_s);
        QCOMPARE(cluster.value(u"spec"_s)[u"backup"_s][u"barmanObjectStore"_s][u"googleCredentials"_s]
                     [u"applicationCredentials"_s][u"name"_s].toString(),
            u"backup-creds"_s);
        const QJsonObject schedule = get(u"scheduledbackups.postgresql.cnpg.io"_s, u"orderlog-db-daily"_s);
        QCOMPARE(schedule.value(u"spec"_s)[u"schedule"_s].toString(), u"0 0 0 * * *"_s); // 6 fields, midnight
        QCOMPARE(schedule.value(u"spec"_s)[u"cluster"_s][u"name"_s].toString(), u"orderlog-db"_s);
        const QJsonObject restored = get(u"clusters.postgresql.cnpg.io"_s, u"orderlog-db-restored"_s);
        const QJsonObject ext = restored.value(u"spec"_s)[u"externalClusters"_s].toArray().at(0).toObject();
        QCOMPARE(restored.value(u"spec"_s)[u"bootstrap"_s][u"recovery"_s][u"source"_s].toString(),
            ext.value(u"name"_s).toString());
        // The lab's caveat fixed: barman looks under the name of the cluster that wrote the backups.
        QCOMPARE(ext.value(u"barmanObjectStore"_s)[u"serverName"_s].toString(), u"orderlog-db"_s);
        QCOMPARE(cluster.value(u"spec"_s)[u"backup"_s][u"barmanObjectStore"_s][u"serverName"_s].toString(),
            u"orderlog-db"_s);

        QFile sc(dir + u"storage-class.yaml"_s);
        QVERIFY(sc.open(QIODevice::ReadOnly));
        const QByteArray scText = sc.readAll();
        QVERIFY(scText.contains("reclaimPolicy: Retain"));
        QVERIFY(scText.contains("name: retain-storage-class"));
    }

    void backupAndRestoreActionsCreateObjects()
    {
        bc::CnpgController cnpg(&m_context, m_sandbox->target());
        cnpg.setBucket(u"gs://my-order-backups"_s);
        Waiter<QString> created;
        cnpg.createCluster(created.callback());
        QVERIFY(created.wait(60000));
        QVERIFY2(*created.result, created.why().constData());
        QCOMPARE(get(u"clusters.postgresql.cnpg.io"_s, u"orderlog-db"_s)
                     .value(u"spec"_s)[u"backup"_s][u"barmanObjectStore"_s][u"destinationPath"_s]
                     .toString(),
            u"gs://my-order-backups/"_s);

        Waiter<QString> backup;
        cnpg.backupNow(u"orderlog-db"_s, backup.callback());
        QVERIFY(backup.wait(60000));
        QVERIFY2(*backup.result, backup.why().constData());
        const QString backupName = backup.result->value();
        QVERIFY(backupName.startsWith(u"orderlog-db-manual-"_s));

        Waiter<QList<bc::CnpgBackup>> list;
        cnpg.listBackups(list.callback());
        QVERIFY(list.wait(60000));
        QVERIFY2(*list.result, list.why().constData());
        bool found = false;
        for (const bc::CnpgBackup &b : list.result->value())
            found = found || (b.name == backupName && b.cluster == u"orderlog-db"_s);
        QVERIFY(found);

        Waiter<QString> restored;
        cnpg.restore(u"orderlog-db-r2"_s, restored.callback());
        QVERIFY(restored.wait(60000));
        QVERIFY2(*restored.result, restored.why().constData());
        const QJsonObject r2 = get(u"clusters.postgresql.cnpg.io"_s, u"orderlog-db-r2"_s);
        QCOMPARE(r2.value(u"spec"_s)[u"externalClusters"_s].toArray().at(0)[u"barmanObjectStore"_s]
                     [u"destinationPath"_s].toString(),
            u"gs://my-order-backups/"_s);

        // The password goes through stdin only: not on any command line the log shows.
        QStringList commandLines;
        const auto logged = connect(m_context.log(), &bc::CommandLog::commandStarted, this,
            [&commandLines](quint64, const QString &line, bool) { commandLines << line; });
        Waiter<QString> secret;
        cnpg.createDatabaseSecret(u"orderlog-db"_s, u"Sup3r-secret-pw"_s, secret.callback());
        QVERIFY(secret.wait(60000));
        QVERIFY2(*secret.result, secret.why().constData());
        disconnect(logged);
        QVERIFY2(!commandLines.isEmpty() && commandLines.last().contains(u" apply "_s), qPrintable(commandLines.join(u'\n')));
        for (const QString &line : std::as_const(commandLines)) {
            QVERIFY2(!line.contains(u"Sup3r-secret-pw"_s), qPrintable(line));
            QVERIFY2(!line.contains(QString::fromLatin1(QByteArray("Sup3r-secret-pw").toBase64())), qPrintable(line));
        }
        Waiter<QString> switched;
        Waiter<QString> orderlog;
        m_client->apply({QStringLiteral(BC_SOURCE_DIR) + u"/manifests/orderlog.yaml"_s}, false, orderlog.callback());
        QVERIFY(orderlog.wait(60000));
        QVERIFY2(*orderlog.result, orderlog.why().constData());
        cnpg.switchOrderlog(u"orderlog-db-r2"_s, switched.callback());
        QVERIFY(switched.wait(60000));
        QVERIFY2(*switched.result, switched.why().constData());
        const QJsonObject s = get(u"secret"_s, u"orderlog-db"_s);
        QCOMPARE(QByteArray::fromBase64(s.value(u"data"_s)[u"host"_s].toString().toLatin1()), QByteArray("orderlog-db-r2-rw"));

        // Bad input is refused before kubectl runs.
        Waiter<QString> bad;
        cnpg.restore(u"Bad Name!"_s, bad.callback());
        QVERIFY(bad.wait(1000));
        QCOMPARE(bad.result->error().kind, bc::Error::Kind::Invalid);
    }

    // Issue 20 point 1: the Secrets are applied server-side, so no copy of their content lands in the
    // last-applied-configuration annotation (nor anywhere else in the object, managedFields included),
    // and neither the password nor the key is on a command line or an output line the log shows. The
    // Secret first exists as an older app left it (client-side apply): its annotation goes too.
    void secretsKeepTheirContentInDataOnly()
    {
        const QString oldPassword = u"0ld-client-side-pw"_s;
        const QJsonObject old {{u"apiVersion"_s, u"v1"_s}, {u"kind"_s, u"Secret"_s},
            {u"metadata"_s, QJsonObject {{u"name"_s, u"orderlog-db"_s}}},
            {u"stringData"_s, QJsonObject {{u"password"_s, oldPassword}}}};
        Waiter<QString> clientSide;
        m_client->applyManifest(QJsonDocument(old).toJson(QJsonDocument::Compact), false, clientSide.callback());
        QVERIFY(clientSide.wait(60000));
        QVERIFY2(*clientSide.result, clientSide.why().constData());
        QVERIFY2(rawObject(u"secret"_s, u"orderlog-db"_s).contains(oldPassword.toUtf8()),
            "a client-side apply should have left the password in the annotation (the leak this test guards)");

        QStringList logged;
        const auto started = connect(m_context.log(), &bc::CommandLog::commandStarted, this,
            [&logged](quint64, const QString &line, bool) { logged << line; });
        const auto output = connect(m_context.log(), &bc::CommandLog::commandOutput, this,
            [&logged](quint64, const QString &line, bool) { logged << line; });
        const QString password = u"N3w-server-side-pw"_s;
        bc::CnpgController cnpg(&m_context, m_sandbox->target());
        Waiter<QString> secret;
        cnpg.createDatabaseSecret(u"orderlog-db"_s, password, secret.callback());
        QVERIFY(secret.wait(60000));
        QVERIFY2(*secret.result, secret.why().constData());

        const QByteArray keyMaterial = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC-not-a-real-key";
        QFile keyFile(m_dir.filePath(u"gcs-key.json"_s));
        QVERIFY(keyFile.open(QIODevice::WriteOnly));
        const QByteArray key = "{\"type\": \"service_account\", \"project_id\": \"p\", \"private_key\": \"" + keyMaterial + "\"}";
        keyFile.write(key);
        keyFile.close();
        Waiter<QString> creds;
        cnpg.createBackupCredentials(keyFile.fileName(), creds.callback());
        QVERIFY(creds.wait(60000));
        QVERIFY2(*creds.result, creds.why().constData());
        disconnect(started);
        disconnect(output);

        QVERIFY(logged.size() >= 4); // two commands per Secret: drop the annotation, apply server-side
        QVERIFY2(logged.filter(u"--server-side"_s).size() == 2, qPrintable(logged.join(u'\n')));
        for (const QByteArray &secretText : {password.toUtf8(), password.toUtf8().toBase64(), keyMaterial, key.toBase64()})
            for (const QString &line : logged)
                QVERIFY2(!line.contains(QString::fromLatin1(secretText)), qPrintable(u"logged: "_s + line));

        const QByteArray db = rawObject(u"secret"_s, u"orderlog-db"_s);
        const QJsonObject dbObject = QJsonDocument::fromJson(db).object();
        QCOMPARE(dbObject.value(u"data"_s)[u"password"_s].toString().toLatin1(), password.toUtf8().toBase64());
        QCOMPARE(db.count(password.toUtf8().toBase64()), 1); // in data, nowhere else
        QVERIFY2(!db.contains(password.toUtf8()), db.constData());
        QVERIFY2(!db.contains(oldPassword.toUtf8()), db.constData());
        QVERIFY2(!db.contains(oldPassword.toUtf8().toBase64()), db.constData());
        QVERIFY(!dbObject.value(u"metadata"_s)[u"annotations"_s].toObject().contains(
            QString::fromLatin1(bc::CnpgController::kLastAppliedAnnotation)));
        QVERIFY(!dbObject.contains(u"stringData"_s));
        QCOMPARE(dbObject.value(u"metadata"_s)[u"labels"_s][u"cnpg.io/reload"_s].toString(), u"true"_s);

        const QByteArray backup = rawObject(u"secret"_s, u"backup-creds"_s);
        QCOMPARE(QByteArray::fromBase64(QJsonDocument::fromJson(backup).object().value(u"data"_s)[u"gcsCredentials"_s]
                                            .toString().toLatin1()),
            key);
        QCOMPARE(backup.count(key.toBase64()), 1);
        QVERIFY2(!backup.contains(keyMaterial), backup.constData());
        QVERIFY2(!backup.contains("last-applied-configuration"), backup.constData());
        // The key is read where the user keeps it and sent to the cluster only: no copy in any file of
        // this test's directory (the sandbox's state included) or of the app's own locations.
        QStringList roots {m_dir.path()};
        for (const auto location : {QStandardPaths::AppDataLocation, QStandardPaths::AppConfigLocation,
                 QStandardPaths::CacheLocation})
            roots << QStandardPaths::writableLocation(location);
        for (const QString &root : roots) {
            QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                QFile f(path);
                if (path == keyFile.fileName() || f.size() > 64 * 1024 * 1024 || !f.open(QIODevice::ReadOnly))
                    continue;
                QVERIFY2(!f.readAll().contains(keyMaterial), qPrintable(u"a copy of the key in "_s + path));
            }
        }

        // A second run (the Secret exists, created server-side) changes the value in place.
        Waiter<QString> again;
        cnpg.createDatabaseSecret(u"orderlog-db"_s, u"Th1rd-password"_s, again.callback());
        QVERIFY(again.wait(60000));
        QVERIFY2(*again.result, again.why().constData());
        const QByteArray third = rawObject(u"secret"_s, u"orderlog-db"_s);
        QCOMPARE(third.count(QByteArray("Th1rd-password").toBase64()), 1);
        QVERIFY(!third.contains(password.toUtf8().toBase64()));
    }

    // Issue #10: the real `kubectl port-forward svc/orderlog-db-rw` (the sandbox's CNPG stand-in
    // maps the instance pods' port 5432 to the pg fixture), a real query through it, then a dropped
    // forward: a clear message, then ready again and the query works again.
    void portForwardReachesPostgresAndRecovers()
    {
        bc::PortForward forward(&m_context, m_sandbox->target());
        forward.setMaxBackoff(500);
        QSignalSpy ready(&forward, &bc::PortForward::ready);
        QSignalSpy dropped(&forward, &bc::PortForward::dropped);
        forward.start(u"orderlog-db-rw"_s);
        // Until the primary pod is Running kubectl refuses and PortForward retries.
        QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 1, 30000);
        QCOMPARE(ready.first().first().value<quint16>(), forward.localPort());
        QCOMPARE(serverPortThrough(forward.localPort()), m_postgresPort);

        const int droppedBefore = dropped.count();
        QVERIFY2(bc::test::killDescendants({"port-forward", "svc/orderlog-db-rw"}) > 0,
                 "no kubectl port-forward child of this test to kill");
        QTRY_VERIFY_WITH_TIMEOUT(dropped.count() > droppedBefore, 10000);
        const auto error = dropped.last().first().value<bc::Error>();
        QCOMPARE(error.kind, bc::Error::Kind::Unavailable);
        QVERIFY2(error.message.contains(u"port-forward to orderlog-db-rw stopped; reconnecting"_s),
            qPrintable(error.message));
        QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 2, 20000);
        QVERIFY(forward.isForwarding());
        QCOMPARE(serverPortThrough(forward.localPort()), m_postgresPort);
        forward.stop();
    }

    void portForwardToUnknownServiceIsReportedAndRetried()
    {
        bc::PortForward forward(&m_context, m_sandbox->target());
        forward.setMaxBackoff(500);
        QSignalSpy dropped(&forward, &bc::PortForward::dropped);
        forward.start(u"no-such-db-rw"_s);
        QVERIFY(forward.localPort() > 0);
        QVERIFY(dropped.wait(30000));
        const auto error = dropped.first().first().value<bc::Error>();
        QCOMPARE(error.kind, bc::Error::Kind::Unavailable);
        QVERIFY2(error.message.contains(u"no-such-db-rw"_s), qPrintable(error.message));
        QVERIFY2(error.detail.contains(u"services \"no-such-db-rw\" not found"_s), qPrintable(error.detail));
        QTRY_VERIFY_WITH_TIMEOUT(forward.attempts() >= 2, 30000);
        QVERIFY(!forward.isForwarding());
        forward.stop();
    }

private:
    QTemporaryDir m_dir;
    bc::RunContext m_context;
    bc::SandboxOptions m_options;
    bc::SandboxController *m_sandbox = nullptr;
    bc::KubeClient *m_client = nullptr;
    int m_postgresPort = 0;
};

QTEST_GUILESS_MAIN(TstPostgresManifests)
#include "tst_postgres_manifests.moc"
