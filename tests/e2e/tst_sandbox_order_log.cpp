// The app's "Local sandbox" with its order log, end to end: SandboxController starts a real PostgreSQL 15
// (LocalDatabase, not the pg fixture), the real orderlog-server with its checkout tap and the real
// boutique-sandbox; the shipped manifests with the orderlog Service are deployed with the real kubectl,
// which points the frontend's CHECKOUT_SERVICE_ADDR at the tap; a checkout posted to the storefront over
// HTTP goes over gRPC through orderlog-server's tap to the sandbox's checkoutservice and is read back
// with OrdersRepository through the sandbox's own connection. Deploying without the order log points
// the frontend back at checkoutservice: orders are then placed but not logged. Stopping leaves no
// process behind; a restart keeps the order (the data directory is reused).
#include "backend/deploy/deploy_job.h"
#include "backend/deploy/manifest_set.h"
#include "backend/kube/kube_client.h"
#include "backend/orders/orders_repository.h"
#include "backend/sandbox/local_database.h"
#include "backend/sandbox/local_orderlog.h"
#include "backend/sandbox/sandbox_controller.h"
#include "tests/support/process_table.h"

#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <algorithm>
#include <optional>

#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

class TstSandboxOrderLog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<bc::Status>();
        qRegisterMetaType<bc::OrderPageData>();
        qRegisterMetaType<bc::OrderSummary>();
        qRegisterMetaType<bc::Error>();
        QVERIFY(m_dir.isValid());
        // The postgres user must be able to enter it when the test runs as root (else the data would go
        // to /var/lib/postgresql); QTemporaryDir makes it 0700.
        QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadOther
                                                | QFile::ExeOther | QFile::ReadGroup | QFile::ExeGroup);
        m_options.stateDirectory = m_dir.path();
        m_options.podStartDelaySeconds = 1;
        m_options.timeScale = 0.25;
        m_options.withOrderLog = true;
        QVERIFY2(!bc::SandboxController::locateBinary().isEmpty(), "boutique-sandbox binary not found");
        QVERIFY2(!bc::LocalOrderlog::locateBinary().isEmpty(), "orderlog-server binary not found");
        m_sandbox = new bc::SandboxController(&m_context, this);
    }

    void cleanupTestCase()
    {
        if (m_sandbox && m_sandbox->state() != bc::SandboxController::State::Stopped) {
            m_sandbox->stop();
            QTRY_COMPARE_WITH_TIMEOUT(m_sandbox->state(), bc::SandboxController::State::Stopped, 20000);
        }
    }

    void startsPostgresOrderlogAndTheSandbox()
    {
        QString why = start();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        const bc::LocalDatabaseAccess *db = m_sandbox->orderDatabase();
        QVERIFY(db);
        QVERIFY(db->port > 0);
        QVERIFY(db->password.size() >= 16);
        QVERIFY2(!db->conninfo().contains(db->password), "the conninfo must not carry the password");
        QCOMPARE(bc::LocalDatabase::rootFor(m_dir.path()), m_dir.filePath(u"postgres"_s));
        const QTemporaryDir privateDir; // 0700: as root, the postgres user could not enter it
        QCOMPARE(bc::LocalDatabase::rootFor(privateDir.path()).startsWith(u"/var/lib/postgresql/boutique-control/"_s),
                 ::geteuid() == 0);
        QVERIFY(QFileInfo::exists(m_dir.filePath(u"postgres/data/PG_VERSION"_s)));
        const QFileInfo passwordFile(bc::LocalDatabase::passwordFileFor(m_dir.path()));
        QCOMPARE(passwordFile.permissions() & ~(QFile::ReadUser | QFile::WriteUser),
                 QFile::ReadOwner | QFile::WriteOwner);
        QVERIFY(m_sandbox->orderlog()->isRunning());
        // The password is on no command line of the stack; the tap forwards to the sandbox's checkout.
        QString upstream, listen;
        const auto argument = [](const QString &commandLine, const QString &option) {
            return commandLine.section(option + u' ', 1).section(u' ', 0, 0);
        };
        for (const bc::test::ProcessInfo &p : bc::test::liveProcesses()) {
            QVERIFY2(!p.commandLine.contains(db->password), qPrintable(p.commandLine.left(80)));
            if (p.commandLine.contains(u"orderlog-server "_s) && p.commandLine.contains(db->conninfo()))
                upstream = argument(p.commandLine, u"--checkout-upstream"_s);
            if (p.commandLine.contains(u"boutique-sandbox "_s) && p.commandLine.contains(m_dir.path()))
                listen = argument(p.commandLine, u"--checkout-listen"_s);
        }
        QVERIFY2(upstream.startsWith(u"127.0.0.1:"_s), qPrintable(upstream));
        QCOMPARE(listen, upstream);
    }

    void aTcpLoginNeedsThePassword()
    {
        const bc::LocalDatabaseAccess *db = m_sandbox->orderDatabase();
        QVERIFY(db);
        for (const QString &password : {u"wrong-password"_s, db->password}) {
            bc::OrdersRepository repository;
            QSignalSpy page(&repository, &bc::OrdersRepository::pageReady);
            QSignalSpy failed(&repository, &bc::OrdersRepository::requestFailed);
            repository.setConnection(db->conninfo(), password);
            repository.requestPage({});
            QTRY_VERIFY_WITH_TIMEOUT(page.size() + failed.size() == 1, 15000);
            QCOMPARE(page.size(), password == db->password ? 1 : 0);
        }
    }

    void checkoutInTheStorefrontIsLoggedThroughTheTap()
    {
        QString why = deploy(true);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QCOMPARE(frontendCheckoutAddress(), u"orderlog:50051"_s);
        QSignalSpy orderlogLines(m_sandbox->orderlog(), &bc::LocalOrderlog::logLine);

        const auto [code, body] = placeOrder(u"sandbox-e2e@example.com"_s);
        QCOMPARE(code, 200);
        static const QRegularExpression idRe(u"order-id\">([0-9a-f-]{36})<"_s);
        m_orderId = idRe.match(body).captured(1);
        QVERIFY2(!m_orderId.isEmpty(), qPrintable(body.left(400)));

        const auto row = readOrder(m_orderId);
        QVERIFY2(row, "the order did not appear in the sandbox's order database");
        QCOMPARE(row->email, u"sandbox-e2e@example.com"_s);
        QCOMPARE(row->itemCount, 2);
        QCOMPARE(row->city, u"Mountain View"_s);
        QCOMPARE(row->country, u"United States"_s);
        QCOMPARE(row->currency, u"USD"_s);
        QCOMPARE(row->totalText(), u"48.97"_s); // 2 x 19.99 + 8.99 shipping, as the page says
        QVERIFY2(body.contains(u"$48.97"_s), qPrintable(body.left(600)));
        // orderlog-server says the order came to it as hipstershop.CheckoutService/PlaceOrder.
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(orderlogLines.cbegin(), orderlogLines.cend(),
                                             [&](const QList<QVariant> &line) {
                                                 return line.first().toString().contains(
                                                     u"checkout tap: order %1 logged via PlaceOrder"_s.arg(m_orderId));
                                             }),
                                 5000);
    }

    void withoutTheTapOrdersArePlacedButNotLogged()
    {
        // Deploying the shop without the order log points the frontend back at checkoutservice.
        QString why = deploy(false);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QCOMPARE(frontendCheckoutAddress(), u"checkoutservice:5050"_s);
        const qint64 before = orderCount();
        QVERIFY(before >= 1);
        const auto [code, body] = placeOrder(u"not-logged@example.com"_s);
        QCOMPARE(code, 200); // the shop works without the order log
        static const QRegularExpression idRe(u"order-id\">([0-9a-f-]{36})<"_s);
        const QString id = idRe.match(body).captured(1);
        QVERIFY2(!id.isEmpty(), qPrintable(body.left(400)));
        QVERIFY(!readOrder(id, 2000));
        QCOMPARE(orderCount(), before);

        // With the order log again, the tap logs once more (the later tests restart this stack).
        why = deploy(true);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QCOMPARE(frontendCheckoutAddress(), u"orderlog:50051"_s);
        const QString logged = idRe.match(placeOrder(u"logged-again@example.com"_s).second).captured(1);
        QVERIFY(!logged.isEmpty());
        QVERIFY(readOrder(logged));
        QCOMPARE(orderCount(), before + 1);
    }

    void aBrokenTapFailsTheCheckoutWithTheShopsErrorPage()
    {
        // The frontend pointed at a Service with no ready pods: the dial error, as upstream shows it.
        QVERIFY(kubectl({u"scale"_s, u"deployment/orderlog"_s, u"--replicas=0"_s}).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(placeOrder(u"no-tap@example.com"_s).first == 500, 20000);
        const auto [code, body] = placeOrder(u"no-tap@example.com"_s);
        QCOMPARE(code, 500);
        QVERIFY2(body.contains(u"failed to complete the order: rpc error: code = Unavailable"_s), qPrintable(body));
        QVERIFY(kubectl({u"scale"_s, u"deployment/orderlog"_s, u"--replicas=1"_s}).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(placeOrder(u"tap-back@example.com"_s).first, 200, 30000);
    }

    void stopLeavesNoProcessAndRestartKeepsTheOrder()
    {
        QVERIFY(!m_orderId.isEmpty());
        const QString pgPort = QString::number(m_sandbox->orderDatabase()->port);
        // This run's processes: everything naming its directory (postgres -D, runuser, boutique-sandbox
        // --kubeconfig) or its database port (orderlog-server --db), their process groups and their
        // descendants (each postgres backend leads a process group of its own).
        auto ours = [&](const bc::test::ProcessInfo &p) {
            return p.commandLine.contains(m_dir.path()) || p.commandLine.contains(u"port=%1 "_s.arg(pgPort));
        };
        const QList<bc::test::ProcessInfo> before = bc::test::liveProcesses();
        QStringList named;
        QSet<qint64> groups;
        for (const bc::test::ProcessInfo &p : before)
            if (ours(p)) {
                named << p.commandLine;
                groups.insert(p.group);
            }
        const QHash<qint64, QString> mine = bc::test::processFamily(before, ours); // pid -> command line
        for (const QString &name : {u"/postgres "_s, u"orderlog-server "_s, u"boutique-sandbox "_s})
            QVERIFY2(named.join(u'\n').contains(name), qPrintable(u"no %1 among\n%2"_s.arg(name, named.join(u'\n'))));
        QVERIFY2(mine.size() > named.size(), "the postgres backends were not found"); // checkpointer, walwriter...

        m_sandbox->stop();
        QTRY_COMPARE_WITH_TIMEOUT(m_sandbox->state(), bc::SandboxController::State::Stopped, 20000);
        QVERIFY(!m_sandbox->orderDatabase());
        const auto leftOver = [&] {
            QStringList left;
            for (const bc::test::ProcessInfo &p : bc::test::liveProcesses())
                if (ours(p) || groups.contains(p.group) || (mine.contains(p.pid) && mine.value(p.pid) == p.commandLine))
                    left << u"%1 %2"_s.arg(p.pid).arg(p.commandLine);
            return left;
        };
        // A process in the middle of exiting still shows in /proc for a moment: give it that moment.
        QTRY_VERIFY2_WITH_TIMEOUT(leftOver().isEmpty(), qPrintable(leftOver().join(u'\n')), 5000);

        const QString why = start();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        const auto row = readOrder(m_orderId);
        QVERIFY2(row, "the order placed before the restart is gone");
        QCOMPARE(row->email, u"sandbox-e2e@example.com"_s);
    }

    void aSecondStartWaitsForThePreviousServerToStop()
    {
        // An app quit and started again at once finds the previous PostgreSQL still shutting down
        // (its postmaster.pid held): the new start waits for it instead of failing.
        m_sandbox->stop();
        QTRY_COMPARE_WITH_TIMEOUT(m_sandbox->state(), bc::SandboxController::State::Stopped, 20000);
        bc::LocalDatabase first(&m_context);
        QSignalSpy firstReady(&first, &bc::LocalDatabase::ready);
        QSignalSpy firstStopped(&first, &bc::LocalDatabase::stopped);
        first.start(m_dir.path());
        QVERIFY(firstReady.wait(30000));

        bc::LocalDatabase second(&m_context);
        QSignalSpy secondReady(&second, &bc::LocalDatabase::ready);
        QSignalSpy secondFailed(&second, &bc::LocalDatabase::failed);
        QSignalSpy progress(&second, &bc::LocalDatabase::progress);
        second.start(m_dir.path());
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 0
                                     && progress.last().first().toString().contains(u"previous run"_s),
                                 10000);
        QVERIFY(secondReady.isEmpty());
        first.stop();
        QVERIFY(firstStopped.wait(20000));
        QTRY_COMPARE_WITH_TIMEOUT(secondReady.size(), 1, 20000);
        QVERIFY(secondFailed.isEmpty());
        QSignalSpy secondStopped(&second, &bc::LocalDatabase::stopped);
        second.stop();
        QVERIFY(secondStopped.wait(20000));
    }

    void missingPostgresIsAClearError()
    {
        m_sandbox->stop();
        QTRY_COMPARE_WITH_TIMEOUT(m_sandbox->state(), bc::SandboxController::State::Stopped, 20000);
        qputenv("BC_PG_BIN", QFile::encodeName(m_dir.filePath(u"no-postgres-here"_s)));
        QSignalSpy failed(m_sandbox, &bc::SandboxController::failed);
        m_sandbox->start(m_options);
        qunsetenv("BC_PG_BIN");
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 5000);
        const auto error = failed.first().first().value<bc::Error>();
        QVERIFY2(error.message.contains(u"postgresql-15"_s), qPrintable(error.message));
        QCOMPARE(m_sandbox->state(), bc::SandboxController::State::Failed);
        QVERIFY(!m_sandbox->orderlog()->isActive());
    }

