#pragma once
// A GCE load generator on this machine, for the tests of issue #19. Everything but the cloud API is
// real: a private sshd (Debian's openssh-server) on a random 127.N.M.0/24 is the bastion and every
// "VM" (bastion .1, master .10, workers .20 on, all through ProxyJump); the real infra/loadgen is
// copied with a test-only override (tests/loadgen/stubs: terraform_data instead of google resources,
// returning those addresses); the playbook runs as it would on the VMs, with Debian's Locust
// (locust_install=system) as plain processes (locust_supervisor=process). Header-only; the test target
// defines BC_SOURCE_DIR.
//
//     bc::test::LoadgenLab lab;
//     const QString why = lab.start();
//     ... lab.profile(), lab.paths(), lab.options(shopUrl) ...

#include "backend/load/locust_runner.h"
#include "backend/loadgen/loadgen_command_builder.h"
#include "tests/support/process_table.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <pwd.h>
#include <unistd.h>

namespace bc::test {

class LoadgenLab
{
public:
    static constexpr int kMaxWorkers = 4;

    LoadgenLab() = default;
    ~LoadgenLab() { stop(); }
    LoadgenLab(const LoadgenLab &) = delete;
    LoadgenLab &operator=(const LoadgenLab &) = delete;

    // Empty on success, else why the lab could not start.
    QString start()
    {
        if (!m_dir.isValid())
            return QStringLiteral("no temporary directory");
        if (!pickAddresses())
            return QStringLiteral("no free loopback network and port for the sshd");
        if (QString why = copyInfra(); !why.isEmpty())
            return why;
        const QStringList keygen {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
            QStringLiteral("-N"), QString(), QStringLiteral("-C"), QStringLiteral("bc-lab"),
            QStringLiteral("-f")};
        if (!run(QStringLiteral("ssh-keygen"), keygen + QStringList {path("hostkey")})
            || !run(QStringLiteral("ssh-keygen"), keygen + QStringList {keyPath()}))
            return QStringLiteral("ssh-keygen failed");
        QFile::copy(keyPath() + QStringLiteral(".pub"), path("authorized_keys"));
        QDir().mkpath(vmHome());
        return startSshd();
    }

    void stop()
    {
        // The "VMs" go as terraform destroy would make them go, if a test stopped before it.
        for (const QString &pid : QDir(vmHome()).entryList({QStringLiteral("*.pid")}, QDir::Files)) {
            QFile f(vmHome() + u'/' + pid);
            if (f.open(QIODevice::ReadOnly))
                ::kill(pid_t(f.readAll().trimmed().toLongLong()), SIGTERM);
        }
        if (m_sshd.state() != QProcess::NotRunning) {
            m_sshd.terminate();
            m_sshd.waitForFinished(5000);
        }
    }

    QString dir() const { return m_dir.path(); }
    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }
    QString keyPath() const { return path("id_lab"); }
    QString vmHome() const { return path("vm"); }
    QString prefix() const { return m_prefix; }
    QString masterIp() const { return m_prefix + QStringLiteral(".10"); }
    quint16 sshPort() const { return m_sshPort; }
    QString sshdLog() const
    {
        QFile f(path("sshd.log"));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll().right(4000)) : QString();
    }

    LoadgenProfile profile() const
    {
        LoadgenProfile p;
        p.project = QStringLiteral("bc-lab-test");
        p.zone = QStringLiteral("us-central1-b");
        p.machineType = QStringLiteral("e2-small");
        p.workerNo = 2;
        p.sshPublicKeyPath = keyPath() + QStringLiteral(".pub");
        p.sshUser = userName();
        p.namePrefix = QStringLiteral("bclab");
        return p;
    }
    LoadgenPaths paths() const
    {
        return LoadgenPaths {path("infra") + QStringLiteral("/loadgen"), path("work")};
    }
    LoadgenOptions options(const QString &shopUrl) const { return LoadgenOptions {shopUrl, ansibleVars()}; }
    QStringList ansibleVars() const
    {
        return {QStringLiteral("locust_install=system"), QStringLiteral("locust_supervisor=process"),
            QStringLiteral("ansible_become=false"), QStringLiteral("locust_home=%1").arg(vmHome()),
            QStringLiteral("master_bind_host=%1").arg(masterIp()),
            QStringLiteral("web_host=%1").arg(masterIp()), QStringLiteral("web_port=%1").arg(m_webPort),
            QStringLiteral("master_port=%1").arg(m_masterPort)};
    }

    // Processes of this lab other than its sshd listener: Locust on the "VMs", ssh tunnels and
    // Ansible's shared connections (their command lines name the lab's folder), sshd sessions.
    QList<ProcessInfo> leftovers() const
    {
        QList<ProcessInfo> found;
        for (const ProcessInfo &p : liveProcesses()) {
            if (p.pid == m_sshd.processId() || p.pid == ::getpid())
                continue;
            if (p.commandLine.contains(m_dir.path()) || p.parent == m_sshd.processId())
                found << p;
        }
        return found;
    }
    // The pid of a Locust process on a "VM" (worker-0-0, master), 0 if none.
    qint64 vmPid(const QString &name) const
    {
        QFile f(vmHome() + u'/' + name + QStringLiteral(".pid"));
        return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed().toLongLong() : 0;
    }

