#pragma once

// Where the order database's password lives between connections: the system keychain (QtKeychain)
// where a keychain service runs, else only this process's memory (asked once per run). Never
// QSettings, never a log: the key is the conninfo with any password removed.

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace bc {

class PasswordVault : public QObject
{
    Q_OBJECT
public:
    explicit PasswordVault(QObject *parent = nullptr);

    static QString keyFor(const QString &conninfo); // redacted conninfo, trimmed

    // done(true) when the keychain kept it (memory always does).
    void store(const QString &conninfo, const QString &password, std::function<void(bool)> done = {});
    // done(password) from the keychain or memory; std::nullopt when neither has one.
    void load(const QString &conninfo, std::function<void(std::optional<QString>)> done);
    // Forgets it in the keychain and in memory (a password the database refused); done(true) when the
    // keychain has none left for this conninfo.
    void remove(const QString &conninfo, std::function<void(bool)> done = {});
    // Whether the last keychain call worked (false until one did).
    bool keychainWorks() const { return m_keychainWorks; }

private:
    static QHash<QString, QString> &memory();
    bool m_keychainWorks = false;
};

} // namespace bc
