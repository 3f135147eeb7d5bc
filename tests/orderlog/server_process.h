#pragma once

// Runs the real orderlog-server for a test and reads back the port it picked (--port 0).

#include <QtCore/QElapsedTimer>
#include <QtCore/QProcess>
#include <QtCore/QProcessEnvironment>
#include <QtCore/QRegularExpression>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <csignal>
#include <memory>
#include <string>

namespace bc::test {

class ServerProcess
{
public:
    ~ServerProcess() { kill(); }

    // Starts orderlog-server on 127.0.0.1 port 0 and waits (up to 20 s) for "listening on".
    bool start(const std::string &conninfo, const QStringList &extraArgs = {})
    {
        m_process = std::make_unique<QProcess>();
        m_process->setProgram(QStringLiteral(BC_ORDERLOG_SERVER));
        m_process->setArguments(
            QStringList {QStringLiteral("--listen"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"),
                QStringLiteral("0"), QStringLiteral("--db"), QString::fromStdString(conninfo)}
            + extraArgs);
        m_process->setProcessChannelMode(QProcess::SeparateChannels);
        m_process->start();
        if (!m_process->waitForStarted(10000))
            return false;
        static const QRegularExpression listening(QStringLiteral("listening on [^\\n]*:(\\d+)\\n"));
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 20000) {
            m_stdout += m_process->readAllStandardOutput();
            const auto match = listening.match(QString::fromUtf8(m_stdout));
            if (match.hasMatch()) {
                m_port = match.captured(1).toInt();
                return m_port > 0;
            }
            if (m_process->state() == QProcess::NotRunning)
                return false;
            m_process->waitForReadyRead(200);
        }
        return false;
    }

    int port() const { return m_port; }
    std::string address() const { return "127.0.0.1:" + std::to_string(m_port); }
    qint64 pid() const { return m_process ? m_process->processId() : 0; }
    bool running() const { return m_process && m_process->state() != QProcess::NotRunning; }

    void terminate() { m_process->terminate(); } // SIGTERM

    // Waits for the process to exit; true if it exited normally with code 0.
    bool waitForCleanExit(int ms = 30000)
    {
        if (!m_process->waitForFinished(ms))
            return false;
        return m_process->exitStatus() == QProcess::NormalExit && m_process->exitCode() == 0;
    }

    // The last few KB of the server's stderr, for failure messages.
    QString errorOutput()
    {
        const QByteArray all = m_process ? m_process->readAllStandardError() : QByteArray();
        QString text = QString::fromUtf8(all.right(4000));
        if (m_process && m_process->state() == QProcess::NotRunning)
            text += QStringLiteral("\n[exit status %1, code %2]")
                        .arg(int(m_process->exitStatus()))
                        .arg(m_process->exitCode());
        return text;
    }

    void kill()
    {
        if (running()) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }

private:
    std::unique_ptr<QProcess> m_process;
    QByteArray m_stdout;
    int m_port = 0;
};

} // namespace bc::test
