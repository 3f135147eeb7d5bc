#pragma once

// Test support for the sandbox acceptance tests: starts a real boutique-sandbox process on port 0
// in a private temporary directory and runs the real kubectl against it (own kubeconfig, fresh
// --cache-dir, HOME pointed at the temporary directory, KUBECONFIG unset).

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <functional>
#include <memory>

namespace bc::test {

struct KubectlResult {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    qint64 elapsedMs = 0;
    bool ok() const { return exitCode == 0; }
    QString text() const { return QString::fromUtf8(out); }
    QString errText() const { return QString::fromUtf8(err); }
};

class SandboxFixture {
public:
    // Starts the sandbox; returns false (with `error` set) when it does not come up.
    bool start(const QStringList &extraArgs, QString *error)
    {
        if (!m_dir.isValid()) {
            *error = QStringLiteral("cannot create a temporary directory");
            return false;
        }
        m_kubectl = QStandardPaths::findExecutable(QStringLiteral("kubectl"));
        if (m_kubectl.isEmpty()) {
            *error = QStringLiteral("kubectl was not found on PATH: the sandbox tests drive the real kubectl");
            return false;
        }
        m_kubeconfig = m_dir.filePath(QStringLiteral("kubeconfig"));
        m_process = std::make_unique<QProcess>();
        m_process->setProgram(QStringLiteral(BC_BINARY_DIR "/infra/sandbox/boutique-sandbox"));
        m_process->setArguments(QStringList{QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--kubeconfig"),
                                            m_kubeconfig, QStringLiteral("--exit-with-parent")}
                                + extraArgs);
        m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process->start();
        if (!m_process->waitForStarted(5000)) {
            *error = QStringLiteral("boutique-sandbox did not start: ") + m_process->errorString();
            return false;
        }
        QDeadlineTimer deadline(10000);
        while (!QFile::exists(m_kubeconfig) && !deadline.hasExpired()) {
            if (m_process->state() != QProcess::Running) {
                *error = QStringLiteral("boutique-sandbox exited early");
                return false;
            }
            m_process->waitForReadyRead(50);
        }
        if (!QFile::exists(m_kubeconfig)) {
            *error = QStringLiteral("boutique-sandbox wrote no kubeconfig within 10 s");
            return false;
        }
        // Other lines (the checkoutservice stand-in's address) may come first: take the API server's.
        QByteArray line;
        QElapsedTimer wait;
        wait.start();
        while (!line.contains("listening on http://") && wait.elapsed() < 5000) {
            if (m_process->canReadLine())
                line = m_process->readLine();
            else
                m_process->waitForReadyRead(500);
        }
        const qsizetype colon = line.lastIndexOf(':');
        m_port = colon > 0 ? line.mid(colon + 1).split(' ').value(0).trimmed().toInt() : 0;
        if (m_port <= 0) {
            *error = QStringLiteral("could not read the port from: ") + QString::fromUtf8(line);
            return false;
        }
        return true;
    }

    ~SandboxFixture() { stop(); }

    void stop()
    {
        if (m_process && m_process->state() == QProcess::Running) {
            m_process->terminate();
            if (!m_process->waitForFinished(5000))
                m_process->kill();
            m_process->waitForFinished(2000);
        }
    }

    bool running() const { return m_process && m_process->state() == QProcess::Running; }
    qint64 pid() const { return m_process ? m_process->processId() : 0; }
    int port() const { return m_port; }
    QString dir() const { return m_dir.path(); }
    QString kubeconfig() const { return m_kubeconfig; }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("KUBECONFIG"));
        env.remove(QStringLiteral("KUBECACHEDIR"));
        env.insert(QStringLiteral("HOME"), m_dir.path());
        return env;
    }

    QStringList kubectlArgs(const QStringList &args) const
    {
        return QStringList{QStringLiteral("--kubeconfig"), m_kubeconfig, QStringLiteral("--cache-dir"),
                           m_dir.filePath(QStringLiteral("cache"))}
               + args;
    }

    KubectlResult kubectl(const QStringList &args, int timeoutMs = 60000, const QByteArray &input = {}) const
    {
        QProcess p;
        p.setProcessEnvironment(environment());
        QElapsedTimer timer;
        timer.start();
        p.start(m_kubectl, kubectlArgs(args));
        KubectlResult r;
        if (!p.waitForStarted(5000))
            return r;
        if (!input.isEmpty())
            p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished(2000);
            r.err = "kubectl timed out";
            return r;
        }
        r.elapsedMs = timer.elapsed();
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

    // A kubectl that keeps running (get -w, logs -f).
    std::unique_ptr<QProcess> startKubectl(const QStringList &args) const
    {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(environment());
        p->start(m_kubectl, kubectlArgs(args));
        p->waitForStarted(5000);
        return p;
    }

    QJsonObject json(const QStringList &args) const
    {
        const KubectlResult r = kubectl(args + QStringList{QStringLiteral("-o"), QStringLiteral("json")});
        return QJsonDocument::fromJson(r.out).object();
    }

    // Polls `condition` until it holds or `timeoutMs` passes (no fixed sleeps).
    static bool waitFor(const std::function<bool()> &condition, int timeoutMs)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            if (condition())
                return true;
            QTest::qWait(100);
        }
        return condition();
    }

    long rssKb() const
    {
        QFile f(QStringLiteral("/proc/%1/status").arg(pid()));
        if (!f.open(QIODevice::ReadOnly))
            return -1;
        for (const QByteArray &line : f.readAll().split('\n'))
            if (line.startsWith("VmRSS:"))
                return line.mid(6).trimmed().split(' ').value(0).toLong();
        return -1;
    }

    static QString manifestPath()
    {
        return QStringLiteral(BC_SOURCE_DIR "/manifests/upstream/kubernetes-manifests.yaml"); // the upstream release, in the tree
    }

private:
    QTemporaryDir m_dir;
    QString m_kubectl;
    QString m_kubeconfig;
    std::unique_ptr<QProcess> m_process;
    int m_port = 0;
};

} // namespace bc::test
