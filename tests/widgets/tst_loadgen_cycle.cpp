// Issue #19's acceptance: the whole GCE load-generator cycle, once from the Load test panel and once
// from the CLI, against the sandbox storefront. Everything but the cloud API is real: terraform runs
// infra/loadgen with the test override (terraform_data on loopback), ansible-playbook runs site.yml
// through a private sshd (the bastion, ProxyJump to the "VMs"), Locust's master and workers are
// started by the playbook, the panel drives the master through `ssh -N -L`. Faults: a worker killed
// with -9 shows as missing within 10 s; a killed tunnel comes back and the charts go on. Destroy leaves
// no process, tunnel or terraform state. Phase times go to the log; with BC_SCREENSHOT_DIR set the
// provisioning, the running test and the destroy confirmation are saved as PNGs.
#include "backend/load/load_session.h"
#include "backend/load/locust_client.h"
#include "backend/loadgen/loadgen_service.h"
#include "backend/loadgen/ssh_tunnel.h"
#include "backend/process/command_log.h"
#include "backend/process/run_context.h"
#include "tests/support/loadgen_lab.h"
#include "tests/support/sandbox_demo.h"
#include "widgets/common/job_progress.h"
#include "widgets/loadtest/gce_generator_box.h"
#include "widgets/loadtest/load_test_panel.h"

#include <QApplication>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>

#include <memory>
#include <signal.h>

using namespace Qt::StringLiterals;

namespace {

void screenshot(QWidget *w, const char *name)
{
    if (const QByteArray out = qgetenv("BC_SCREENSHOT_DIR"); !out.isEmpty())
        QVERIFY(w->window()->grab().save(QString::fromLocal8Bit(out) + u'/' + QLatin1String(name)));
}

int missingRows(QTableWidget *table)
{
    int n = 0;
    for (int r = 0; r < table->rowCount(); ++r)
        n += table->item(r, 1) && table->item(r, 1)->text() == u"missing"_s;
    return n;
}

int readyRows(QTableWidget *table)
{
    int n = 0;
    for (int r = 0; r < table->rowCount(); ++r)
        n += table->item(r, 1) && table->item(r, 1)->text() != u"missing"_s;
    return n;
}

QString describe(const QList<bc::test::ProcessInfo> &list)
{
    QStringList lines;
    for (const auto &p : list)
        lines << u"%1 %2"_s.arg(p.pid).arg(p.commandLine.left(200));
    return lines.join(u'\n');
}

} // namespace

