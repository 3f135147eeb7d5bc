// Issue 20 point 2: the order database password in a real Secret Service (gnome-keyring, in a D-Bus
// session of its own: tests/support/with_secret_service.sh, which ctest runs this test under). Store,
// read, delete and a wrong password replaced, each checked from outside this process with secret-tool,
// so an answer from the vault's in-memory fallback cannot pass for the keychain's.

#include "backend/orders/password_vault.h"

#include <QDirIterator>
#include <QProcess>
#include <QStandardPaths>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

const QString kService = u"boutique-control/orderlog-db"_s;

// What the keychain holds for this key, read by another program; nullopt when nothing.
std::optional<QString> lookup(const QString &key)
{
    QProcess p;
    p.start(u"secret-tool"_s, {u"lookup"_s, u"server"_s, kService, u"user"_s, key});
    if (!p.waitForFinished(20000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return std::nullopt;
    return QString::fromUtf8(p.readAllStandardOutput());
}

// How many items the keychain holds for the vault's service.
int itemCount()
{
    QProcess p;
    p.start(u"secret-tool"_s, {u"search"_s, u"--all"_s, u"server"_s, kService});
    if (!p.waitForFinished(20000))
        return -1;
    const QByteArray all = p.readAllStandardOutput() + p.readAllStandardError();
    return int(all.count("attribute.user = "));
}

template <typename T>
std::optional<T> wait(const std::function<void(std::function<void(T)>)> &call)
{
    std::optional<T> result;
    call([&result](T v) { result = v; });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 20000))
        return std::nullopt;
    return result;
}

bool storeIn(bc::PasswordVault &vault, const QString &conninfo, const QString &password)
{
    return wait<bool>([&](auto done) { vault.store(conninfo, password, done); }).value_or(false);
}

std::optional<QString> loadFrom(bc::PasswordVault &vault, const QString &conninfo)
{
    return wait<std::optional<QString>>([&](auto done) { vault.load(conninfo, done); }).value_or(u"(no answer)"_s);
}

bool removeFrom(bc::PasswordVault &vault, const QString &conninfo)
{
    return wait<bool>([&](auto done) { vault.remove(conninfo, done); }).value_or(false);
}

} // namespace

class TestOrdersKeychain : public QObject
{
    Q_OBJECT

    const QString m_conninfo = u"host=127.0.0.1 port=5432 dbname=orderlog user=orderlog"_s;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(qEnvironmentVariable("BC_SECRET_SERVICE") == u"gnome-keyring",
            "not in a Secret Service session: run through tests/support/with_secret_service.sh (ctest does)");
        QVERIFY2(!QStandardPaths::findExecutable(u"secret-tool"_s).isEmpty(),
            "secret-tool not found: install the Debian package libsecret-tools (see ./boutique)");
        QCOMPARE(itemCount(), 0); // a fresh keyring
    }

    void storeReadDelete()
    {
        const QString key = bc::PasswordVault::keyFor(m_conninfo);
        bc::PasswordVault vault;
        QVERIFY(storeIn(vault, m_conninfo, u"Keyring-pw-1"_s));
        QVERIFY(vault.keychainWorks());
        QCOMPARE(lookup(key), std::optional<QString>(u"Keyring-pw-1"_s)); // in the keychain, not only in memory
        QCOMPARE(itemCount(), 1);

        bc::PasswordVault another;
        QCOMPARE(loadFrom(another, m_conninfo), std::optional<QString>(u"Keyring-pw-1"_s));
        QVERIFY(another.keychainWorks());
        QCOMPARE(loadFrom(another, u"host=elsewhere dbname=orderlog"_s), std::nullopt);

        // The keyring file holds it encrypted; no file under this HOME has it in plain text.
        QVERIFY(QFileInfo::exists(qEnvironmentVariable("BC_KEYRING_DIR") + u"/login.keyring"_s));
        QDirIterator it(QDir::homePath(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (f.open(QIODevice::ReadOnly))
                QVERIFY2(!f.readAll().contains("Keyring-pw-1"), qPrintable(f.fileName()));
        }

        QVERIFY(removeFrom(vault, m_conninfo));
        QCOMPARE(lookup(key), std::nullopt);
        QCOMPARE(itemCount(), 0);
        QCOMPARE(loadFrom(vault, m_conninfo), std::nullopt); // memory forgot it too
        QVERIFY(removeFrom(vault, m_conninfo)); // nothing left to delete is not an error
    }

    // The database refused a typed password (the Order log panel then removes it): the next one typed
    // is the only one kept, and the one read back.
    void wrongPasswordIsReplaced()
    {
        const QString key = bc::PasswordVault::keyFor(m_conninfo);
        bc::PasswordVault vault;
        QVERIFY(storeIn(vault, m_conninfo, u"wrong-passw0rd"_s));
        QCOMPARE(lookup(key), std::optional<QString>(u"wrong-passw0rd"_s));
        QVERIFY(removeFrom(vault, m_conninfo)); // refused: forgotten
        QCOMPARE(loadFrom(vault, m_conninfo), std::nullopt); // so the panel asks again
        QVERIFY(storeIn(vault, m_conninfo, u"right-passw0rd"_s));
        QCOMPARE(itemCount(), 1);
        QCOMPARE(lookup(key), std::optional<QString>(u"right-passw0rd"_s));
        bc::PasswordVault fresh;
        QCOMPARE(loadFrom(fresh, m_conninfo), std::optional<QString>(u"right-passw0rd"_s));
        QVERIFY(removeFrom(vault, m_conninfo));
    }
};

QTEST_GUILESS_MAIN(TestOrdersKeychain)
#include "tst_orders_keychain.moc"
