// The Cluster panel: input is refused before any process starts, with the message next to the field;
// profiles persist; kube contexts come from KUBECONFIG; a dry-run create hands the new cluster's
// context to the session; deleting asks first and names the cluster.
#include "backend/cluster/profile_store.h"
#include "backend/process/command_log.h"
#include "backend/process/run_context.h"
#include "backend/session/cluster_session.h"
#include "widgets/cluster/cluster_panel.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using bc::ClusterPanel;

class TstClusterPanel : public QObject
{
    Q_OBJECT
private:
    // With BC_SCREENSHOT_DIR set, keeps a picture of the panel as it looks now.
    static void shot(QWidget &panel, const QString &name)
    {
        const QString dir = qEnvironmentVariable("BC_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        panel.resize(900, 720);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(panel.grab().save(QDir(dir).filePath(name)));
    }

    template <typename W>
    static W *child(QWidget *panel, const QString &name)
    {
        W *w = panel->findChild<W *>(name);
        if (!w)
            qFatal("no child %s", qPrintable(name));
        return w;
    }

    static void fillValidGke(ClusterPanel &panel)
    {
        panel.setEnvironment(ClusterPanel::Environment::Gke);
        child<QLineEdit>(&panel, u"gke/name"_s)->setText(u"lab"_s);
        child<QLineEdit>(&panel, u"gke/project"_s)->setText(u"boutique-lab-42"_s);
        child<QLineEdit>(&panel, u"gke/location"_s)->setText(u"us-central1-b"_s);
        child<QLineEdit>(&panel, u"gke/cluster_name"_s)->setText(u"shop"_s);
    }

    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        qputenv("KUBECONFIG", QFile::encodeName(m_dir.filePath(u"none.yaml"_s)));
    }

