// `boutique-control sandbox start|status|stop` run the app's whole local stack detached, with the real
// binaries: PostgreSQL 15, orderlog-server and boutique-sandbox. A storefront checkout posted over HTTP
// is read back with the `orders list` line that `sandbox start` prints; `sandbox stop` leaves no
// process; a second start keeps the order; a part that fails stops the parts already started.
#include "tests/support/process_table.h"

#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace {

struct Run
{
    int code = -1;
    QString out;
    QString err;
};

QString captured(const QString &text, const QString &pattern)
{
    return QRegularExpression(pattern, QRegularExpression::MultilineOption).match(text).captured(1);
}

} // namespace

class TstCliSandboxStack : public QObject
{
    Q_OBJECT
private:
    Run app(const QStringList &args, const QHash<QString, QString> &extraEnv = {}, int timeoutMs = 90000)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"XDG_DATA_HOME"_s, m_home.filePath(u"data"_s));
        env.insert(u"XDG_CONFIG_HOME"_s, m_home.filePath(u"config"_s));
        env.remove(u"PGPASSWORD"_s);
        for (auto it = extraEnv.cbegin(); it != extraEnv.cend(); ++it)
            env.insert(it.key(), it.value());
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(BC_APP_BINARY), args);
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
            return {};
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

    Run sandbox(const QString &action, const QStringList &more = {}, const QHash<QString, QString> &env = {})
    {
        return app(QStringList{u"sandbox"_s, action, u"--state-dir"_s, stateDir(), u"--pod-start-delay"_s, u"1"_s,
                               u"--time-scale"_s, u"0.25"_s}
                       + more,
                   env);
    }

    QString stateDir() const { return m_home.filePath(u"sandbox"_s); }
    QString kubeconfig() const { return m_home.filePath(u"sandbox/kubeconfig"_s); }
    QString password() const
    {
        QFile f(m_home.filePath(u"sandbox/orderlog-db.password"_s));
        return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).trimmed() : QString();
    }

    // Runs the `orders list` line that `sandbox start` printed.
    Run ordersList(const QString &startOutput, const QString &orderId)
    {
        const QString db = captured(startOutput, uR"(^orders: boutique-control orders list --db '([^']+)')"_s);
        const QString file = captured(startOutput, uR"(^orders: .* --password-file (\S+)$)"_s);
        if (db.isEmpty() || file.isEmpty())
            return {-1, {}, u"no orders line in: "_s + startOutput};
        return app({u"orders"_s, u"list"_s, u"--db"_s, db, u"--password-file"_s, file, u"--filter"_s,
                    u"order="_s + orderId});
    }

    // This stack's processes: those naming the state directory or the database port, with their process
    // groups and descendants.
    QHash<qint64, QString> stackProcesses(const QString &databasePort) const
    {
        return bc::test::processFamily(bc::test::liveProcesses(), [&](const bc::test::ProcessInfo &p) {
            return p.commandLine.contains(stateDir()) || p.commandLine.contains(u"port=%1 "_s.arg(databasePort));
        });
    }

    QString frontendUrl()
    {
        QProcess kubectl;
        kubectl.start(u"kubectl"_s, {u"--kubeconfig"_s, kubeconfig(), u"--context"_s, u"boutique-sandbox"_s, u"get"_s,
                                     u"service"_s, u"frontend-external"_s, u"-o"_s,
                                     u"jsonpath={.status.loadBalancer.ingress[0].ip}:{.spec.ports[0].port}"_s});
        if (!kubectl.waitForFinished(20000) || kubectl.exitCode() != 0)
            return {};
        const QString hostPort = QString::fromUtf8(kubectl.readAllStandardOutput()).trimmed();
        return hostPort.startsWith(u':') || hostPort.isEmpty() ? QString() : u"http://"_s + hostPort;
    }

    QTemporaryDir m_home;
    QString m_started; // output of the first `sandbox start`
    QString m_orderId;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        // As root the postgres user must be able to enter it (else the data would go to /var/lib/postgresql).
        QFile::setPermissions(m_home.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadOther
                                                 | QFile::ExeOther | QFile::ReadGroup | QFile::ExeGroup);
    }

    void cleanupTestCase()
    {
        const Run stopped = sandbox(u"stop"_s);
        QCOMPARE(stopped.code, 0);
        QCOMPARE(sandbox(u"status"_s).code, 3);
    }

    void startRunsDatabaseOrderlogAndCluster()
    {
        const Run started = sandbox(u"start"_s);
        QVERIFY2(started.code == 0, qPrintable(started.out + started.err));
        m_started = started.out;
        QVERIFY2(started.out.contains(u"sandbox: running at http://127.0.0.1:"_s), qPrintable(started.out));
        QVERIFY(started.out.contains(u"kubeconfig: "_s + kubeconfig()));
        QVERIFY(started.out.contains(u"orderlog: running at 127.0.0.1:"_s));
        QVERIFY(started.out.contains(u"database: running at 127.0.0.1:"_s));
        QVERIFY(started.out.contains(u"database password file: "_s + stateDir() + u"/orderlog-db.password"_s));
        QVERIFY(QFile::exists(kubeconfig()));
        QVERIFY(QFile::exists(stateDir() + u"/postgres/data/PG_VERSION"_s));
        const QString secret = password();
        QVERIFY(secret.size() >= 16);
        QCOMPARE(QFileInfo(stateDir() + u"/orderlog-db.password"_s).permissions()
                     & ~(QFile::ReadUser | QFile::WriteUser),
                 QFile::ReadOwner | QFile::WriteOwner);
        QVERIFY(!(started.out + started.err).contains(secret));
        for (const bc::test::ProcessInfo &p : bc::test::liveProcesses())
            QVERIFY2(!p.commandLine.contains(secret), qPrintable(p.commandLine.left(80)));

        const Run status = sandbox(u"status"_s);
        QCOMPARE(status.code, 0);
        QCOMPARE(status.out.count(u": running at "_s), 3);
        QVERIFY(!status.out.contains(secret));
        const Run again = sandbox(u"start"_s);
        QCOMPARE(again.code, 0);
        QVERIFY(again.out.contains(u"already running"_s));
    }

    void dryRunPrintsTheStackWithoutThePassword()
    {
        const Run r = sandbox(u"start"_s, {u"--dry-run"_s});
        QCOMPARE(r.code, 0);
        const QStringList lines = r.out.trimmed().split(u'\n');
        QCOMPARE(lines.size(), 4); // initialized already: postgres, psql, orderlog-server, boutique-sandbox
        QVERIFY2(lines.at(0).contains(u"/postgres -D "_s + stateDir()), qPrintable(lines.at(0)));
        QVERIFY(lines.at(1).contains(u"/psql "_s));
        QVERIFY(lines.at(2).contains(u"orderlog-server --listen 127.0.0.1"_s));
        QVERIFY(lines.at(2).contains(u"dbname=orderlog user=orderlog"_s));
        QVERIFY(lines.at(3).contains(u"boutique-sandbox --port 0"_s));
        QVERIFY(lines.at(3).contains(u" --postgres 127.0.0.1:"_s));
        QVERIFY(lines.at(3).contains(u" --orderlog "_s));
        // orderlog-server's checkout tap forwards to the port the cluster serves checkoutservice on.
        const QString upstream = captured(lines.at(2), uR"( --checkout-upstream (127\.0\.0\.1:\d+))"_s);
        QVERIFY2(!upstream.isEmpty(), qPrintable(lines.at(2)));
        QCOMPARE(captured(lines.at(3), uR"( --checkout-listen (127\.0\.0\.1:\d+))"_s), upstream);
        QVERIFY(!r.out.contains(password()));
        const Run status = sandbox(u"status"_s); // a dry run touches nothing
        QCOMPARE(status.out.count(u": running at "_s), 3);
        QVERIFY2(status.out.contains(u"sandbox: running at http://127.0.0.1:"_s), qPrintable(status.out));
        QVERIFY2(m_started.contains(status.out.section(u'\n', 0, 0)), qPrintable(status.out));
    }

    void checkoutIsListedByTheOrdersLine()
    {
        const Run deployed = app({u"deploy"_s, u"-f"_s, QStringLiteral(BC_MANIFEST_DIR "/minimal.yaml"), u"-f"_s,
                                  QStringLiteral(BC_MANIFEST_DIR "/orderlog.yaml"), u"--wait"_s, u"--timeout"_s, u"60"_s,
                                  u"--kubeconfig"_s, kubeconfig(), u"--context"_s, u"boutique-sandbox"_s});
        QVERIFY2(deployed.code == 0, qPrintable(deployed.out + deployed.err));
        QVERIFY(deployed.out.contains(u"orderlog 1/1 ready, available"_s));
        // The files hold the frontend and orderlog.yaml: the frontend is pointed at the checkout tap.
        QVERIFY2(deployed.out.contains(u"deployment.apps/frontend env updated"_s), qPrintable(deployed.out));

        QString frontend;
        QTRY_VERIFY_WITH_TIMEOUT(!(frontend = frontendUrl()).isEmpty(), 20000);
        QVERIFY2(frontend.startsWith(u"http://127."_s), qPrintable(frontend)); // loopback only
        QNetworkAccessManager http; // keeps the shop_session-id cookie between requests
        auto post = [&](const QString &path, const QList<std::pair<QString, QString>> &form) {
            QNetworkRequest request(QUrl(frontend + path));
            request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/x-www-form-urlencoded"_s);
            request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
            QUrlQuery query;
            for (const auto &[k, v] : form)
                query.addQueryItem(k, v);
            QNetworkReply *reply = http.post(request, query.toString(QUrl::FullyEncoded).toUtf8());
            QSignalSpy done(reply, &QNetworkReply::finished);
            (void)done.wait(15000);
            const int code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QString body = QString::fromUtf8(reply->readAll());
            reply->deleteLater();
            return std::pair{code, body};
        };
        QCOMPARE(post(u"/cart"_s, {{u"product_id"_s, u"OLJCESPC7Z"_s}, {u"quantity"_s, u"3"_s}}).first, 302);
        const auto [code, body] = post(u"/cart/checkout"_s,
            {{u"email"_s, u"cli-stack@example.com"_s}, {u"street_address"_s, u"1600 Amphitheatre Parkway"_s},
             {u"zip_code"_s, u"94043"_s}, {u"city"_s, u"Mountain View"_s}, {u"state"_s, u"CA"_s},
             {u"country"_s, u"United States"_s}, {u"credit_card_number"_s, u"4432-8015-6152-0454"_s},
             {u"credit_card_expiration_month"_s, u"1"_s}, {u"credit_card_expiration_year"_s, u"2039"_s},
             {u"credit_card_cvv"_s, u"672"_s}});
        QCOMPARE(code, 200);
        m_orderId = captured(body, u"order-id\">([0-9a-f-]{36})<"_s);
        QVERIFY2(!m_orderId.isEmpty(), qPrintable(body.left(400)));

        Run listed;
        QTRY_VERIFY_WITH_TIMEOUT((listed = ordersList(m_started, m_orderId)).out.contains(m_orderId), 10000);
        QCOMPARE(listed.code, 0);
        QVERIFY2(listed.out.contains(u"cli-stack@example.com"_s), qPrintable(listed.out));
        // It came through the detached orderlog-server's tap (its log in the sandbox directory).
        QFile log(stateDir() + u"/orderlog.log"_s);
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(log.readAll());
        QVERIFY2(text.contains(u"checkout tap: order %1 logged via PlaceOrder"_s.arg(m_orderId)), qPrintable(text.right(2000)));
    }

    void stopLeavesNoProcessAndRestartKeepsTheOrder()
    {
        QVERIFY(!m_orderId.isEmpty());
        const QString port = captured(m_started, uR"(^database: running at 127\.0\.0\.1:(\d+))"_s);
        QVERIFY(!port.isEmpty());
        const QHash<qint64, QString> before = stackProcesses(port);
        const QString names = QStringList(before.values()).join(u'\n');
        for (const QString &name : {u"/postgres "_s, u"orderlog-server "_s, u"boutique-sandbox "_s})
            QVERIFY2(names.contains(name), qPrintable(u"no %1 among\n%2"_s.arg(name, names)));

        const Run stopped = sandbox(u"stop"_s);
        QCOMPARE(stopped.code, 0);
        QVERIFY(stopped.out.contains(u"sandbox: stopped"_s));
        QStringList left;
        for (const bc::test::ProcessInfo &p : bc::test::liveProcesses())
            if ((before.contains(p.pid) && before.value(p.pid) == p.commandLine) || stackProcesses(port).contains(p.pid))
                left << u"%1 %2"_s.arg(p.pid).arg(p.commandLine);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u'\n')));
        QFile log(stateDir() + u"/postgres.log"_s);
        QVERIFY(log.open(QIODevice::ReadOnly));
        QVERIFY(log.readAll().contains("fast shutdown request"));
        const Run status = sandbox(u"status"_s);
        QCOMPARE(status.code, 3);
        QVERIFY(status.out.contains(u"sandbox: not running"_s));

        const Run restarted = sandbox(u"start"_s);
        QVERIFY2(restarted.code == 0, qPrintable(restarted.out + restarted.err));
        const Run listed = ordersList(restarted.out, m_orderId);
        QVERIFY2(listed.code == 0 && listed.out.contains(m_orderId), qPrintable(listed.out + listed.err));
        QCOMPARE(sandbox(u"stop"_s).code, 0);
    }

    void aFailingPartStopsThePartsAlreadyStarted()
    {
        // The cluster's binary fails at once: PostgreSQL and orderlog-server have started by then.
        const Run r = sandbox(u"start"_s, {}, {{u"BC_SANDBOX_BINARY"_s, u"/bin/false"_s}});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"the sandbox did not start"_s), qPrintable(r.err));
        QVERIFY(r.err.contains(u"were stopped"_s));
        QVERIFY(r.err.contains(u"Starting orderlog-server"_s)); // it got that far
        const Run status = sandbox(u"status"_s);
        QCOMPARE(status.code, 3);
        QVERIFY2(!status.out.contains(u"running at"_s), qPrintable(status.out));
        QFile log(stateDir() + u"/postgres.log"_s);
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QString port = captured(QString::fromUtf8(log.readAll()), uR"(listening on IPv4 address "127.0.0.1", port (\d+))"_s);
        QVERIFY(!port.isEmpty());
        const QStringList left = QStringList(stackProcesses(port).values());
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u'\n')));

        const Run noCluster = sandbox(u"start"_s, {u"--no-order-log"_s});
        QVERIFY2(noCluster.code == 0, qPrintable(noCluster.out + noCluster.err));
        QVERIFY(!noCluster.out.contains(u"orderlog:"_s));
        QCOMPARE(sandbox(u"status"_s).out.count(u": running at "_s), 1);
    }
};

QTEST_GUILESS_MAIN(TstCliSandboxStack)
#include "tst_cli_sandbox_stack.moc"
