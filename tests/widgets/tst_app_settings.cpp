#include "backend/settings/app_settings.h"

#include "backend/process/tool_locator.h"
#include "widgets/common/inline_banner.h"
#include "widgets/settings/settings_dialog.h"

#include <QFile>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace bc {

class TstAppSettings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void usesTheTestConfiguration();
    void defaults();
    void roundTripThroughANewInstance();
    void locustWorkersRange_data();
    void locustWorkersRange();
    void badValuesOnDiskFallBackToDefaults();
    void namespaceValidation_data();
    void namespaceValidation();
    void toolPathValidation();
    void toolPathsReachTheLocator();
    void noSecretKeys();
    void dialogRoundTrip();
    void dialogShowsBadInputAndKeepsGoodValues();

private:
    QString helper() const { return QStringLiteral(BC_TEST_HELPER); }
};

void TstAppSettings::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"BoutiqueControlTest"_s);
    QCoreApplication::setApplicationName(u"tst_app_settings"_s);
}

void TstAppSettings::init()
{
    AppSettings settings;
    settings.resetToDefaults();
    QVERIFY(settings.sync());
}

void TstAppSettings::usesTheTestConfiguration()
{
    AppSettings settings;
    const QString testConfig = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    QVERIFY2(settings.fileName().startsWith(testConfig), qPrintable(settings.fileName()));
    QVERIFY2(settings.fileName().contains(u"qttest"_s), qPrintable(settings.fileName()));
}

void TstAppSettings::defaults()
{
    AppSettings settings;
    QCOMPARE(settings.locustWorkers(), 2);
    QCOMPARE(settings.kubeNamespace(), u"default"_s);
    QVERIFY(settings.kubeContext().isEmpty());
    for (const QString &tool : AppSettings::tools())
        QVERIFY(settings.toolPath(tool).isEmpty());
    QCOMPARE(AppSettings::tools(),
        QStringList(
            {u"kubectl"_s, u"gcloud"_s, u"terraform"_s, u"ansible-playbook"_s, u"locust"_s, u"ssh"_s}));
}

void TstAppSettings::roundTripThroughANewInstance()
{
    {
        AppSettings settings;
        QVERIFY(settings.setToolPath(u"kubectl"_s, helper()));
        QVERIFY(settings.setKubeContext(u"gke_lab_europe-west1_boutique"_s));
        QVERIFY(settings.setKubeNamespace(u"shop"_s));
        QVERIFY(settings.setLocustWorkers(8));
        settings.setWindowGeometry(QByteArray("geometry-bytes"));
        QVERIFY(settings.sync());
    }
    AppSettings again;
    QCOMPARE(again.toolPath(u"kubectl"_s), helper());
    QCOMPARE(again.kubeContext(), u"gke_lab_europe-west1_boutique"_s);
    QCOMPARE(again.kubeNamespace(), u"shop"_s);
    QCOMPARE(again.locustWorkers(), 8);
    QCOMPARE(again.windowGeometry(), QByteArray("geometry-bytes"));

    again.resetToDefaults();
    QVERIFY(again.toolPath(u"kubectl"_s).isEmpty());
    QCOMPARE(again.locustWorkers(), 2);
    QCOMPARE(again.windowGeometry(), QByteArray("geometry-bytes")); // window state survives a reset
}

void TstAppSettings::locustWorkersRange_data()
{
    QTest::addColumn<int>("workers");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("zero") << 0 << false;
    QTest::newRow("one") << 1 << true;
    QTest::newRow("default") << 2 << true;
    QTest::newRow("thirty-two") << 32 << true;
    QTest::newRow("thirty-three") << 33 << false;
    QTest::newRow("negative") << -4 << false;
}

void TstAppSettings::locustWorkersRange()
{
    QFETCH(int, workers);
    QFETCH(bool, accepted);
    AppSettings settings;
    QVERIFY(settings.setLocustWorkers(5));
    const Status s = settings.setLocustWorkers(workers);
    QCOMPARE(bool(s), accepted);
    QCOMPARE(settings.locustWorkers(), accepted ? workers : 5);
    if (!accepted) {
        QCOMPARE(s.error().kind, Error::Kind::Invalid);
        QVERIFY(s.error().message.contains(u"between 1 and 32"_s));
    }
}

void TstAppSettings::badValuesOnDiskFallBackToDefaults()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString ini = dir.filePath(u"settings.ini"_s);
    QFile file(ini);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[loadtest]\nlocustWorkers=500\n[kube]\nnamespace=Not A Namespace\n");
    file.close();
    AppSettings settings(ini);
    QCOMPARE(settings.locustWorkers(), 2);
    QCOMPARE(settings.kubeNamespace(), u"default"_s);
}

void TstAppSettings::namespaceValidation_data()
{
    QTest::addColumn<QString>("ns");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("simple") << u"shop"_s << true;
    QTest::newRow("dashes and digits") << u"online-boutique-2"_s << true;
    QTest::newRow("upper case") << u"Shop"_s << false;
    QTest::newRow("underscore") << u"my_ns"_s << false;
    QTest::newRow("leading dash") << u"-shop"_s << false;
    QTest::newRow("too long") << QString(64, u'a') << false;
    QTest::newRow("shell") << u"a;rm -rf /"_s << false;
}

void TstAppSettings::namespaceValidation()
{
    QFETCH(QString, ns);
    QFETCH(bool, accepted);
    AppSettings settings;
    const Status s = settings.setKubeNamespace(ns);
    QCOMPARE(bool(s), accepted);
    QCOMPARE(settings.kubeNamespace(), accepted ? ns : u"default"_s);
}

