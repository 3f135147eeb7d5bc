// `boutique-control load ...` as a user runs it: the built binary as a child, real Locust, loopback
// nginx, a private data location (XDG_DATA_HOME) so no real user's runs are touched.
#include "tests/backend/load/tst_locust_nginx.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct Run
{
    int code = -1;
    QString out;
    QString err;
};

Run runApp(const QStringList &args, const QString &dataHome, int timeoutMs = 60000)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"XDG_DATA_HOME"_s, dataHome);
    env.insert(u"BC_WAIT_TIME"_s, u"0.05,0.2"_s);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(BC_APP_BINARY), args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

} // namespace

class TstLoadCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void dryRunPrintsLocustCommandLines();
    void badInputIsAClearMessage_data();
    void badInputIsAClearMessage();
    void runThenReportAndList();

private:
    QTemporaryDir m_data;
};

void TstLoadCli::dryRunPrintsLocustCommandLines()
{
    const Run r = runApp({u"load"_s, u"run"_s, u"--host"_s, u"http://127.0.0.1:8080"_s, u"--workers"_s, u"3"_s,
                          u"--dry-run"_s},
                         m_data.path());
    QCOMPARE(r.code, 0);
    const QStringList lines = r.out.trimmed().split(u'\n');
    QCOMPARE(lines.size(), 4); // master + 3 workers
    QVERIFY2(lines[0].startsWith(u"/usr/bin/locust -f "_s) && lines[0].contains(u"--master "_s), qPrintable(lines[0]));
    QVERIFY(lines[0].contains(u"infra/locust/version_fix.py,"_s));
    QVERIFY(lines[0].contains(u"--web-host 127.0.0.1"_s));
    QVERIFY(lines[0].contains(u"-H http://127.0.0.1:8080"_s));
    for (int i = 1; i < 4; ++i)
        QVERIFY(lines[i].contains(u"--worker --master-host 127.0.0.1"_s));
    QVERIFY(!QDir(m_data.filePath(u"runs"_s)).exists());
}

void TstLoadCli::badInputIsAClearMessage_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("no subcommand") << QStringList{u"load"_s} << 2 << u"load run"_s;
    QTest::newRow("unknown subcommand") << QStringList{u"load"_s, u"fly"_s} << 2 << u"Unknown load command"_s;
    // No --host: the cluster's shop, read through kubectl; without a cluster, say so and name --host.
    QTest::newRow("no host, no cluster") << QStringList{u"load"_s, u"run"_s, u"--kubeconfig"_s, u"/nonexistent/kubeconfig"_s}
                                         << 1 << u"Give the shop's address with --host URL."_s;
    QTest::newRow("host not a URL") << QStringList{u"load"_s, u"run"_s, u"--host"_s, u"shop"_s} << 2 << u"not an http"_s;
    QTest::newRow("users not a number") << QStringList{u"load"_s, u"run"_s, u"--host"_s, u"http://x"_s, u"-u"_s, u"ten"_s}
                                        << 2 << u"--users"_s;
    QTest::newRow("bad time") << QStringList{u"load"_s, u"run"_s, u"--host"_s, u"http://x"_s, u"--time"_s, u"soon"_s}
                              << 2 << u"--time"_s;
    QTest::newRow("bad ramp") << QStringList{u"load"_s, u"run"_s, u"--host"_s, u"http://x"_s, u"--ramp"_s, u"1:2"_s}
                              << 2 << u"Invalid ramp"_s;
    QTest::newRow("report of nothing") << QStringList{u"load"_s, u"report"_s, u"/nonexistent/run"_s} << 1
                                       << u"no run folder"_s;
}

void TstLoadCli::badInputIsAClearMessage()
{
    QFETCH(QStringList, args);
    QFETCH(int, code);
    QFETCH(QString, mentions);
    const Run r = runApp(args, m_data.path());
    QCOMPARE(r.code, code);
    QVERIFY2(r.err.contains(mentions), qPrintable(r.err));
    QCOMPARE(r.err.count(u'\n'), 1); // one line, no stack trace
}

void TstLoadCli::runThenReportAndList()
{
    bc::test::NginxTarget target;
    const QString nginxError = target.start();
    QVERIFY2(nginxError.isEmpty(), qPrintable(nginxError));
    QTRY_VERIFY_WITH_TIMEOUT(target.isServing(), 10000);

    // A step ramp on real Locust: 4 users, then 8 after 5 s.
    const Run r = runApp({u"load"_s, u"run"_s, u"--host"_s, target.url(), u"--ramp"_s, u"4:8:4:5s"_s, u"--spawn-rate"_s,
                          u"20"_s, u"--time"_s, u"10s"_s, u"--workers"_s, u"2"_s},
                         m_data.path());
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(u"users 4/4"_s), qPrintable(r.out));
    QVERIFY2(r.out.contains(u"running  users 8/8"_s), qPrintable(r.out));
    QVERIFY(r.out.contains(u"Done: "_s));
    const QString runs = m_data.filePath(u"BoutiqueControl/boutique-control/runs"_s);
    const QStringList found = QDir(runs).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QVERIFY2(found.size() == 1, qPrintable(QDir(m_data.path()).entryList().join(u',') + r.out));
    const QString dir = QDir(runs).absoluteFilePath(found.first());
    for (const QString &f : {u"settings.json"_s, u"history.csv"_s, u"history.json"_s, u"locust_stats.csv"_s,
                             u"locust_stats_history.csv"_s, u"locust_failures.csv"_s, u"report.html"_s})
        QVERIFY2(QFile::exists(dir + u'/' + f), qPrintable(f));
    QCOMPARE(bc::test::processesMentioning(target.url()).size(), 0); // no locust left with this target

    QVERIFY(QFile::remove(dir + u"/report.html"_s));
    const Run rebuilt = runApp({u"load"_s, u"report"_s, dir}, m_data.path());
    QVERIFY2(rebuilt.code == 0, qPrintable(rebuilt.err));
    QVERIFY(QFile::exists(dir + u"/report.html"_s));

    const Run list = runApp({u"load"_s, u"list"_s}, m_data.path());
    QCOMPARE(list.code, 0);
    QVERIFY2(list.out.contains(found.first()) && list.out.contains(u"completed"_s), qPrintable(list.out));
    QVERIFY(list.out.contains(u"4:8:4:5s"_s));
}

QTEST_GUILESS_MAIN(TstLoadCli)
#include "tst_load_cli.moc"