private:
    static QString userName()
    {
        const passwd *pw = ::getpwuid(::getuid());
        return pw ? QString::fromLocal8Bit(pw->pw_name) : QStringLiteral("root");
    }

    static bool run(const QString &program, const QStringList &args)
    {
        QProcess p;
        p.start(program, args);
        return p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    QStringList addresses() const
    {
        QStringList list {m_prefix + QStringLiteral(".1"), masterIp()};
        for (int i = 0; i < kMaxWorkers; ++i)
            list << QStringLiteral("%1.%2").arg(m_prefix).arg(20 + i);
        return list;
    }

    static bool canBind(const QString &ip, quint16 port)
    {
        QTcpServer probe;
        return probe.listen(QHostAddress(ip), port);
    }

    bool pickAddresses()
    {
        auto *random = QRandomGenerator::global();
        for (int attempt = 0; attempt < 20; ++attempt) {
            m_prefix
                = QStringLiteral("127.%1.%2").arg(random->bounded(100, 250)).arg(random->bounded(1, 250));
            QTcpServer first;
            if (!first.listen(QHostAddress(m_prefix + QStringLiteral(".1")), 0))
                continue;
            m_sshPort = first.serverPort();
            first.close();
            bool free = true;
            for (const QString &ip : addresses())
                free = free && canBind(ip, m_sshPort);
            m_webPort = LocustRunner::freeLoopbackPort();
            m_masterPort = LocustRunner::freeLoopbackPort();
            free = free && m_webPort != m_masterPort && canBind(masterIp(), m_webPort)
                && canBind(masterIp(), m_masterPort);
            if (free)
                return true;
        }
        return false;
    }

    QString copyInfra()
    {
        const QString source = QStringLiteral(BC_SOURCE_DIR);
        QDir().mkpath(path("infra"));
        for (const char *part : {"infra/loadgen", "infra/modules", "infra/locust"})
            if (!run(QStringLiteral("cp"),
                    QStringList {QStringLiteral("-r"), source + u'/' + QLatin1String(part), path("infra")}))
                return QStringLiteral("cannot copy %1").arg(QLatin1String(part));
        const QString terraform = path("infra") + QStringLiteral("/loadgen/terraform");
        if (!run(QStringLiteral("cp"),
                QStringList {QStringLiteral("-r"), source + QStringLiteral("/tests/loadgen/stubs"),
                    terraform + QStringLiteral("/test_stubs")}))
            return QStringLiteral("cannot copy the terraform stubs");
        QFile loopback(terraform + QStringLiteral("/test_stubs/vms/loopback.json"));
        if (!loopback.open(QIODevice::WriteOnly))
            return QStringLiteral("cannot write loopback.json");
        loopback.write(QStringLiteral("{\"prefix\": \"%1\", \"ssh_port\": %2, \"vm_home\": \"%3\"}\n")
                           .arg(m_prefix)
                           .arg(m_sshPort)
                           .arg(vmHome())
                           .toUtf8());
        QFile override(terraform + QStringLiteral("/test_override.tf"));
        if (!override.open(QIODevice::WriteOnly))
            return QStringLiteral("cannot write the override");
        override.write("# Test only: the google resources replaced by terraform_data on loopback.\n"
                       "module \"network\" {\n  source = \"./test_stubs/network\"\n}\n\n"
                       "module \"vms\" {\n  source = \"./test_stubs/vms\"\n}\n");
        return {};
    }

    QString startSshd()
    {
        QString config;
        config += QStringLiteral("Port %1\n").arg(m_sshPort);
        for (const QString &ip : addresses())
            config += QStringLiteral("ListenAddress %1\n").arg(ip);
        config += QStringLiteral("HostKey %1\nAuthorizedKeysFile %2\nPidFile %3\n")
                      .arg(path("hostkey"), path("authorized_keys"), path("sshd.pid"));
        config += QStringLiteral("PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
                                 "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
                                 "AllowTcpForwarding yes\nMaxStartups 100\nMaxSessions 100\n"
                                 "Subsystem sftp internal-sftp\nLogLevel VERBOSE\n");
        QFile file(path("sshd_config"));
        if (!file.open(QIODevice::WriteOnly))
            return QStringLiteral("cannot write sshd_config");
        file.write(config.toUtf8());
        file.close();
        if (::getuid() == 0)
            QDir().mkpath(
                QStringLiteral("/run/sshd")); // privilege separation directory (Debian's boot makes it)
        m_sshd.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_sshd.start(QStringLiteral("/usr/sbin/sshd"),
            {QStringLiteral("-D"), QStringLiteral("-f"), path("sshd_config"), QStringLiteral("-E"),
                path("sshd.log")});
        if (!m_sshd.waitForStarted(5000))
            return QStringLiteral("/usr/sbin/sshd did not start (is openssh-server installed?)");
        const bool listening = QTest::qWaitFor(
            [&] {
                QTcpSocket s;
                s.connectToHost(QHostAddress(m_prefix + QStringLiteral(".1")), m_sshPort);
                return s.waitForConnected(200);
            },
            10000);
        return listening ? QString() : QStringLiteral("sshd does not listen: %1").arg(sshdLog());
    }

    QTemporaryDir m_dir;
    QString m_prefix;
    quint16 m_sshPort = 0;
    quint16 m_webPort = 0;
    quint16 m_masterPort = 0;
    QProcess m_sshd;
};

} // namespace bc::test
