// The Start here strip, click by click, as a newcomer uses it: the main window on the real sandbox
// (boutique-sandbox, real kubectl), the sandbox's own PostgreSQL and orderlog-server, real Locust.
// From nothing to a verified 25 % canary and orders in the Order log, pressing only the strip's buttons.
// Each step's state comes from the JourneyModel (backend signals); the test counts the clicks and the
// time, and with BC_SCREENSHOT_DIR set saves the window after every click (journey-N-*.png).
#include "widgets/main_window.h"

#include "backend/journey/journey_model.h"
#include "backend/orders/orders_model.h"
#include "backend/process/run_context.h"
#include "backend/settings/app_settings.h"
#include "widgets/cluster/cluster_panel.h"
#include "widgets/journey/journey_strip.h"
#include "widgets/loadtest/load_test_panel.h"
#include "widgets/orders/orders_panel.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace bc {

class TstJourney : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void newcomerReachesAVerifiedCanaryAndOrders();
    void stripStartsWithOnlyTheClusterStepOpen();

private:
    void click(JourneyStep::Id id, const QString &expectedLabel);
    void shot(const QString &name);
    JourneyStep::State state(JourneyStep::Id id) const { return m_window->journey()->step(id).state; }

    QTemporaryDir m_home;
    std::unique_ptr<RunContext> m_context;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
    int m_clicks = 0;
};

void TstJourney::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"BoutiqueControlTest"_s);
    QCoreApplication::setApplicationName(u"tst_journey"_s);
    QVERIFY(m_home.isValid());
    qputenv("BC_ORDERLOG_SERVER_BINARY", BC_ORDERLOG_SERVER);
    // The sandbox's PostgreSQL runs as the test's user (or postgres under root): the folder must be
    // reachable by it, as in tst_orders_panel_recovery.
    QFile::setPermissions(
        m_home.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ExeOther);
    qRegisterMetaType<JourneyStep::Id>();
}

void TstJourney::click(JourneyStep::Id id, const QString &expectedLabel)
{
    QPushButton *button = m_window->journeyStrip()->button(id);
    QVERIFY(button);
    QTRY_VERIFY2_WITH_TIMEOUT(button->isEnabled() && button->text() == expectedLabel,
        qPrintable(u"%1: '%2' (%3)"_s.arg(
            JourneyModel::title(id), button->text(), button->isEnabled() ? u"enabled"_s : u"disabled"_s)),
        60000);
    QTest::mouseClick(button, Qt::LeftButton);
    ++m_clicks;
    qInfo().noquote() << u"click %1: %2 / %3"_s.arg(m_clicks).arg(JourneyModel::title(id), expectedLabel);
}

