#pragma once

#include "backend/core/result.h"
#include "backend/process/run_context.h"
#include "backend/sandbox/local_database.h"

#include <QObject>
#include <QPointer>

namespace bc {

class CommandRunner;

// The real orderlog-server for the local sandbox, a child of the app on a free loopback port, writing
// to the sandbox's PostgreSQL. The database password reaches it in PGPASSWORD, never on argv.
class LocalOrderlog : public QObject
{
    Q_OBJECT
public:
    explicit LocalOrderlog(RunContext *context, QObject *parent = nullptr);

    static QString locateBinary(); // BC_ORDERLOG_SERVER_BINARY, beside the app, the build tree, PATH
    // "listening on 127.0.0.1:PORT" -> PORT, or 0
    static int parseListeningLine(const QString &line);
    // orderlog-server on a free loopback port writing to database; its password goes in PGPASSWORD.
    // checkoutUpstream (loopback HOST:PORT, the sandbox's checkoutservice stand-in): also run the
    // checkout tap, forwarding PlaceOrder there (--checkout-upstream).
    static Command commandFor(const QString &binary, const LocalDatabaseAccess &database,
                              const QString &checkoutUpstream = {});

    void start(const LocalDatabaseAccess &database, const QString &checkoutUpstream = {});
    void stop();
    bool isRunning() const { return m_port > 0; }
    bool isActive() const { return m_runner; }
    QString address() const; // 127.0.0.1:PORT once listening
    qint64 pid() const;

Q_SIGNALS:
    void ready(const QString &address);
    void failed(const bc::Error &error); // could not start, or stopped on its own
    void stopped();
    void logLine(const QString &line); // its stderr, one line at a time ("... checkout tap: order ...")

private:
    QPointer<RunContext> m_context;
    CommandRunner *m_runner = nullptr;
    int m_port = 0;
    bool m_stopping = false;
};

} // namespace bc
