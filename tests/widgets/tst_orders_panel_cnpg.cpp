// Issue 15 point 7: the Order log panel's "Create cluster…" on the local sandbox path. The sandbox has no
// GCS, so the panel creates the CNPG Cluster without backups and asks for no key file; with "Back up to
// GCS" on, it asks for the bucket's service-account key first. Real sandbox, real kubectl, real dialog.

#include "backend/kube/kube_client.h"
#include "backend/process/run_context.h"
#include "backend/sandbox/sandbox_controller.h"
#include "backend/session/cluster_session.h"
#include "widgets/common/inline_banner.h"
#include "widgets/orders/orders_panel.h"

#include <QApplication>
#include <QCheckBox>
#include <QFileDialog>
#include <QJsonArray>
#include <QLabel>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <optional>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

QPushButton *button(QWidget *panel, const QString &text)
{
    for (QPushButton *b : panel->findChildren<QPushButton *>())
        if (b->text() == text)
            return b;
    return nullptr;
}

// Counts the file dialogs that open and closes each (Cancel), so a click never blocks the test.
class DialogWatch : public QObject
{
public:
    DialogWatch()
    {
        m_timer.setInterval(50);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            for (QWidget *w : QApplication::topLevelWidgets())
                if (auto *dialog = qobject_cast<QFileDialog *>(w); dialog && dialog->isVisible()) {
                    m_titles << dialog->windowTitle();
                    dialog->reject();
                }
        });
        m_timer.start();
    }
    const QStringList &titles() const { return m_titles; }

private:
    QTimer m_timer;
    QStringList m_titles;
};

} // namespace

class TestOrdersPanelCnpg : public QObject
{
    Q_OBJECT

private:
    // kubectl get ... -o json on the session's cluster; an empty object when it fails.
    QJsonObject get(bc::KubeClient &kube, const QStringList &what)
    {
        std::optional<bc::Result<QByteArray>> out;
        kube.run(kube.target().namespacedArguments() + QStringList {u"get"_s} + what
                + QStringList {u"-o"_s, u"json"_s},
            30s, [&](const bc::Result<QByteArray> &r) { out = r; });
        if (!QTest::qWaitFor([&] { return out.has_value(); }, 30000) || !*out)
            return {};
        return QJsonDocument::fromJson(out->value()).object();
    }

private Q_SLOTS:
    void initTestCase() { QCoreApplication::setAttribute(Qt::AA_DontUseNativeDialogs); }

    void createClusterOnTheSandboxAsksForNoKey()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        bc::RunContext context;
        bc::ClusterSession session(&context);
        bc::OrdersPanel panel(&context, &session);
        panel.resize(1280, 700);
        panel.show();
        auto *gcs = panel.findChild<QCheckBox *>(u"backupToGcs"_s);
        QVERIFY(gcs);
        QVERIFY(gcs->isChecked()); // no cluster yet: a real cluster backs up to GCS by default

        bc::SandboxOptions options;
        options.stateDirectory = dir.path();
        options.withOrderLog = false;
        options.podStartDelaySeconds = 0.5;
        QSignalSpy target(&session, &bc::ClusterSession::targetChanged);
        session.useSandbox(options);
        QVERIFY(target.wait(60000));
        QVERIFY2(!gcs->isChecked(), "the sandbox has no GCS: backups should be off there");

        DialogWatch dialogs;
        panel.findChild<QLineEdit *>(u"password"_s)->setText(u"sandbox-pass-1"_s);
        QPushButton *create = button(&panel, u"Create cluster…"_s);
        QVERIFY(create);
        create->click();
        QTRY_VERIFY_WITH_TIMEOUT(
            panel.banner()->message().contains(u"Cluster orderlog-db created, without backups"_s), 60000);
        QVERIFY2(dialogs.titles().isEmpty(), qPrintable(dialogs.titles().join(u", "_s)));
        QCOMPARE(panel.banner()->level(), bc::InlineBanner::Level::Info);

