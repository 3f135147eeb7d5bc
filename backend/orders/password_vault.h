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

    void store(const QString &conninfo, const QString &password);
    // done(password) from the keychain or memory; std::nullopt when neither has one.
    void load(const QString &conninfo, std::function<void(std::optional<QString>)> done);
    // Whether the last keychain call worked (false until one did).
    bool keychainWorks() const { return m_keychainWorks; }

private:
    static QHash<QString, QString> &memory();
    bool m_keychainWorks = false;
};

} // namespace bc
