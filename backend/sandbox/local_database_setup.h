#pragma once

#include "backend/core/result.h"
#include "backend/process/command.h"

#include <QString>

namespace bc {

struct LocalDatabaseAccess;

// The files and command lines of the sandbox's PostgreSQL 15 for one sandbox directory: where its
// data lives, the role's password file, and initdb / postgres / psql as they must run (as `postgres`
// through runuser when the app runs as root). LocalDatabase runs them as children of the app;
// `boutique-control sandbox start` runs the server detached. Neither writes these lines itself.
class LocalDatabaseSetup
{
public:
    LocalDatabaseSetup() = default;
    explicit LocalDatabaseSetup(const QString &sandboxDirectory);

    static QString binDirectory(); // BC_PG_BIN, else Debian's /usr/lib/postgresql/15/bin
    // Where the cluster's files go for a sandbox directory: <directory>/postgres, or, as root when
    // the postgres user cannot enter <directory>, a folder of /var/lib/postgresql named after it.
    static QString rootFor(const QString &sandboxDirectory);
    static QString passwordFileFor(const QString &sandboxDirectory);
    static Result<QString> loadOrCreatePassword(const QString &file);
    static bool isReadyLine(const QString &serverLine); // the server accepts connections
    static bool isBindFailure(const QString &serverOutput); // the port was taken between picking and binding
    static quint16 freeLoopbackPort();

    // The tools are installed and, as root, there is a `postgres` user to run them as.
    static Status checkTools();
    // Creates the folders (handed to `postgres` as root) and loads or creates the password.
    Status prepare();

    const QString &root() const { return m_root; }
    QString dataDirectory() const { return m_root + QStringLiteral("/data"); }
    QString passwordFile() const { return passwordFileFor(m_sandboxDirectory); }
    const QString &password() const { return m_password; } // empty until prepare()
    bool isInitialized() const; // initdb has run
    LocalDatabaseAccess access(quint16 port) const;

    Command initdb() const;
    // Only the orderlog role may log in over TCP, with its password; the superuser only through the
    // socket in root() (mode 0700, owned by the server's user). Rewritten on every start.
    Status writeAccessRules() const;
    Command server(quint16 port) const; // foreground postgres on 127.0.0.1:port
    Command setUpRole(quint16 port) const; // creates role and database orderlog; the password on stdin

private:
    Command asServerUser(const QString &tool, const QStringList &args) const;

    QString m_sandboxDirectory;
    QString m_root;
    QString m_password;
};

} // namespace bc