class TstLoadgenCycle : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qRegisterMetaType<bc::Status>();
        qputenv("CHECKPOINT_DISABLE", "1");
        qputenv("TF_CLI_CONFIG_FILE", "/dev/null");
        QElapsedTimer clock;
        clock.start();
        m_demo = std::make_unique<bc::test::SandboxDemo>(&m_context);
        const QString why = m_demo->start(false);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        m_shopUrl = m_demo->frontendUrl();
        QVERIFY2(!m_shopUrl.isEmpty(), "the storefront did not answer at frontend-external's address");
        const QString labWhy = m_lab.start();
        QVERIFY2(labWhy.isEmpty(), qPrintable(labWhy));
        qInfo("phase: sandbox shop and lab sshd up in %.1f s", clock.elapsed() / 1000.0);
        QVERIFY(m_runs.isValid());
    }

    void guiCycle()
    {
        QSignalSpy commands(m_context.log(), &bc::CommandLog::commandStarted);
        bc::LoadTestPanel panel(&m_context, &m_demo->session());
        panel.setRunsRoot(m_runs.filePath(u"gui"_s));
        panel.resize(1280, 1100);
        panel.show();
        bc::GceGeneratorBox *box = panel.whereBox();
        QVERIFY(box);
        box->setPaths(m_lab.paths());
        box->setProfileFile(m_lab.path("loadgen.yaml"));
        box->setAnsibleVars(m_lab.ansibleVars());
        panel.hostEdit()->setText(m_shopUrl);

        QTest::mouseClick(box->gceButton(), Qt::LeftButton);
        QVERIFY(box->isGce());
        QVERIFY(box->projectEdit()->isVisible());
        const bc::LoadgenProfile profile = m_lab.profile();
        // A bad field is named before anything runs.
        box->projectEdit()->setText(u"X"_s);
        box->sshKeyEdit()->setText(profile.sshPublicKeyPath);
        box->sshUserEdit()->setText(profile.sshUser);
        box->zoneEdit()->setText(profile.zone);
        box->machineTypeEdit()->setText(profile.machineType);
        box->workersBox()->setValue(2);
        QTest::mouseClick(box->provisionButton(), Qt::LeftButton);
        QVERIFY(box->problemLabel()->isVisible());
        QVERIFY2(
            box->problemLabel()->text().startsWith(u"project: "_s), qPrintable(box->problemLabel()->text()));
        for (const auto &args :
            std::as_const(commands)) // kubectl reads the shop's address; nothing else runs
            QVERIFY2(args.at(1).toString().startsWith(u"kubectl"_s), qPrintable(args.at(1).toString()));
        QVERIFY(!box->service()->isRunning());
        box->projectEdit()->setText(profile.project);

        // Provision: terraform init + apply, output, ansible-playbook through the bastion.
        QElapsedTimer phase;
        phase.start();
        QSignalSpy provisioned(box->service(), &bc::LoadgenService::finished);
        QTest::mouseClick(box->provisionButton(), Qt::LeftButton);
        QVERIFY(!box->problemLabel()->isVisible());
        QVERIFY(box->service()->isRunning());
        QVERIFY(!box->provisionButton()->isEnabled());
        QVERIFY(box->progress()->cancelButton()->isVisible());
        QVERIFY2(box->costLabel()->text().contains(u"per hour"_s), qPrintable(box->costLabel()->text()));
        QTRY_VERIFY_WITH_TIMEOUT(
            box->progress()->phase().contains(u"(task "_s) || !provisioned.isEmpty(), 120000);
        screenshot(&panel, "loadgen-provisioning.png");
        QTRY_VERIFY_WITH_TIMEOUT(!provisioned.isEmpty(), 180000);
        const bc::Status up = provisioned.first().first().value<bc::Status>();
        QVERIFY2(bool(up), qPrintable(up ? QString() : up.error().message + u"\n"_s + up.error().detail));
        qInfo("phase: GUI provision (terraform + ansible) %.1f s", phase.elapsed() / 1000.0);
        QVERIFY(QFile::exists(m_lab.paths().inventory()));

        // Connect: the tunnel to the master, both workers ready.
        phase.restart();
        QTRY_VERIFY_WITH_TIMEOUT(box->masterUrl().isValid(), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(readyRows(box->workerTable()), 2, 30000);
        qInfo("phase: GUI tunnel up and 2 workers reported %.1f s", phase.elapsed() / 1000.0);
        QVERIFY(!box->quitWarning(m_lab.paths()).isEmpty());

        // Every command in the console, redacted (no key material on a line).
        QStringList lines;
        for (const auto &args : std::as_const(commands))
            lines << args.at(1).toString();
        const QString all = lines.join(u'\n');
        for (const QString &expected : {u" init -input=false"_s, u" apply -auto-approve -json"_s,
                 u" output -json"_s, u"ansible-playbook -i "_s, u"ssh -F "_s})
            QVERIFY2(all.contains(expected), qPrintable(expected + u" not in:\n"_s + all));
        QVERIFY(!all.contains(u"PRIVATE KEY"_s));

        // A 60 s run with 50 users on the GCE master, exactly as with a local one.
        panel.usersBox()->setValue(50);
        panel.durationEdit()->setText(u"60s"_s);
        QTest::mouseClick(panel.startButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(
            panel.session() && panel.session()->phase() == bc::LoadSession::Phase::Running, 30000);
        bc::LoadSession *session = panel.session();
        QCOMPARE(session->settings().attachUrl, box->masterUrl());
        QSignalSpy finished(session, &bc::LoadSession::finished);
        QSignalSpy collected(box, &bc::GceGeneratorBox::resultsCollected);
        phase.restart();
        QTRY_VERIFY_WITH_TIMEOUT(
            session->history().samples().size() >= 3 && session->history().samples().last().userCount == 50,
            40000);

        // Fault 1: a worker VM's Locust killed with -9 is missing within 10 s.
        const qint64 worker = m_lab.vmPid(u"worker-0-0"_s);
        QVERIFY(worker > 0);
        QElapsedTimer missing;
        missing.start();
        QCOMPARE(::kill(pid_t(worker), SIGKILL), 0);
        QTRY_VERIFY_WITH_TIMEOUT(missingRows(box->workerTable()) == 1, 10000);
        qInfo("fault: killed worker shown missing after %.1f s", missing.elapsed() / 1000.0);

        // Fault 2: the tunnel killed; it comes back on the same port and the charts go on.
        const qint64 tunnelPid = box->tunnel()->processId();
        QVERIFY(tunnelPid > 0);
        const int startsBefore = box->tunnel()->starts();
        QCOMPARE(::kill(pid_t(tunnelPid), SIGKILL), 0);
        QElapsedTimer back;
        back.start();
        QTRY_VERIFY_WITH_TIMEOUT(box->tunnel()->starts() > startsBefore && box->tunnel()->isUp(), 20000);
        qInfo("fault: tunnel back after %.1f s", back.elapsed() / 1000.0);
        const qsizetype samplesAfterDrop = session->history().samples().size();
        QTRY_VERIFY_WITH_TIMEOUT(session->history().samples().size() >= samplesAfterDrop + 2, 15000);
        screenshot(&panel, "loadgen-running.png");

        QVERIFY(finished.wait(90000));
        const bc::Status run = finished.first().first().value<bc::Status>();
        QVERIFY2(bool(run), qPrintable(run ? QString() : run.error().message));
        qInfo("phase: GUI 60 s run ended after %.1f s", phase.elapsed() / 1000.0);
        const auto &samples = session->history().samples();
        QVERIFY(samples.last().totalRequests > 0);
        qInfo("GUI run: %lld requests, %lld failures", samples.last().totalRequests,
            samples.last().totalFailures);

        // Results: the master's HTML and CSVs in the run folder, beside the panel's own files.
        QTRY_VERIFY_WITH_TIMEOUT(!collected.isEmpty(), 60000);
        const bc::Status copied = collected.first().first().value<bc::Status>();
        QVERIFY2(
            bool(copied), qPrintable(copied ? QString() : copied.error().message + copied.error().detail));
        const QString runDir = session->runDir();
        for (const char *name : {"report.html", "locust_stats.csv", "locust/master_report.html",
                 "locust/run_stats.csv", "locust/run_stats_history.csv", "locust/run_failures.csv"})
            QVERIFY2(QFileInfo(runDir + u'/' + QLatin1String(name)).size() > 0, name);

        // Replace missing workers: terraform and ansible again; the killed worker runs again.
        phase.restart();
        QSignalSpy replaced(box->service(), &bc::LoadgenService::finished);
        QVERIFY(box->replaceButton()->isEnabled());
        QTest::mouseClick(box->replaceButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!replaced.isEmpty(), 120000);
        QVERIFY(replaced.first().first().value<bc::Status>());
        const qint64 again = m_lab.vmPid(u"worker-0-0"_s);
        QVERIFY(again > 0 && again != worker);
        QTRY_COMPARE_WITH_TIMEOUT(readyRows(box->workerTable()), 2, 20000);
        qInfo("phase: GUI replace missing workers %.1f s", phase.elapsed() / 1000.0);

        // Destroy: confirmation with what runs and its cost, then terraform destroy.
        phase.restart();
        QSignalSpy destroyed(box->service(), &bc::LoadgenService::finished);
        QString confirmText;
        QTimer::singleShot(300, this, [&] {
            auto *dialog = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            confirmText = dialog->text() + u'\n' + dialog->informativeText();
            screenshot(dialog, "loadgen-destroy-confirm.png");
            if (auto *yes = dialog->findChild<QPushButton *>(u"confirmDestroy"_s))
                yes->click();
        });
        QTest::mouseClick(box->destroyButton(), Qt::LeftButton);
        QVERIFY2(confirmText.contains(m_lab.masterIp()) && confirmText.contains(u"per hour"_s),
            qPrintable(confirmText));
        QTRY_VERIFY_WITH_TIMEOUT(!destroyed.isEmpty(), 60000);
        QVERIFY(destroyed.first().first().value<bc::Status>());
        qInfo("phase: GUI destroy %.1f s", phase.elapsed() / 1000.0);
        checkNothingLeft();
        QVERIFY(box->quitWarning(m_lab.paths()).isEmpty());
        QVERIFY(!box->destroyButton()->isEnabled());
    }

    void cliCycle()
    {
        QElapsedTimer phase;
        phase.start();
        const bc::LoadgenProfile p = m_lab.profile();
        QStringList up {u"loadgen"_s, u"up"_s, u"--project"_s, p.project, u"--ssh-public-key"_s,
            p.sshPublicKeyPath, u"--ssh-user"_s, p.sshUser, u"--name-prefix"_s, u"bclabcli"_s, u"--workers"_s,
            u"2"_s, u"--target-host"_s, m_shopUrl};
        for (const QString &var : m_lab.ansibleVars())
            up << u"--ansible-var"_s << var;
        up << where();
        // --dry-run first: every terraform and ansible-playbook line, nothing runs.
        auto dry = cli(up + QStringList {u"--dry-run"_s});
        QCOMPARE(dry.code, 0);
        QVERIFY2(dry.out.contains(u" init -input=false"_s)
                && dry.out.contains(u" apply -auto-approve -json"_s)
                && dry.out.contains(u"ansible-playbook -i "_s),
            qPrintable(dry.out));
        QVERIFY(!QFile::exists(m_lab.paths().stateFile()));

        auto r = cli(up);
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.err.contains(u"(task "_s) && r.err.contains(u"%] "_s), qPrintable(r.err));
        QVERIFY(r.out.contains(u"per hour"_s));
        qInfo("phase: CLI loadgen up %.1f s", phase.elapsed() / 1000.0);

        phase.restart();
        // A worker connects a second or two after the playbook started it: ask again until both are in.
        const QRegularExpression ready(u"^worker \\S+: ready"_s, QRegularExpression::MultilineOption);
        QTRY_VERIFY_WITH_TIMEOUT(
            (r = cli(QStringList {u"loadgen"_s, u"status"_s} + where())).out.count(ready) == 2, 30000);
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains(u"per hour"_s), qPrintable(r.out));
        qInfo("phase: CLI loadgen status (tunnel, workers) %.1f s", phase.elapsed() / 1000.0);

        const QStringList run {u"load"_s, u"run"_s, u"--on"_s, u"gce"_s, u"--loadgen-dir"_s,
            m_lab.paths().workDir, u"--host"_s, m_shopUrl, u"--users"_s, u"50"_s, u"--spawn-rate"_s, u"10"_s,
            u"--time"_s, u"60s"_s, u"--out"_s, m_runs.filePath(u"cli"_s)};
        dry = cli(run + QStringList {u"--dry-run"_s});
        QCOMPARE(dry.code, 0);
        QVERIFY2(
            dry.out.contains(u"ssh -F "_s) && dry.out.contains(u" -N "_s) && dry.out.contains(u"scp -F "_s),
            qPrintable(dry.out));
        phase.restart();
        r = cli(run);
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains(u"through the tunnel"_s) && r.out.contains(u"Done: "_s), qPrintable(r.out));
        QVERIFY(r.out.contains(u"master_report.html"_s));
        qInfo("phase: CLI 60 s run %.1f s; %s", phase.elapsed() / 1000.0,
            qPrintable(r.out.section(u"Done: "_s, 1).section(u'.', 0, 0)));
        for (const char *name : {"report.html", "locust/master_report.html", "locust/run_stats.csv"})
            QVERIFY2(QFileInfo(m_runs.filePath(u"cli/"_s) + QLatin1String(name)).size() > 0, name);

        phase.restart();
        r = cli(QStringList {u"loadgen"_s, u"down"_s} + where());
        QCOMPARE(r.code, 2); // needs --yes
        r = cli(QStringList {u"loadgen"_s, u"down"_s, u"--yes"_s} + where());
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        qInfo("phase: CLI loadgen down %.1f s", phase.elapsed() / 1000.0);
        checkNothingLeft();
    }

    void cleanupTestCase()
    {
        m_lab.stop();
        m_demo.reset();
    }