private:
    // Deploys the minimal shop, with or without the order log, and waits for the rollout.
    QString deploy(bool withOrderLog)
    {
        const bc::DeployRequest request{
            bc::ManifestSet::files(bc::ManifestSet::Edition::Minimal, false, withOrderLog), false, true, 90s};
        bc::DeployJob job(&m_context, m_sandbox->target(), request);
        QSignalSpy finished(&job, &bc::DeployJob::finished);
        QSignalSpy applied(&job, &bc::DeployJob::applied);
        job.start();
        if (!finished.wait(90000))
            return u"the deploy did not finish within 90 s"_s;
        const auto status = finished.first().first().value<bc::Status>();
        if (!status)
            return status.error().message;
        if (withOrderLog && !job.deployments().contains(u"orderlog"_s))
            return u"the deploy did not include orderlog"_s;
        // kubectl apply, then (with the order log) kubectl set env.
        if (applied.size() != (withOrderLog ? 2 : 1))
            return u"%1 kubectl outputs"_s.arg(applied.size());
        // Every frontend pod left carries the address (the storefront routes by the serving pod's env).
        const QString expected = withOrderLog ? u"orderlog:50051"_s : u"checkoutservice:5050"_s;
        QString seen;
        const bool settled = QTest::qWaitFor(
            [&] {
                QByteArray out;
                if (!kubectl({u"get"_s, u"pods"_s, u"-l"_s, u"app=frontend"_s, u"-o"_s,
                              u"jsonpath={.items[*].spec.containers[0].env[?(@.name==\"CHECKOUT_SERVICE_ADDR\")].value}"_s},
                             &out)
                         .isEmpty())
                    return false;
                seen = QString::fromUtf8(out).trimmed();
                return seen == expected;
            },
            30000);
        return settled ? QString() : u"the frontend pods point at \"%1\", not %2"_s.arg(seen, expected);
    }

    // kubectl ARGS on the sandbox; "" or the error.
    QString kubectl(const QStringList &args, QByteArray *out = nullptr)
    {
        bc::KubeClient client(&m_context, m_sandbox->target());
        std::optional<bc::Result<QByteArray>> result;
        client.run(client.target().namespacedArguments() + args, 30s,
                   [&](const bc::Result<QByteArray> &r) { result = r; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 35000))
            return u"kubectl did not finish"_s;
        if (!*result)
            return result->error().message;
        if (out)
            *out = result->value();
        return {};
    }

    QString frontendCheckoutAddress()
    {
        QByteArray out;
        const QString why = kubectl({u"get"_s, u"deployment/frontend"_s, u"-o"_s,
                                     u"jsonpath={.spec.template.spec.containers[0].env[?(@.name==\"CHECKOUT_SERVICE_ADDR\")].value}"_s},
                                    &out);
        return why.isEmpty() ? QString::fromUtf8(out).trimmed() : why;
    }

    // A new shopper puts 2 x OLJCESPC7Z (19.99 USD) in the cart and checks out: status and page.
    std::pair<int, QString> placeOrder(const QString &email)
    {
        const QString frontend = frontendUrl();
        if (!frontend.startsWith(u"http://127."_s)) // loopback only
            return {0, u"no loopback storefront address: "_s + frontend};
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
        const auto added = post(u"/cart"_s, {{u"product_id"_s, u"OLJCESPC7Z"_s}, {u"quantity"_s, u"2"_s}});
        if (added.first != 302)
            return added;
        return post(u"/cart/checkout"_s,
            {{u"email"_s, email}, {u"street_address"_s, u"1600 Amphitheatre Parkway"_s},
             {u"zip_code"_s, u"94043"_s}, {u"city"_s, u"Mountain View"_s}, {u"state"_s, u"CA"_s},
             {u"country"_s, u"United States"_s}, {u"credit_card_number"_s, u"4432-8015-6152-0454"_s},
             {u"credit_card_expiration_month"_s, u"1"_s}, {u"credit_card_expiration_year"_s, u"2039"_s},
             {u"credit_card_cvv"_s, u"672"_s}});
    }

    // Rows in the sandbox's order log (-1 if it cannot be read).
    qint64 orderCount()
    {
        const bc::LocalDatabaseAccess *db = m_sandbox->orderDatabase();
        if (!db)
            return -1;
        bc::OrdersRepository repository;
        QSignalSpy summary(&repository, &bc::OrdersRepository::summaryReady);
        QSignalSpy failed(&repository, &bc::OrdersRepository::requestFailed);
        repository.setConnection(db->conninfo(), db->password);
        repository.requestSummary({});
        if (!QTest::qWaitFor([&] { return !summary.isEmpty() || !failed.isEmpty(); }, 10000) || summary.isEmpty())
            return -1;
        return summary.first().at(1).value<bc::OrderSummary>().orders;
    }

    QString start()
    {
        QSignalSpy ready(m_sandbox, &bc::SandboxController::ready);
        QSignalSpy failed(m_sandbox, &bc::SandboxController::failed);
        m_sandbox->start(m_options);
        if (!QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, 60000))
            return u"the stack did not start within 60 s"_s;
        if (!failed.isEmpty()) {
            const auto e = failed.first().first().value<bc::Error>();
            return e.message + u"\n"_s + e.detail;
        }
        return {};
    }

    QString frontendUrl()
    {
        bc::KubeClient client(&m_context, m_sandbox->target());
        std::optional<bc::Result<bc::Service>> service;
        client.getService(u"frontend-external"_s, [&](const bc::Result<bc::Service> &r) { service = r; });
        if (!QTest::qWaitFor([&] { return service.has_value(); }, 30000) || !*service)
            return {};
        return service->value().externalUrl();
    }

    std::optional<bc::OrderRow> readOrder(const QString &orderId, int timeoutMs = 10000)
    {
        const bc::LocalDatabaseAccess *db = m_sandbox->orderDatabase();
        if (!db)
            return std::nullopt;
        bc::OrdersRepository repository;
        repository.setConnection(db->conninfo(), db->password);
        bc::OrderPageRequest request;
        request.filter.orderId = orderId;
        std::optional<bc::OrderRow> found;
        // The storefront logs the order before it answers, so it is there at once; allow a moment anyway.
        (void)QTest::qWaitFor(
            [&] {
                QSignalSpy page(&repository, &bc::OrdersRepository::pageReady);
                QSignalSpy failed(&repository, &bc::OrdersRepository::requestFailed);
                repository.requestPage(request);
                if (!QTest::qWaitFor([&] { return !page.isEmpty() || !failed.isEmpty(); }, 10000) || page.isEmpty())
                    return false;
                const auto data = page.first().at(1).value<bc::OrderPageData>();
                if (data.rows.size() == 1 && data.rows.first().orderId == orderId)
                    found = data.rows.first();
                return found.has_value();
            },
            timeoutMs);
        return found;
    }

    QTemporaryDir m_dir;
    bc::RunContext m_context;
    bc::SandboxOptions m_options;
    bc::SandboxController *m_sandbox = nullptr;
    QString m_orderId;
};

QTEST_MAIN(TstSandboxOrderLog)
#include "tst_sandbox_order_log.moc"