    void invalidInputIsRefusedBeforeAnyProcess_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("field");
        QTest::newRow("project") << u"gke/project"_s << u"1-bad"_s << u"project"_s;
        QTest::newRow("empty project") << u"gke/project"_s << QString() << u"project"_s;
        QTest::newRow("zone") << u"gke/location"_s << u"mars-1"_s << u"zone"_s;
        QTest::newRow("cluster name") << u"gke/cluster_name"_s << u"Shop_1"_s << u"cluster_name"_s;
        QTest::newRow("machine type") << u"gke/machine_type"_s << u"huge"_s << u"machine_type"_s;
        QTest::newRow("version") << u"gke/cluster_version"_s << u"one"_s << u"cluster_version"_s;
        QTest::newRow("profile name") << u"gke/name"_s << QString() << u"name"_s;
    }

    void invalidInputIsRefusedBeforeAnyProcess()
    {
        QFETCH(QString, input);
        QFETCH(QString, value);
        QFETCH(QString, field);
        bc::RunContext context;
        bc::ClusterSession session(&context);
        ClusterPanel panel(&session, nullptr, bc::ProfileStore(m_dir.filePath(u"invalid.yaml"_s)));
        QSignalSpy started(context.log(), &bc::CommandLog::commandStarted);
        fillValidGke(panel);
        child<QLineEdit>(&panel, input)->setText(value);

        for (const QString &button : {u"gkeCreate"_s, u"gkeCredentials"_s, u"gkeDelete"_s}) {
            QTest::mouseClick(child<QPushButton>(&panel, button), Qt::LeftButton);
            QVERIFY(!panel.isBusy());
            const QString message = panel.fieldError(field);
            QVERIFY2(message.startsWith(field + u':'), qPrintable(message));
            const QLabel *label = child<QLabel>(&panel, u"gke/"_s + field + u"/error"_s);
            QVERIFY(!label->isHidden());
            QCOMPARE(label->text(), message);
        }
        QCOMPARE(started.size(), 0); // no gcloud, not even announced
        QVERIFY(!QFile::exists(m_dir.filePath(u"invalid.yaml"_s))); // nothing invalid is saved
    }

    void nodeCountAndK3sKeyAreChecked()
    {
        bc::RunContext context;
        bc::ClusterSession session(&context);
        ClusterPanel panel(&session, nullptr, bc::ProfileStore(m_dir.filePath(u"k.yaml"_s)));
        QSignalSpy started(context.log(), &bc::CommandLog::commandStarted);
        fillValidGke(panel);
        child<QSpinBox>(&panel, u"gke/node_count"_s)->setValue(0);
        QVERIFY(!panel.createCluster());
        QVERIFY(panel.fieldError(u"node_count"_s).contains(u"node count"_s));
        shot(panel, u"cluster-gke-invalid.png"_s);

        panel.setEnvironment(ClusterPanel::Environment::K3s);
        child<QLineEdit>(&panel, u"k3s/name"_s)->setText(u"edge"_s);
        child<QLineEdit>(&panel, u"k3s/project"_s)->setText(u"boutique-lab-42"_s);
        child<QLineEdit>(&panel, u"k3s/region"_s)->setText(u"europe-west6"_s);
        child<QLineEdit>(&panel, u"k3s/zone"_s)->setText(u"europe-west6-a"_s);
        child<QLineEdit>(&panel, u"k3s/ssh_public_key_path"_s)->setText(m_dir.filePath(u"missing.pub"_s));
        QTest::mouseClick(child<QPushButton>(&panel, u"k3sCreate"_s), Qt::LeftButton);
        QVERIFY2(panel.fieldError(u"ssh_public_key"_s).contains(u"missing.pub"_s),
            qPrintable(panel.fieldError(u"ssh_public_key"_s)));
        QVERIFY(panel.fieldError(u"node_count"_s).isEmpty()); // the GKE page's message is not shown here
        shot(panel, u"cluster-k3s-invalid.png"_s);
        QCOMPARE(started.size(), 0);
    }

    void profilesPersist()
    {
        const QString path = m_dir.filePath(u"profiles.yaml"_s);
        {
            bc::RunContext context;
            bc::ClusterSession session(&context);
            ClusterPanel panel(&session, nullptr, bc::ProfileStore(path));
            fillValidGke(panel);
            QVERIFY(panel.saveProfile());
            child<QLineEdit>(&panel, u"gke/name"_s)->setText(u"second"_s);
            child<QComboBox>(&panel, u"gke/location_kind"_s)->setCurrentIndex(1);
            child<QLineEdit>(&panel, u"gke/location"_s)->setText(u"europe-west1"_s);
            QVERIFY(panel.saveProfile());
        }
        bc::RunContext context;
        bc::ClusterSession session(&context);
        ClusterPanel panel(&session, nullptr, bc::ProfileStore(path));
        auto *profiles = child<QComboBox>(&panel, u"profiles"_s);
        QCOMPARE(profiles->count(), 2);
        const int row = profiles->findText(u"second"_s);
        QVERIFY(row >= 0);
        profiles->setCurrentIndex(row);
        Q_EMIT profiles->activated(row);
        QCOMPARE(panel.environment(), ClusterPanel::Environment::Gke);
        const bc::ClusterProfile p = panel.currentProfile();
        QCOMPARE(p.gke.region, u"europe-west1"_s);
        QVERIFY(p.gke.zone.isEmpty());
        QVERIFY(p.gke.networkPolicy); // on by default
    }

    void dryRunCreateHandsTheContextToTheSession()
    {
        bc::RunContext context;
        context.setDryRun(true); // gcloud is announced, never run: no cloud in tests
        bc::ClusterSession session(&context);
        ClusterPanel panel(&session, nullptr, bc::ProfileStore(m_dir.filePath(u"dry.yaml"_s)));
        QSignalSpy started(context.log(), &bc::CommandLog::commandStarted);
        QSignalSpy target(&session, &bc::ClusterSession::targetChanged);
        fillValidGke(panel);
        QTest::mouseClick(child<QPushButton>(&panel, u"gkeCreate"_s), Qt::LeftButton);
        QVERIFY(target.wait(10000));
        QCOMPARE(session.target().context, u"gke_boutique-lab-42_us-central1-b_shop"_s);
        QVERIFY(started.size() >= 2); // create, then get-credentials
        QVERIFY(started.first().at(1).toString().contains(u"clusters create shop"_s));
        QVERIFY(started.first().at(1).toString().contains(u"--enable-network-policy"_s));
        QVERIFY(!panel.isBusy());
        QVERIFY(bc::ProfileStore(m_dir.filePath(u"dry.yaml"_s)).find(u"lab"_s));
    }

    void deleteAsksAndNamesTheCluster()
    {
        bc::RunContext context;
        bc::ClusterSession session(&context);
        ClusterPanel panel(&session, nullptr, bc::ProfileStore(m_dir.filePath(u"del.yaml"_s)));
        QSignalSpy started(context.log(), &bc::CommandLog::commandStarted);
        QString asked;
        QString action;
        panel.setConfirm([&](const QString &, const QString &text, const QString &button) {
            asked = text;
            action = button;
            return false; // the user cancels
        });
        fillValidGke(panel);
        QTest::mouseClick(child<QPushButton>(&panel, u"gkeDelete"_s), Qt::LeftButton);
        QCOMPARE(action, u"Delete cluster"_s);
        QVERIFY2(asked.contains(u"shop"_s), qPrintable(asked));
        QVERIFY(!panel.isBusy());
        QCOMPARE(started.size(), 0);
    }

    void existingContextsComeFromKubeconfig()
    {
        const QString path = m_dir.filePath(u"kubeconfig.yaml"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("apiVersion: v1\nkind: Config\ncurrent-context: beta\n"
                   "clusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\n"
                   "users:\n- name: u\n  user: {}\n"
                   "contexts:\n- name: alpha\n  context: {cluster: c, user: u}\n"
                   "- name: beta\n  context: {cluster: c, user: u}\n");
        file.close();
        qputenv("KUBECONFIG", QFile::encodeName(path));
        bc::RunContext context;
        bc::ClusterSession session(&context);
        ClusterPanel panel(&session, nullptr, bc::ProfileStore(m_dir.filePath(u"ctx.yaml"_s)));
        panel.setEnvironment(ClusterPanel::Environment::Context);
        auto *list = child<QListWidget>(&panel, u"contexts"_s);
        QCOMPARE(list->count(), 2);
        QCOMPARE(list->currentItem()->text(), u"beta"_s); // the current context is preselected
        list->setCurrentRow(0);
        QSignalSpy target(&session, &bc::ClusterSession::targetChanged);
        QTest::mouseClick(child<QPushButton>(&panel, u"useContext"_s), Qt::LeftButton);
        QCOMPARE(target.size(), 1);
        QCOMPARE(session.target().context, u"alpha"_s);
        QVERIFY(child<QLabel>(&panel, u"connection"_s)->text().contains(u"alpha"_s));
        qputenv("KUBECONFIG", QFile::encodeName(m_dir.filePath(u"none.yaml"_s)));
    }
};

QTEST_MAIN(TstClusterPanel)
#include "tst_cluster_panel.moc"