private:
    struct CliResult
    {
        int code = -1;
        QString out;
        QString err;
    };

    QStringList where() const
    {
        return {u"--infra-dir"_s, m_lab.paths().infraDir, u"--work-dir"_s, m_lab.paths().workDir,
            u"--profile-file"_s, m_lab.path("loadgen-cli.yaml")};
    }

    CliResult cli(const QStringList &args) const
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"XDG_DATA_HOME"_s, m_lab.path("xdg-data"));
        env.insert(u"XDG_CONFIG_HOME"_s, m_lab.path("xdg-config"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(BC_CLI), args);
        if (!p.waitForFinished(240000)) {
            p.kill();
            p.waitForFinished();
            return {};
        }
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
    }

    void checkNothingLeft()
    {
        QVERIFY(!QFile::exists(m_lab.paths().stateFile()));
        QVERIFY(!QFile::exists(m_lab.paths().hostsFile()));
        QVERIFY(!bc::LoadgenService::isUp(m_lab.paths()));
        // Ansible's shared connections end a few seconds after their last task.
        QTRY_VERIFY2_WITH_TIMEOUT(
            m_lab.leftovers().isEmpty(), qPrintable(describe(m_lab.leftovers())), 15000);
        QVERIFY(QDir(m_lab.vmHome()).entryList({u"*.pid"_s}, QDir::Files).isEmpty());
    }

    bc::RunContext m_context;
    std::unique_ptr<bc::test::SandboxDemo> m_demo;
    bc::test::LoadgenLab m_lab;
    QTemporaryDir m_runs;
    QString m_shopUrl;
};

QTEST_MAIN(TstLoadgenCycle)
#include "tst_loadgen_cycle.moc"
