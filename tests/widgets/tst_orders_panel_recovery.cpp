// Issue #10 acceptance, at panel level with real parts: the Order log panel through its own "Connect via
// port-forward" (the real kubectl port-forward to the sandbox's CNPG stand-in, which leads to the
// sandbox's own PostgreSQL 15 that the real orderlog-server fills) survives the kubectl child being
// killed; and a panel on a private PostgreSQL (pg_fixture.sh) survives the server going down
// (-m immediate) and coming back. Each time: a clear banner, no secret shown, recovery without user
// action (a newly logged order appears, so it is not a stale cache), and the event loop never stalls.
// With BC_SCREENSHOT_DIR set, saves the panel in the dropped/down state and after recovery there.

#include "backend/kube/kube_client.h"
#include "backend/orders/orders_model.h"
#include "backend/orders/port_forward.h"
#include "backend/process/run_context.h"
#include "backend/sandbox/sandbox_controller.h"
#include "backend/session/cluster_session.h"
#include "tests/backend/orders/orders_fixture.h"
#include "tests/support/process_table.h"
#include "widgets/common/inline_banner.h"
#include "widgets/orders/orders_panel.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <csignal>
#include <fstream>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

// Ticks every 20 ms while a test runs: the longest gap between ticks is how long the event loop (the
// window) was blocked; each tick also notes every banner message the panel showed, however briefly.
class Watch : public QObject
{
public:
    explicit Watch(bc::OrdersPanel *panel)
        : m_panel(panel)
    {
        m_clock.start();
        m_timer.setInterval(20);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            m_longestGapMs = qMax(m_longestGapMs, m_clock.restart());
            if (m_panel->banner()->isVisible()) {
                const QString shown = m_panel->banner()->message() + u"\n"_s + m_panel->banner()->detail();
                if (!m_seen.contains(shown))
                    m_seen << shown;
                if (m_onBanner)
                    m_onBanner(m_panel->banner()->message());
            }
        });
        m_timer.start();
    }
    qint64 longestGapMs() const { return m_longestGapMs; }
    const QStringList &seen() const { return m_seen; }
    bool sawMessage(const QString &part) const
    {
        return std::any_of(m_seen.begin(), m_seen.end(), [&](const QString &s) { return s.contains(part); });
    }
    void onBanner(std::function<void(const QString &)> f) { m_onBanner = std::move(f); }

private:
    bc::OrdersPanel *m_panel;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_longestGapMs = 0;
    QStringList m_seen;
    std::function<void(const QString &)> m_onBanner;
};

void saveShot(QWidget *panel, const QString &name)
{
    const QString dir = qEnvironmentVariable("BC_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    const QString path = dir + u'/' + name;
    QVERIFY2(panel->grab().save(path), qPrintable(path));
    qInfo() << "screenshot:" << path;
}

// Runs orderlog-cli to log one order through the real gRPC path; without blocking the event loop.
bool logOrder(const std::string &address, const QString &orderId)
{
    bc::test::SampleOrder o {orderId, u"u-recovery"_s, u"recovery@example.com"_s, u"19.99"_s, u"EUR"_s, {},
        {u"OLJCESPC7Z:1"_s}};
    QProcess cli;
    cli.setProcessChannelMode(QProcess::MergedChannels);
    cli.start(QStringLiteral(BC_ORDERLOG_CLI), bc::test::OrdersFixture::logArguments(address, o));
    if (!QTest::qWaitFor([&] { return cli.state() == QProcess::NotRunning; }, 30000))
        return false;
    if (cli.exitCode() != 0)
        qWarning() << "orderlog-cli:" << cli.readAll();
    return cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == 0;
}

// pg_fixture.sh COMMAND STATE_DIR, waited for with the event loop running.
bool runFixture(const QString &command, const QString &stateDir)
{
    QProcess p;
    p.start(qEnvironmentVariable("BC_PG_FIXTURE"), {command, stateDir});
    if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 60000) || p.exitCode() != 0) {
        qWarning() << "pg_fixture.sh" << command << "failed:" << p.readAllStandardError();
        return false;
    }
    return true;
}


bool showsOrder(const bc::OrdersPanel &panel, const QString &orderId)
{
    for (int i = 0; i < panel.model()->rowCount(); ++i)
        if (panel.model()->rowAt(i)->orderId == orderId)
            return true;
    return false;
}

QPushButton *button(QWidget *panel, const QString &text)
{
    for (QPushButton *b : panel->findChildren<QPushButton *>())
        if (b->text() == text)
            return b;
    return nullptr;
}

} // namespace