void TstJourney::shot(const QString &name)
{
    const QString dir = qEnvironmentVariable("BC_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    const QString path = u"%1/journey-%2-%3.png"_s.arg(dir).arg(m_clicks).arg(name);
    QVERIFY2(m_window->grab().save(path), qPrintable(path));
    qInfo().noquote() << "screenshot:" << path;
}

void TstJourney::stripStartsWithOnlyTheClusterStepOpen()
{
    RunContext context;
    MainWindow window(&context, nullptr);
    JourneyStrip *strip = window.journeyStrip();
    QVERIFY(strip);
    QVERIFY(strip->button(JourneyStep::Id::Cluster)->isEnabled());
    QCOMPARE(strip->button(JourneyStep::Id::Cluster)->text(), u"Start sandbox"_s);
    for (JourneyStep::Id id : {JourneyStep::Id::Deploy, JourneyStep::Id::LoadTest, JourneyStep::Id::Canary,
             JourneyStep::Id::Orders}) {
        QVERIFY2(!strip->button(id)->isEnabled(), qPrintable(JourneyModel::title(id)));
        QCOMPARE(strip->stateText(id).contains(u"not started"_s), true);
    }
}

void TstJourney::newcomerReachesAVerifiedCanaryAndOrders()
{
    using Id = JourneyStep::Id;
    using S = JourneyStep::State;
    m_context = std::make_unique<RunContext>();
    m_settings = std::make_unique<AppSettings>();
    m_window = std::make_unique<MainWindow>(m_context.get(), m_settings.get());
    // Test plumbing, not clicks: a private state folder, quick pods, a private folder for saved runs.
    auto *cluster = m_window->findChild<ClusterPanel *>();
    auto *load = m_window->findChild<LoadTestPanel *>();
    auto *orders = m_window->findChild<OrdersPanel *>();
    QVERIFY(cluster && load && orders);
    SandboxOptions options;
    options.stateDirectory = m_home.filePath(u"sandbox"_s);
    options.withOrderLog = true;
    options.podStartDelaySeconds = 1;
    options.timeScale = 0.25;
    cluster->setSandboxOptions(options);
    load->setRunsRoot(m_home.filePath(u"runs"_s));
    m_window->resize(1400, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    JourneyModel *journey = m_window->journey();
    shot(u"start"_s);

    QElapsedTimer clock;
    clock.start();
    click(Id::Cluster, u"Start sandbox"_s);
    QTRY_COMPARE_WITH_TIMEOUT(state(Id::Cluster), S::Done, 90000);
    QTRY_VERIFY_WITH_TIMEOUT(journey->step(Id::Cluster).figure.contains(u" of 3 nodes ready"_s), 30000);
    QCOMPARE(journey->step(Id::Cluster).figure, u"3 of 3 nodes ready"_s);
    shot(u"cluster"_s);

    click(Id::Deploy, u"Deploy the shop"_s);
    QTRY_COMPARE_WITH_TIMEOUT(state(Id::Deploy), S::Running, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(state(Id::Deploy), S::Done, 180000);
    QVERIFY2(
        journey->step(Id::Deploy).figure.contains(u" of "_s), qPrintable(journey->step(Id::Deploy).figure));
    const QStringList ready = journey->step(Id::Deploy).figure.split(u' ');
    QCOMPARE(ready.value(0), ready.value(2)); // "N of N deployments ready"
    QTRY_VERIFY_WITH_TIMEOUT(!journey->frontendUrl().isEmpty(), 60000);
    shot(u"deployed"_s);

    // The sandbox's order log may already hold orders; the load test's shoppers must add to them.
    QTRY_VERIFY_WITH_TIMEOUT(journey->ordersStored() >= 0, 30000);
    const qint64 ordersBefore = journey->ordersStored();
    click(Id::LoadTest, u"Run load test"_s);
    QCOMPARE(load->hostEdit()->text(), journey->frontendUrl()); // the shop the deploy handed over
    QTRY_COMPARE_WITH_TIMEOUT(state(Id::LoadTest), S::Running, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(journey->step(Id::LoadTest).figure.contains(u"req/s"_s), 60000);
    // The shoppers check out now and then; once the order log holds some, the newcomer stops the run.
    QTRY_VERIFY_WITH_TIMEOUT(journey->ordersStored() > ordersBefore, 120000);
    QCOMPARE(state(Id::Orders), S::Done);
    QTRY_VERIFY_WITH_TIMEOUT(!journey->step(Id::LoadTest).figure.startsWith(u"0.0 "_s), 30000);
    shot(u"load-running"_s);
    click(Id::LoadTest, u"Stop load test"_s);
    QTRY_COMPARE_WITH_TIMEOUT(state(Id::LoadTest), S::Done, 60000);
    const QString loadFigure = journey->step(Id::LoadTest).figure;
    QVERIFY2(loadFigure.contains(u"req/s"_s) && !loadFigure.startsWith(u"0.0 "_s), qPrintable(loadFigure));
    shot(u"load-done"_s);

    click(Id::Canary, u"Apply 25 % canary"_s);
    QTRY_COMPARE_WITH_TIMEOUT(
        m_window->journeyStrip()->button(Id::Canary)->text(), u"Verify split"_s, 120000);
    QCOMPARE(journey->step(Id::Canary).figure, u"v2 has 25 % of the ready pods; verify it"_s);
    shot(u"canary-applied"_s);
    click(Id::Canary, u"Verify split"_s);
    QTRY_VERIFY_WITH_TIMEOUT(state(Id::Canary) != S::Running, 120000);
    QVERIFY2(state(Id::Canary) == S::Done,
        qPrintable(journey->step(Id::Canary).figure + u" / "_s + journey->step(Id::Canary).problem));
    const qint64 toVerifiedCanaryMs = clock.elapsed();
    const int clicksToCanary = m_clicks;
    QVERIFY2(journey->step(Id::Canary).figure.startsWith(u"v2 measured "_s),
        qPrintable(journey->step(Id::Canary).figure));
    shot(u"canary-verified"_s);

    click(Id::Orders, u"Show"_s);
    QCOMPARE(m_window->currentPanel(), orders);
    QTRY_VERIFY_WITH_TIMEOUT(orders->model()->rowCount() > 0, 30000);
    QVERIFY2(
        journey->step(Id::Orders).figure.contains(u"stored"_s), qPrintable(journey->step(Id::Orders).figure));
    shot(u"orders"_s);
    for (JourneyStep::Id id : JourneyModel::ids())
        QVERIFY2(state(id) == S::Done, qPrintable(JourneyModel::title(id)));
    qInfo().noquote() << u"journey: %1 clicks and %2 s to a verified 25 % canary; %3 clicks in all (%4 s)"_s
                             .arg(clicksToCanary)
                             .arg(double(toVerifiedCanaryMs) / 1000.0, 0, 'f', 1)
                             .arg(m_clicks)
                             .arg(double(clock.elapsed()) / 1000.0, 0, 'f', 1);
    QVERIFY(m_clicks <= 10);
    m_window.reset(); // stops the sandbox, its database and orderlog-server
}

} // namespace bc

QTEST_MAIN(bc::TstJourney)
#include "tst_journey.moc"