void TstAppSettings::toolPathValidation()
{
    AppSettings settings;
    QVERIFY(settings.setToolPath(u"locust"_s, helper()));
    QCOMPARE(settings.toolPath(u"locust"_s), helper());
    QVERIFY(settings.setToolPath(u"locust"_s, u"  "_s)); // empty clears
    QVERIFY(settings.toolPath(u"locust"_s).isEmpty());

    Status s = settings.setToolPath(u"kubectl"_s, u"/no/such/kubectl"_s);
    QVERIFY(!s);
    QVERIFY(s.error().message.contains(u"does not exist"_s));
    s = settings.setToolPath(u"kubectl"_s, QStringLiteral(BC_SOURCE_DIR) + u"/CMakeLists.txt"_s);
    QVERIFY(!s);
    QVERIFY(s.error().message.contains(u"not an executable file"_s));
    s = settings.setToolPath(u"kubectl"_s, u"bin/kubectl"_s);
    QVERIFY(!s);
    QVERIFY(s.error().message.contains(u"absolute"_s));
    s = settings.setToolPath(u"rm"_s, u"/bin/rm"_s);
    QVERIFY(!s);
    QVERIFY(settings.toolPath(u"kubectl"_s).isEmpty());
}

void TstAppSettings::toolPathsReachTheLocator()
{
    AppSettings settings;
    QVERIFY(settings.setToolPath(u"terraform"_s, helper()));
    ToolLocator locator;
    settings.applyToolPaths(&locator);
    QCOMPARE(locator.configuredPath(u"terraform"_s), helper());
    QCOMPARE(locator.locate(u"terraform"_s), helper());
    QVERIFY(settings.setToolPath(u"terraform"_s, {}));
    settings.applyToolPaths(&locator);
    QVERIFY(locator.configuredPath(u"terraform"_s).isEmpty());
}

void TstAppSettings::noSecretKeys()
{
    AppSettings settings;
    QVERIFY(settings.setToolPath(u"ssh"_s, helper()));
    QVERIFY(settings.setKubeContext(u"lab"_s));
    QVERIFY(settings.sync());
    QFile file(settings.fileName());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray content = file.readAll().toLower();
    for (const char *word : {"password", "token", "secret", "key="})
        QVERIFY2(!content.contains(word), word);
}

void TstAppSettings::dialogRoundTrip()
{
    AppSettings settings;
    ToolLocator locator;
    {
        SettingsDialog dialog(&settings, &locator);
        QSignalSpy applied(&dialog, &SettingsDialog::applied);
        QCOMPARE(dialog.workersSpin()->value(), 2);
        QCOMPARE(dialog.workersSpin()->maximum(), 32);
        QCOMPARE(dialog.workersSpin()->minimum(), 1);
        dialog.toolPathEdit(u"gcloud"_s)->setText(helper());
        dialog.contextEdit()->setText(u"kind-lab"_s);
        dialog.namespaceEdit()->setText(u"boutique"_s);
        dialog.workersSpin()->setValue(12);
        QVERIFY(dialog.apply());
        QCOMPARE(applied.count(), 1);
        QVERIFY(!dialog.banner()->isVisibleTo(&dialog));
    }
    QCOMPARE(locator.configuredPath(u"gcloud"_s), helper());
    AppSettings again;
    QCOMPARE(again.toolPath(u"gcloud"_s), helper());
    QCOMPARE(again.kubeContext(), u"kind-lab"_s);
    QCOMPARE(again.kubeNamespace(), u"boutique"_s);
    QCOMPARE(again.locustWorkers(), 12);

    SettingsDialog reopened(&again, &locator);
    QCOMPARE(reopened.toolPathEdit(u"gcloud"_s)->text(), helper());
    QCOMPARE(reopened.workersSpin()->value(), 12);
    reopened.restoreDefaults();
    QVERIFY(reopened.apply());
    AppSettings third;
    QVERIFY(third.toolPath(u"gcloud"_s).isEmpty());
    QCOMPARE(third.locustWorkers(), 2);
    QVERIFY(locator.configuredPath(u"gcloud"_s).isEmpty());
}

void TstAppSettings::dialogShowsBadInputAndKeepsGoodValues()
{
    AppSettings settings;
    ToolLocator locator;
    SettingsDialog dialog(&settings, &locator);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QSignalSpy applied(&dialog, &SettingsDialog::applied);
    dialog.toolPathEdit(u"kubectl"_s)->setText(u"/no/such/kubectl"_s);
    dialog.namespaceEdit()->setText(u"Bad Namespace"_s);
    dialog.workersSpin()->setValue(4);
    const Status s = dialog.apply();
    QVERIFY(!s);
    QCOMPARE(applied.count(), 0);
    QVERIFY(dialog.banner()->isVisible());
    QVERIFY2(dialog.banner()->message().contains(u"2 settings were not saved"_s),
        qPrintable(dialog.banner()->message()));
    QVERIFY(dialog.banner()->detail().contains(u"/no/such/kubectl"_s));
    QVERIFY(dialog.banner()->detail().contains(u"Bad Namespace"_s));
    AppSettings stored;
    QVERIFY(stored.toolPath(u"kubectl"_s).isEmpty());
    QCOMPARE(stored.kubeNamespace(), u"default"_s);
    QCOMPARE(stored.locustWorkers(), 4); // the valid field was kept

    dialog.toolPathEdit(u"kubectl"_s)->clear();
    dialog.namespaceEdit()->setText(u"good-ns"_s);
    QVERIFY(dialog.apply());
    QVERIFY(!dialog.banner()->isVisible());
}

} // namespace bc

QTEST_MAIN(bc::TstAppSettings)
#include "tst_app_settings.moc"
