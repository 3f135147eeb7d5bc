// backend/settings/app_settings: typed values with defaults and range checks, kept in the ini file given,
// read back by a second AppSettings on the same file (what the next start of the app sees).
#include "backend/settings/app_settings.h"

#include <QTemporaryDir>
#include <QTest>

using namespace bc;

class TstAppSettingsValues : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QVERIFY(m_dir.isValid()); }
    void defaultsOnAFreshFile()
    {
        const AppSettings s(m_dir.filePath(QStringLiteral("fresh.ini")));
        QCOMPARE(s.locustWorkers(), AppSettings::kDefaultLocustWorkers);
        QCOMPARE(s.kubeNamespace(), QStringLiteral("default"));
        QVERIFY(s.kubeContext().isEmpty());
    }
    void workersOutsideTheRangeAreRefusedAndNotStored()
    {
        AppSettings s(m_dir.filePath(QStringLiteral("workers.ini")));
        QVERIFY(bool(s.setLocustWorkers(AppSettings::kMaxLocustWorkers)));
        const Status low = s.setLocustWorkers(AppSettings::kMinLocustWorkers - 1);
        QVERIFY(!low);
        QCOMPARE(low.error().kind, Error::Kind::Invalid);
        QVERIFY(!s.setLocustWorkers(AppSettings::kMaxLocustWorkers + 1));
        QCOMPARE(s.locustWorkers(), AppSettings::kMaxLocustWorkers);
    }
    void badNamespaceIsRefusedEmptyClears()
    {
        AppSettings s(m_dir.filePath(QStringLiteral("ns.ini")));
        QVERIFY(bool(s.setKubeNamespace(QStringLiteral("  shop-1 "))));
        QCOMPARE(s.kubeNamespace(), QStringLiteral("shop-1"));
        QVERIFY(!s.setKubeNamespace(QStringLiteral("Shop_1")));
        QCOMPARE(s.kubeNamespace(), QStringLiteral("shop-1"));
        QVERIFY(bool(s.setKubeNamespace(QString())));
        QCOMPARE(s.kubeNamespace(), QStringLiteral("default"));
    }
    void valuesSurviveASecondInstanceAndResetForgetsThem()
    {
        const QString file = m_dir.filePath(QStringLiteral("kept.ini"));
        {
            AppSettings s(file);
            QVERIFY(bool(s.setLocustWorkers(5)));
            QVERIFY(bool(s.setKubeNamespace(QStringLiteral("shop"))));
            s.setWindowGeometry(QByteArrayLiteral("geom"));
            QVERIFY(bool(s.sync()));
        }
        AppSettings again(file);
        QCOMPARE(again.locustWorkers(), 5);
        QCOMPARE(again.kubeNamespace(), QStringLiteral("shop"));
        again.resetToDefaults();
        QCOMPARE(again.locustWorkers(), AppSettings::kDefaultLocustWorkers);
        QCOMPARE(again.kubeNamespace(), QStringLiteral("default"));
        QCOMPARE(again.windowGeometry(), QByteArrayLiteral("geom")); // reset keeps the window state
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TstAppSettingsValues)
#include "tst_app_settings_values.moc"