class TestOrdersPanelRecovery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void droppedPortForwardShowsItAndRecovers()
    {
        // The app's Local sandbox with its order database, started as the app starts it.
        qputenv("BC_ORDERLOG_SERVER_BINARY", BC_ORDERLOG_SERVER);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ExeOther);
        bc::RunContext context;
        bc::ClusterSession session(&context);
        bc::OrdersPanel panel(&context, &session);
        panel.resize(1280, 700);
        panel.show();
        bc::SandboxOptions options;
        options.stateDirectory = dir.path();
        options.withOrderLog = true;
        options.podStartDelaySeconds = 1;
        options.timeScale = 0.25;
        QSignalSpy target(&session, &bc::ClusterSession::targetChanged);
        session.useSandbox(options);
        QVERIFY(target.wait(60000));
        const bc::LocalDatabaseAccess *db = session.sandbox()->orderDatabase();
        QVERIFY(db);
        const QString secret = db->password;
        const std::string orderlog = session.sandbox()->orderlogAddress().toStdString();

        // The CNPG Cluster: the sandbox's stand-in makes orderlog-db-rw lead to its PostgreSQL.
        bc::KubeClient kube(&context, session.target());
        std::optional<bc::Result<QString>> applied;
        kube.apply({QStringLiteral(BC_SOURCE_DIR) + u"/manifests/postgres/cluster.yaml"_s}, false,
            [&](const bc::Result<QString> &r) { applied = r; });
        QTRY_VERIFY_WITH_TIMEOUT(applied.has_value(), 60000);
        QVERIFY2(*applied, *applied ? "" : qPrintable(applied->error().message + u": "_s + applied->error().detail));
        for (const QString &id : {u"pf-1"_s, u"pf-2"_s, u"pf-3"_s})
            QVERIFY(logOrder(orderlog, id));

        Watch watch(&panel);
        QPushButton *viaForward = button(&panel, u"Connect via port-forward"_s);
        QVERIFY(viaForward);
        viaForward->click();
        auto *conninfo = panel.findChild<QLineEdit *>(u"conninfo"_s);
        const QString direct = u"port=%1 "_s.arg(db->port);
        // Until the primary pod runs kubectl refuses and the forward retries on its own.
        QTRY_VERIFY_WITH_TIMEOUT(!conninfo->text().contains(direct) && panel.model()->rowCount() == 3, 30000);
        const QString forwarded = conninfo->text();
        QVERIFY2(forwarded.startsWith(u"host=127.0.0.1 port="_s), qPrintable(forwarded));
        QVERIFY(panel.findChild<QLineEdit *>(u"password"_s)->text().isEmpty()); // handed over, not typed

        // kubectl dies: the banner says the forward dropped; the screenshot shows that moment.
        bool shot = false;
        watch.onBanner([&](const QString &message) {
            if (!shot && message.contains(u"port-forward"_s)) {
                shot = true;
                saveShot(&panel, u"orders-panel-forward-dropped.png"_s);
            }
        });
        QCOMPARE(bc::test::killDescendants({"port-forward", "svc/orderlog-db-rw"}), 1);
        QTRY_VERIFY_WITH_TIMEOUT(panel.banner()->message().contains(u"The port-forward to orderlog-db-rw stopped; reconnecting"_s),
            10000);
        // A query while the forward is down (what the auto-refresh tick does) fails; the banner keeps the cause.
        const int seenBefore = int(watch.seen().size());
        panel.model()->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(panel.model()->currentError() || panel.banner()->message().contains(u"is back"_s), 10000);
        for (const QString &shown : watch.seen().mid(seenBefore))
            QVERIFY2(!shown.contains(u"order database ("_s) && !shown.contains(u"Lost the connection"_s), qPrintable(shown));

        // It comes back by itself on the same local port: rows again, and an order logged now shows up.
        QVERIFY(logOrder(orderlog, u"pf-after"_s));
        QTRY_VERIFY_WITH_TIMEOUT(showsOrder(panel, u"pf-after"_s), 20000);
        QCOMPARE(panel.model()->rowCount(), 4);
        QCOMPARE(conninfo->text(), forwarded);
        QVERIFY2(panel.banner()->isVisible() && panel.banner()->level() == bc::InlineBanner::Level::Info
                     && panel.banner()->message().contains(u"port-forward to the order database is back"_s),
            qPrintable(panel.banner()->message()));
        QVERIFY(!panel.model()->currentError());
        QTRY_VERIFY_WITH_TIMEOUT(panel.findChild<QLabel *>(u"summary"_s)->text().contains(u"4 order"_s), 10000);
        saveShot(&panel, u"orders-panel-forward-recovered.png"_s);

        for (const QString &shown : watch.seen() + QStringList {panel.statusText(), conninfo->text()})
            QVERIFY2(!shown.contains(secret), "the sandbox's database password was shown");
        QVERIFY2(watch.longestGapMs() < 1000, qPrintable(u"the window was blocked for %1 ms"_s.arg(watch.longestGapMs())));
        qInfo() << "banners seen:" << watch.seen() << "longest event-loop gap (ms):" << watch.longestGapMs();

        session.disconnect();
        QTRY_COMPARE_WITH_TIMEOUT(session.sandbox()->state(), bc::SandboxController::State::Stopped, 20000);
    }

    void databaseDownShowsItAndRecovers()
    {
        // A PostgreSQL of this test's own (stopping the shared fixture would break tests beside it),
        // filled by the real orderlog-server.
        QTemporaryDir state;
        QVERIFY(state.isValid());
        QVERIFY(runFixture(u"start"_s, state.path()));
        auto stopPostgres = qScopeGuard([&] { runFixture(u"stop"_s, state.path()); });
        std::string conninfo;
        std::getline(std::ifstream((state.path() + u"/conninfo"_s).toStdString()), conninfo);
        QVERIFY(!conninfo.empty());
        bc::test::ServerProcess server;
        QVERIFY2(server.start(conninfo), qPrintable(server.errorOutput()));
        for (const QString &id : {u"db-1"_s, u"db-2"_s, u"db-3"_s})
            QVERIFY(logOrder(server.address(), id));

        bc::OrdersPanel panel;
        panel.resize(1280, 700);
        panel.show();
        panel.model()->setRetryInterval(1000);
        Watch watch(&panel);
        panel.connectTo(QString::fromStdString(conninfo));
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->rowCount(), 3, 10000);

        QVERIFY(runFixture(u"pause"_s, state.path())); // pg_ctl stop -m immediate
        QTRY_VERIFY_WITH_TIMEOUT(panel.banner()->isVisible() && panel.banner()->level() == bc::InlineBanner::Level::Error,
            10000);
        const QString message = panel.banner()->message();
        QVERIFY2(message.contains(u"Cannot reach the order database"_s) || message.contains(u"Lost the connection"_s)
                     || message.contains(u"went away"_s),
            qPrintable(message));
        QCOMPARE(panel.banner()->actionText(), u"Retry now"_s);
        QCOMPARE(panel.model()->rowCount(), 3); // what was loaded stays on screen
        QTRY_VERIFY_WITH_TIMEOUT(panel.statusText().contains(u"retrying"_s), 10000);
        saveShot(&panel, u"orders-panel-database-down.png"_s);
        QTest::qWait(2500); // auto-refresh and retries keep failing meanwhile, in the background

        QVERIFY(runFixture(u"resume"_s, state.path()));
        QTRY_VERIFY_WITH_TIMEOUT(panel.banner()->message().contains(u"Connected to the order database again"_s), 15000);
        QVERIFY(!panel.model()->currentError());
        // orderlog-server answers UNAVAILABLE until its own reconnect; a client retries (as checkout does).
        QVERIFY(QTest::qWaitFor([&] { return logOrder(server.address(), u"db-after"_s); }, 15000));
        QTRY_VERIFY_WITH_TIMEOUT(showsOrder(panel, u"db-after"_s), 10000);
        QCOMPARE(panel.model()->rowCount(), 4);
        QTRY_VERIFY_WITH_TIMEOUT(panel.findChild<QLabel *>(u"summary"_s)->text().contains(u"4 order"_s), 10000);
        saveShot(&panel, u"orders-panel-database-recovered.png"_s);
        QVERIFY2(watch.longestGapMs() < 1000, qPrintable(u"the window was blocked for %1 ms"_s.arg(watch.longestGapMs())));
        qInfo() << "banners seen:" << watch.seen() << "longest event-loop gap (ms):" << watch.longestGapMs();
        server.terminate();
    }

    void aSecondFailingConnectionIsReportedToo()
    {
        // Connecting anew dismisses the old banner; the new connection's failure must show again.
        bc::OrdersPanel panel;
        panel.show();
        for (int attempt = 0; attempt < 2; ++attempt) {
            const quint16 port = bc::PortForward::freeLocalPort(); // nothing listens there
            panel.connectTo(u"host=127.0.0.1 port=%1 user=postgres dbname=postgres connect_timeout=2"_s.arg(port));
            QTRY_VERIFY_WITH_TIMEOUT(panel.banner()->isVisible()
                                         && panel.banner()->message().contains(u"port=%1"_s.arg(port)),
                10000);
            QVERIFY2(panel.banner()->message().contains(u"Cannot reach the order database"_s),
                qPrintable(panel.banner()->message()));
        }
    }
};

QTEST_MAIN(TestOrdersPanelRecovery)
#include "tst_orders_panel_recovery.moc"