        bc::KubeClient kube(&context, session.target());
        const QJsonObject cluster = get(kube, {u"clusters.postgresql.cnpg.io"_s, u"orderlog-db"_s});
        QCOMPARE(cluster.value(u"metadata"_s).toObject().value(u"name"_s).toString(), u"orderlog-db"_s);
        QVERIFY(!cluster.value(u"spec"_s).toObject().contains(u"backup"_s));
        QVERIFY(cluster.value(u"spec"_s).toObject().contains(u"bootstrap"_s));
        QVERIFY(get(kube, {u"scheduledbackups.postgresql.cnpg.io"_s}).value(u"items"_s).toArray().isEmpty());
        QVERIFY(!get(kube, {u"secret"_s, u"orderlog-db"_s}).isEmpty());
        QVERIFY(get(kube, {u"secret"_s, u"backup-creds"_s}).isEmpty());

        // With backups to GCS, the key file is asked for first; cancelled, nothing more is created.
        gcs->setChecked(true);
        create->click();
        QTRY_COMPARE_WITH_TIMEOUT(dialogs.titles().size(), 1, 10000);
        QCOMPARE(dialogs.titles().first(), u"Service-account key for the backup bucket"_s);
        QTest::qWait(300);
        QVERIFY(get(kube, {u"secret"_s, u"backup-creds"_s}).isEmpty());

        session.disconnect();
        QTRY_COMPARE_WITH_TIMEOUT(session.sandbox()->state(), bc::SandboxController::State::Stopped, 20000);
    }
    // Issue 20 point 8: a second cluster action while one runs is refused, and says which one runs;
    // the running create is not cut short (before, each click deleted the controller of the last one,
    // killing its kubectl). Once it has finished, the next action is accepted.
    void secondActionIsRefusedWhileOneRuns()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        bc::RunContext context;
        bc::ClusterSession session(&context);
        bc::OrdersPanel panel(&context, &session);
        panel.resize(1280, 700);
        panel.show();
        bc::SandboxOptions options;
        options.stateDirectory = dir.path();
        options.withOrderLog = false;
        options.podStartDelaySeconds = 0.5;
        QSignalSpy target(&session, &bc::ClusterSession::targetChanged);
        session.useSandbox(options);
        QVERIFY(target.wait(60000));

        panel.findChild<QLineEdit *>(u"password"_s)->setText(u"sandbox-pass-2"_s);
        auto *running = panel.findChild<QLabel *>(u"clusterAction"_s);
        QVERIFY(running);
        QVERIFY(running->text().isEmpty());
        button(&panel, u"Create cluster…"_s)->click();
        QCOMPARE(running->text(), u"Running: Create cluster"_s);
        button(&panel, u"Backup now"_s)->click(); // kubectl of the create is still running
        if (const QByteArray out = qgetenv("BC_SCREENSHOT_DIR"); !out.isEmpty())
            QVERIFY(panel.grab().save(QString::fromLocal8Bit(out) + u"/orders-action-refused.png"_s));
        QCOMPARE(panel.banner()->level(), bc::InlineBanner::Level::Error);
        QVERIFY2(panel.banner()->message().contains(
                     u"\"Backup now\" was not started: \"Create cluster\" is still running"_s),
            qPrintable(panel.banner()->message()));
        button(&panel, u"Backups"_s)->click();
        QVERIFY2(panel.banner()->message().contains(u"\"Backups\" was not started"_s), qPrintable(panel.banner()->message()));

        QTRY_VERIFY_WITH_TIMEOUT(
            panel.banner()->message().contains(u"Cluster orderlog-db created, without backups"_s), 60000);
        QVERIFY(running->text().isEmpty());
        bc::KubeClient kube(&context, session.target());
        QCOMPARE(get(kube, {u"clusters.postgresql.cnpg.io"_s, u"orderlog-db"_s})
                     .value(u"metadata"_s)[u"name"_s].toString(),
            u"orderlog-db"_s); // the create ran to its end
        QVERIFY(get(kube, {u"backups.postgresql.cnpg.io"_s}).value(u"items"_s).toArray().isEmpty()); // refused: none

        button(&panel, u"Backup now"_s)->click(); // nothing runs now: accepted
        QTRY_VERIFY_WITH_TIMEOUT(panel.banner()->message().contains(u"Backup orderlog-db-manual-"_s), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(
            get(kube, {u"backups.postgresql.cnpg.io"_s}).value(u"items"_s).toArray().size(), 1, 30000);

        session.disconnect();
        QTRY_COMPARE_WITH_TIMEOUT(session.sandbox()->state(), bc::SandboxController::State::Stopped, 20000);
    }
};

QTEST_MAIN(TestOrdersPanelCnpg)
#include "tst_orders_panel_cnpg.moc"
