#pragma once

#include "backend/core/result.h"
#include "backend/process/command.h"
#include "backend/process/run_context.h"
#include "backend/sandbox/local_database_setup.h"

#include <QObject>
#include <QPointer>

namespace bc {

class CommandRunner;

// How a client reaches the sandbox's order database: database and role `orderlog` on loopback.
struct LocalDatabaseAccess
{
    quint16 port = 0;
    QString password; // kept in memory; never shown, logged or passed on a command line

    QString address() const; // 127.0.0.1:PORT
    QString conninfo() const; // libpq string without the password
};

// The sandbox's private PostgreSQL 15: a foreground `postgres` child of the app (own process group,
// stopped with it) on a free loopback port. Its data directory is kept between runs (initdb on the
// first start). Database and role `orderlog`; the role's password is generated once and kept in a
// 0600 file in the sandbox directory (the data directory beside it is as sensitive, and the
// keychain is not always there, so it would not survive a restart). TCP logins need scram-sha-256;
// the superuser only logs in through the Unix socket in a directory only the server's user can enter.
// As root the server runs as `postgres` (runuser); its data then lives where that user can reach it.
class LocalDatabase : public QObject
{
    Q_OBJECT
public:
    explicit LocalDatabase(RunContext *context, QObject *parent = nullptr);
    ~LocalDatabase() override;

    static QString rootFor(const QString &sandboxDirectory) { return LocalDatabaseSetup::rootFor(sandboxDirectory); }
    static QString passwordFileFor(const QString &sandboxDirectory)
    {
        return LocalDatabaseSetup::passwordFileFor(sandboxDirectory);
    }

    void start(const QString &sandboxDirectory);
    void stop(); // fast shutdown (SIGINT): sessions are closed, committed data is flushed
    bool isRunning() const { return m_ready; }
    bool isActive() const { return m_server || m_step; } // a process of it still runs
    const LocalDatabaseAccess &access() const { return m_access; }
    QString dataDirectory() const;
    qint64 serverPid() const;

Q_SIGNALS:
    void progress(const QString &step);
    void ready(const bc::LocalDatabaseAccess &access);
    void failed(const bc::Error &error); // could not start, or stopped on its own
    void stopped();

private:
    void fail(const Error &error);
    void initdb();
    void launchServer(int attempt);
    void setUpRole();

    QPointer<RunContext> m_context;
    CommandRunner *m_server = nullptr;
    CommandRunner *m_step = nullptr;
    LocalDatabaseSetup m_setup;
    LocalDatabaseAccess m_access;
    QString m_lastServerLine;
    bool m_ready = false;
    bool m_stopping = false;
    int m_startGeneration = 0; // stop() invalidates a relaunch that is waiting for the lock
};

} // namespace bc
