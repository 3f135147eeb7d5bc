#include "backend/process/command_log.h"
#include "backend/process/command_runner.h"
#include "backend/process/run_context.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using bc::Command;
using bc::CommandResult;
using bc::CommandRunner;

namespace {

QString helper()
{
    return QStringLiteral(BC_TEST_HELPER);
}

CommandResult resultOf(const QSignalSpy &finished)
{
    return finished.last().first().value<CommandResult>();
}

bool processAlive(qint64 pid)
{
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    // A zombie (state Z) has exited; only its parent has not reaped it yet.
    const QByteArray line = stat.readAll();
    const qsizetype close = line.lastIndexOf(')');
    return close > 0 && line.size() > close + 2 && line.at(close + 2) != 'Z';
}

} // namespace

class TstCommandRunner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<CommandResult>(); }

    void keepsOrderAndLosesNoLine()
    {
        CommandRunner runner;
        QStringList lines;
        connect(&runner, &CommandRunner::stdoutLine, this, [&lines](const QString &l) { lines.append(l); });
        QSignalSpy finished(&runner, &CommandRunner::finished);
        QVERIFY(runner.start(Command{helper(), {u"lines"_s, u"10000"_s}}));
        QVERIFY(finished.wait(20000));
        QVERIFY(resultOf(finished).succeeded());
        QCOMPARE(lines.size(), 10000);
        for (int i = 0; i < lines.size(); ++i)
            QCOMPARE(lines.at(i), u"line %1"_s.arg(i + 1));
    }

    void mergedChannelsKeepInterleaving()
    {
        CommandRunner runner;
        QStringList lines;
        connect(&runner, &CommandRunner::stdoutLine, this, [&lines](const QString &l) { lines.append(l); });
        QSignalSpy finished(&runner, &CommandRunner::finished);
        Command c{helper(), {u"interleave"_s, u"200"_s}};
        c.mergeChannels = true;
        QVERIFY(runner.start(c));
        QVERIFY(finished.wait(10000));
        QCOMPARE(lines.size(), 200);
        for (int i = 0; i < lines.size(); ++i)
            QCOMPARE(lines.at(i), u"%1 %2"_s.arg((i + 1) % 2 ? u"out"_s : u"err"_s).arg(i + 1));
    }

    void separateChannelsKeepEachStream()
    {
        CommandRunner runner;
        QStringList out, err;
        connect(&runner, &CommandRunner::stdoutLine, this, [&out](const QString &l) { out.append(l); });
        connect(&runner, &CommandRunner::stderrLine, this, [&err](const QString &l) { err.append(l); });
        QSignalSpy finished(&runner, &CommandRunner::finished);
        QVERIFY(runner.start(Command{helper(), {u"interleave"_s, u"100"_s}}));
        QVERIFY(finished.wait(10000));
        QCOMPARE(out.size(), 50);
        QCOMPARE(err.size(), 50);
        QCOMPARE(out.first(), u"out 1"_s);
        QCOMPARE(err.last(), u"err 100"_s);
        QVERIFY(resultOf(finished).stderrTail.endsWith(u"err 100\n"_s));
    }

    void cancelKillsChildIgnoringSigterm()
    {
        CommandRunner runner;
        QSignalSpy ready(&runner, &CommandRunner::stdoutLine);
        QSignalSpy finished(&runner, &CommandRunner::finished);
        QVERIFY(runner.start(Command{helper(), {u"ignore-sigterm"_s}, {}, {}, {}, 60s}));
        QVERIFY(ready.wait(5000));
        const qint64 pid = runner.processId();
        QVERIFY(pid > 0);
        QElapsedTimer clock;
        clock.start();
        runner.cancel();
        QVERIFY(finished.wait(5000));
        QVERIFY2(clock.elapsed() < 2000, qPrintable(u"took %1 ms"_s.arg(clock.elapsed())));
        QCOMPARE(resultOf(finished).outcome, CommandResult::Outcome::Cancelled);
        QVERIFY(!processAlive(pid));
        QCOMPARE(resultOf(finished).toError().kind, bc::Error::Kind::Cancelled);
    }

    void cancelReachesGrandchildren()
    {
        // Like kubectl's dispatcher running kubectl.1.32: the tool's own children must go too.
        CommandRunner runner;
        QStringList lines;
        connect(&runner, &CommandRunner::stdoutLine, this, [&lines](const QString &l) { lines.append(l); });
        QSignalSpy finished(&runner, &CommandRunner::finished);
        QVERIFY(runner.start(Command{u"sh"_s, {u"-c"_s, u"sleep 300 & echo $!; wait"_s}}));
        QTRY_VERIFY_WITH_TIMEOUT(!lines.isEmpty(), 5000);
        const qint64 grandchild = lines.first().toLongLong();
        QVERIFY(processAlive(grandchild));
        runner.cancel();
        QVERIFY(finished.wait(5000));
        QTRY_VERIFY_WITH_TIMEOUT(!processAlive(grandchild), 3000);
    }

    void timeoutFires()
    {
        CommandRunner runner;
        QSignalSpy finished(&runner, &CommandRunner::finished);
        Command c{helper(), {u"sleep"_s, u"30"_s}};
        c.timeout = 300ms;
        QElapsedTimer clock;
        clock.start();
        QVERIFY(runner.start(c));
        QVERIFY(finished.wait(5000));
        QVERIFY(clock.elapsed() < 3000);
        const CommandResult r = resultOf(finished);
        QCOMPARE(r.outcome, CommandResult::Outcome::TimedOut);
        QCOMPARE(r.toError().kind, bc::Error::Kind::Timeout);
    }

    void withheldStdoutReachesOnlyTheCaller()
    {
        bc::RunContext context;
        QStringList logged;
        connect(context.log(), &bc::CommandLog::commandOutput, this,
                [&logged](quint64, const QString &line, bool) { logged.append(line); });
        CommandRunner runner(&context);
        QStringList lines;
        connect(&runner, &CommandRunner::stdoutLine, this, [&lines](const QString &l) { lines.append(l); });
        QSignalSpy finished(&runner, &CommandRunner::finished);
        Command c{helper(), {u"lines"_s, u"3"_s}};
        c.captureStdout = true;
        c.logStdout = false;
        QVERIFY(runner.start(c));
        QVERIFY(finished.wait(5000));
        const auto result = finished.first().first().value<bc::CommandResult>();
        QCOMPARE(result.stdoutData, QByteArray("line 1\nline 2\nline 3\n"));
        QVERIFY(lines.isEmpty());
        QCOMPARE(logged, QStringList{u"(output not shown: it holds Secret data)"_s});
    }

    void redactsSecretSplitAcrossWrites()
    {
        const QString secret = u"s3cr3t-T0KEN-value-42"_s;
        bc::RunContext context;
        QStringList logged;
        connect(context.log(), &bc::CommandLog::commandStarted, this,
                [&logged](quint64, const QString &line, bool) { logged.append(line); });
        connect(context.log(), &bc::CommandLog::commandOutput, this,
                [&logged](quint64, const QString &line, bool) { logged.append(line); });
        CommandRunner runner(&context);
        QStringList lines;
        connect(&runner, &CommandRunner::stdoutLine, this, [&lines](const QString &l) { lines.append(l); });
        QSignalSpy finished(&runner, &CommandRunner::finished);
        Command c{helper(), {u"split"_s, secret}};
        c.secrets = {secret};
        QVERIFY(runner.start(c));
        QVERIFY(finished.wait(5000));
        QCOMPARE(lines, QStringList{u"token is *** end"_s});
        QVERIFY(!logged.isEmpty());
        for (const QString &l : std::as_const(logged)) {
            QVERIFY2(!l.contains(secret.left(secret.size() / 2)), qPrintable(l));
            QVERIFY2(!l.contains(secret.mid(secret.size() / 2)), qPrintable(l));
        }
        // The command line shown in the console is redacted too.
        QVERIFY(logged.first().contains(u"***"_s));
    }

    void missingBinaryIsTypedError()
    {
        CommandRunner runner;
        QSignalSpy finished(&runner, &CommandRunner::finished);
        QVERIFY(!runner.start(Command{u"bc-no-such-tool-anywhere"_s, {u"--version"_s}}));
        QVERIFY(finished.wait(2000));
        const CommandResult r = resultOf(finished);
        QCOMPARE(r.outcome, CommandResult::Outcome::NotFound);
        QCOMPARE(r.toError().kind, bc::Error::Kind::Unavailable);
        QVERIFY(r.toError().message.contains(u"bc-no-such-tool-anywhere was not found"_s));
    }

    void nonZeroExitCarriesStderrTail()
    {
        CommandRunner runner;
        QSignalSpy finished(&runner, &CommandRunner::finished);
        QVERIFY(runner.start(Command{helper(), {u"exit"_s, u"3"_s}}));
        QVERIFY(finished.wait(5000));
        const CommandResult r = resultOf(finished);
        QCOMPARE(r.outcome, CommandResult::Outcome::NonZeroExit);
        QCOMPARE(r.exitCode, 3);
        QCOMPARE(r.stderrTail, u"bye\n"_s);
        QVERIFY(r.toError().message.contains(u"exit 3"_s));
        QVERIFY(r.toError().message.contains(u"bye"_s));
    }

    void crashIsReported()
    {
        CommandRunner runner;
        QSignalSpy finished(&runner, &CommandRunner::finished);
        QVERIFY(runner.start(Command{helper(), {u"crash"_s}}));
        QVERIFY(finished.wait(5000));
        QCOMPARE(resultOf(finished).outcome, CommandResult::Outcome::Crashed);
    }

    void environmentDirectoryAndStdin()
    {
        QTemporaryDir dir;
        CommandRunner runner;
        QStringList lines;
        connect(&runner, &CommandRunner::stdoutLine, this, [&lines](const QString &l) { lines.append(l); });
        QSignalSpy finished(&runner, &CommandRunner::finished);

        Command env{helper(), {u"env"_s, u"BC_PROBE"_s}};
        env.environment.insert(u"BC_PROBE"_s, u"value with spaces"_s);
        QVERIFY(runner.start(env));
        QVERIFY(finished.wait(5000));

        Command pwd{helper(), {u"pwd"_s}};
        pwd.workingDirectory = dir.path();
        QVERIFY(runner.start(pwd));
        QVERIFY(finished.wait(5000));

        Command in{helper(), {u"stdin"_s}};
        in.standardInput = "first\nsecond\n";
        QVERIFY(runner.start(in));
        QVERIFY(finished.wait(5000));

        QCOMPARE(lines, (QStringList{u"value with spaces"_s, QDir(dir.path()).canonicalPath(), u"first"_s,
                                     u"second"_s}));
    }

    void capturesStdoutForParsing()
    {
        CommandRunner runner;
        QSignalSpy finished(&runner, &CommandRunner::finished);
        Command c{helper(), {u"lines"_s, u"3"_s}};
        c.captureStdout = true;
        QVERIFY(runner.start(c));
        QVERIFY(finished.wait(5000));
        QCOMPARE(resultOf(finished).stdoutData, QByteArray("line 1\nline 2\nline 3\n"));
    }

    void dryRunRunsNothingAndAnnounces()
    {
        bc::RunContext context;
        context.setDryRun(true);
        QStringList announced;
        connect(context.log(), &bc::CommandLog::commandStarted, this,
                [&announced](quint64, const QString &line, bool dry) {
                    if (dry)
                        announced.append(line);
                });
        CommandRunner runner(&context);
        QSignalSpy finished(&runner, &CommandRunner::finished);
        QTemporaryDir dir;
        const QString marker = dir.filePath(u"must-not-exist"_s);
        QVERIFY(runner.start(Command{u"touch"_s, {marker, u"it's"_s}}));
        QVERIFY(finished.wait(2000));
        QVERIFY(resultOf(finished).dryRun);
        QVERIFY(resultOf(finished).succeeded());
        QVERIFY(!QFile::exists(marker));
        QCOMPARE(announced, QStringList{u"touch %1 'it'\\''s'"_s.arg(marker)});
    }

    void destructorStopsRunningChild()
    {
        qint64 pid = 0;
        {
            CommandRunner runner;
            QSignalSpy ready(&runner, &CommandRunner::stdoutLine);
            QVERIFY(runner.start(Command{helper(), {u"ignore-sigterm"_s}}));
            QVERIFY(ready.wait(5000));
            pid = runner.processId();
        }
        QVERIFY(!processAlive(pid));
    }

    void logCanCancelByCommandId()
    {
        bc::RunContext context;
        quint64 id = 0;
        connect(context.log(), &bc::CommandLog::commandStarted, this, [&id](quint64 started, const QString &, bool) { id = started; });
        CommandRunner other(&context);
        CommandRunner runner(&context);
        QSignalSpy finished(&runner, &CommandRunner::finished);
        QVERIFY(other.start(Command{helper(), {u"sleep"_s, u"30"_s}}));
        QVERIFY(runner.start(Command{helper(), {u"sleep"_s, u"30"_s}}));
        QVERIFY(id != 0);
        context.log()->requestCancel(id);
        QVERIFY(finished.wait(5000));
        QCOMPARE(resultOf(finished).outcome, CommandResult::Outcome::Cancelled);
        QVERIFY(other.isRunning()); // only the command asked for
        other.cancel();
    }

    void logCountsRunningCommands()
    {
        bc::RunContext context;
        CommandRunner runner(&context);
        QSignalSpy count(context.log(), &bc::CommandLog::runningCountChanged);
        QSignalSpy finished(&runner, &CommandRunner::finished);
        QVERIFY(runner.start(Command{helper(), {u"lines"_s, u"1"_s}}));
        QCOMPARE(context.log()->runningCount(), 1);
        QVERIFY(finished.wait(5000));
        QCOMPARE(context.log()->runningCount(), 0);
        QCOMPARE(count.size(), 2);
    }
};

QTEST_GUILESS_MAIN(TstCommandRunner)
#include "tst_command_runner.moc"
