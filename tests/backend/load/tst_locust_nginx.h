#pragma once
// A tiny loopback storefront for Locust tests: Debian's nginx-light with a generated config in a temp
// dir, 200 for every route (GET and POST), the shop_session-id cookie set like the real frontend.
// Header-only test support, shared by tst_locust_* and the load bench.

#include "backend/load/locust_runner.h"
#include "backend/process/command_runner.h"
#include "tests/support/process_table.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QTcpSocket>
#include <QTemporaryDir>

namespace bc::test {

class NginxTarget
{
public:
    static constexpr const char *kNginx = "/usr/sbin/nginx";

    // Returns an empty string on success, else why it could not start.
    QString start()
    {
        if (!QFile::exists(QString::fromLatin1(kNginx)))
            return QStringLiteral("nginx is not installed at /usr/sbin/nginx (Debian package nginx-light)");
        if (!m_dir.isValid())
            return QStringLiteral("no temporary directory");
        m_port = LocustRunner::freeLoopbackPort();
        const QString d = m_dir.path();
        const QString conf = QStringLiteral(
                                 // One process: no worker (run as nobody) that could outlive the master.
                                 "master_process off;\n"
                                 "worker_processes 1;\n"
                                 "error_log %1/error.log;\n"
                                 "events { worker_connections 4096; }\n"
                                 "http {\n"
                                 "  access_log off;\n"
                                 "  client_body_temp_path %1/body;\n"
                                 "  proxy_temp_path %1/proxy;\n"
                                 "  fastcgi_temp_path %1/fastcgi;\n"
                                 "  uwsgi_temp_path %1/uwsgi;\n"
                                 "  scgi_temp_path %1/scgi;\n"
                                 "  server {\n"
                                 "    listen 127.0.0.1:%2;\n"
                                 "    location / {\n"
                                 "      add_header Set-Cookie \"shop_session-id=6c1f1c9e-2f4e-4c43-9a5e-3b7d2f0a1e11; "
                                 "Max-Age=172800; Path=/\" always;\n"
                                 "      return 200 \"ok\\n\";\n"
                                 "    }\n"
                                 "  }\n"
                                 "}\n")
                                 .arg(d)
                                 .arg(m_port);
        QFile f(d + QStringLiteral("/nginx.conf"));
        if (!f.open(QIODevice::WriteOnly) || f.write(conf.toUtf8()) < 0)
            return QStringLiteral("cannot write nginx.conf");
        f.close();
        Command c{QString::fromLatin1(kNginx),
                  {QStringLiteral("-p"), d, QStringLiteral("-c"), d + QStringLiteral("/nginx.conf"), QStringLiteral("-g"),
                   QStringLiteral("daemon off; pid %1/nginx.pid;").arg(d)}};
        c.timeout = std::chrono::milliseconds(0);
        if (!m_runner.start(c))
            return QStringLiteral("nginx did not start");
        return {};
    }

    bool isServing() const
    {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, m_port);
        return s.waitForConnected(200);
    }
    bool isRunning() const { return m_runner.isRunning(); }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    quint16 port() const { return m_port; }
    QString errorLog() const
    {
        QFile f(m_dir.path() + QStringLiteral("/error.log"));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }

private:
    QTemporaryDir m_dir;
    CommandRunner m_runner; // stops nginx (its whole group) when the test ends
    quint16 m_port = 0;
};

// Pids of live processes whose command line contains `needle` (e.g. a run's unique port).
inline QList<qint64> processesMentioning(const QString &needle)
{
    QList<qint64> out;
    for (const ProcessInfo &p : liveProcesses())
        if (p.commandLine.contains(needle) && p.commandLine.contains(QLatin1String("locust")))
            out.append(p.pid);
    return out;
}

} // namespace bc::test
