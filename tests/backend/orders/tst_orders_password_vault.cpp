// The order database password: kept by the keychain where one runs, else in memory; never in
// QSettings. (Under CI there is no keychain service: the memory path is what runs.)

#include "backend/orders/password_vault.h"

#include <QDirIterator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

class TestOrdersPasswordVault : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void storesAndLoadsWithoutSettings()
    {
        QTemporaryDir home;
        qputenv("XDG_CONFIG_HOME", home.path().toUtf8());
        QStandardPaths::setTestModeEnabled(true);
        const QString conninfo = u"host=127.0.0.1 port=5432 dbname=orderlog user=orderlog"_s;
        QCOMPARE(bc::PasswordVault::keyFor(conninfo + u" password=abc"_s).contains(u"abc"_s), false);
        bc::PasswordVault vault;
        vault.store(conninfo, u"Vault-pw-123"_s);
        std::optional<std::optional<QString>> got;
        vault.load(conninfo, [&](std::optional<QString> p) { got = p; });
        QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 30000);
        QVERIFY(got->has_value());
        QCOMPARE(**got, u"Vault-pw-123"_s);
        std::optional<std::optional<QString>> other;
        vault.load(u"host=elsewhere"_s, [&](std::optional<QString> p) { other = p; });
        QTRY_VERIFY_WITH_TIMEOUT(other.has_value(), 30000);
        QVERIFY(!other->has_value());
        // No file under the config home holds it.
        QDirIterator it(home.path(), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!f.readAll().contains("Vault-pw-123"), qPrintable(f.fileName()));
        }
    }
};

QTEST_GUILESS_MAIN(TestOrdersPasswordVault)
#include "tst_orders_password_vault.moc"
