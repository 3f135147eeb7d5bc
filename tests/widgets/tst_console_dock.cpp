#include "widgets/console/console_dock.h"

#include "backend/process/command_log.h"
#include "backend/process/command_runner.h"
#include "backend/process/run_context.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>

#include <cmath>

using namespace Qt::StringLiterals;

namespace bc {

class TstConsoleDock : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsCommandOutputAndStatus();
    void stderrHasItsOwnColour();
    void coloursStayReadableOnADarkPalette_data();
    void coloursStayReadableOnADarkPalette();
    void realCommandOfTenThousandLinesShowsLastLine();
    void floodIsBatched();
    void keepsAtMostMaximumLines();
    void filterShowsMatchingLinesOnly();
    void clearEmptiesTheView();
    void runningIndicatorFollowsCommands();
    void dryRunIsMarkedAndNotCountedAsRunning();
};

namespace {

CommandResult result(CommandResult::Outcome outcome, int exitCode, qint64 ms)
{
    CommandResult r;
    r.outcome = outcome;
    r.exitCode = exitCode;
    r.elapsedMs = ms;
    return r;
}

QTextBlock findBlock(QPlainTextEdit *view, const QString &text)
{
    for (QTextBlock b = view->document()->begin(); b.isValid(); b = b.next())
        if (b.text() == text)
            return b;
    return {};
}

QColor foregroundOf(const QTextBlock &block)
{
    const QTextBlock::iterator it = block.begin();
    return it.atEnd() ? QColor() : it.fragment().charFormat().foreground().color();
}

} // namespace

void TstConsoleDock::showsCommandOutputAndStatus()
{
    CommandLog log;
    ConsoleDock dock(&log);
    dock.show();
    const quint64 id = log.begin(u"kubectl --context lab get pods -o json"_s, false);
    log.line(id, u"hello from stdout"_s, false);
    log.line(id, u"warning from stderr"_s, true);
    log.end(id, result(CommandResult::Outcome::NonZeroExit, 3, 1500));
    QTRY_VERIFY_WITH_TIMEOUT(dock.visibleText().contains(u"exit 3"_s), 5000);
    const QString text = dock.visibleText();
    QVERIFY2(text.contains(u"$ kubectl --context lab get pods -o json"_s), qPrintable(text));
    QVERIFY(text.contains(u"hello from stdout"_s));
    QVERIFY(text.contains(u"warning from stderr"_s));
    QVERIFY2(text.contains(u"exit 3 after 1.50 s"_s), qPrintable(text));
    // In order: command line, output, status.
    QVERIFY(text.indexOf(u"$ kubectl"_s) < text.indexOf(u"hello from stdout"_s));
    QVERIFY(text.indexOf(u"hello from stdout"_s) < text.indexOf(u"exit 3"_s));
}

void TstConsoleDock::stderrHasItsOwnColour()
{
    CommandLog log;
    ConsoleDock dock(&log);
    const quint64 id = log.begin(u"tool"_s, false);
    log.line(id, u"out line"_s, false);
    log.line(id, u"err line"_s, true);
    log.end(id, result(CommandResult::Outcome::Succeeded, 0, 5));
    QTRY_VERIFY_WITH_TIMEOUT(dock.visibleText().contains(u"exit 0"_s), 5000);
    const QTextBlock out = findBlock(dock.view(), u"out line"_s);
    const QTextBlock err = findBlock(dock.view(), u"err line"_s);
    QVERIFY(out.isValid() && err.isValid());
    QVERIFY(foregroundOf(err).isValid());
    QVERIFY(foregroundOf(out) != foregroundOf(err));
}

namespace {
// WCAG contrast ratio between two colours (1..21).
double contrast(const QColor &a, const QColor &b)
{
    const auto luminance = [](const QColor &c) {
        const auto channel
            = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a) + 0.05;
    const double lb = luminance(b) + 0.05;
    return la > lb ? la / lb : lb / la;
}
} // namespace

void TstConsoleDock::coloursStayReadableOnADarkPalette_data()
{
    QTest::addColumn<QColor>("base");
    QTest::addColumn<QColor>("text");
    QTest::newRow("light") << QColor(Qt::white) << QColor(Qt::black);
    QTest::newRow("dark") << QColor(0x1e, 0x1e, 0x1e) << QColor(0xe0, 0xe0, 0xe0);
}

void TstConsoleDock::coloursStayReadableOnADarkPalette()
{
    QFETCH(QColor, base);
    QFETCH(QColor, text);
    CommandLog log;
    ConsoleDock dock(&log);
    QPalette palette = dock.palette();
    palette.setColor(QPalette::Window, base);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::WindowText, text);
    dock.setPalette(palette);
    const quint64 id = log.begin(u"tool"_s, false);
    log.line(id, u"err line"_s, true);
    log.end(id, result(CommandResult::Outcome::NonZeroExit, 1, 5));
    QTRY_VERIFY_WITH_TIMEOUT(dock.visibleText().contains(u"exit 1"_s), 5000);
    const QColor err = foregroundOf(findBlock(dock.view(), u"err line"_s));
    const QColor command = foregroundOf(findBlock(dock.view(), u"[%1] $ tool"_s.arg(id)));
    QVERIFY2(contrast(err, base) >= 3.0, qPrintable(u"stderr %1 on %2"_s.arg(err.name(), base.name())));
    QVERIFY2(
        contrast(command, base) >= 3.0, qPrintable(u"command %1 on %2"_s.arg(command.name(), base.name())));
}

void TstConsoleDock::realCommandOfTenThousandLinesShowsLastLine()
{
    RunContext context;
    ConsoleDock dock(context.log());
    dock.resize(800, 400);
    dock.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dock));
    CommandRunner runner(&context);
    QSignalSpy finished(&runner, &CommandRunner::finished);
    QVERIFY(runner.start(Command {QStringLiteral(BC_TEST_HELPER), {u"lines"_s, u"10000"_s}}));
    QVERIFY(finished.wait(30000));
    QTRY_VERIFY_WITH_TIMEOUT(dock.visibleText().contains(u"exit 0"_s), 10000);
    const QString text = dock.visibleText();
    QVERIFY(text.contains(u"line 1\n"_s));
    QVERIFY(text.contains(u"line 10000\n"_s));
    QCOMPARE(dock.storedLineCount(), 10002); // command line, 10,000 lines, status
    // The view follows the end: the last line is scrolled into view.
    const QTextBlock last = findBlock(dock.view(), u"line 10000"_s);
    QVERIFY(last.isValid());
    QVERIFY(dock.view()->cursorForPosition(QPoint(4, dock.view()->viewport()->height() - 4)).blockNumber()
        >= last.blockNumber());
}

void TstConsoleDock::floodIsBatched()
{
    CommandLog log;
    ConsoleDock dock(&log);
    dock.show();
    const quint64 id = log.begin(u"flood"_s, false);
    QElapsedTimer clock;
    clock.start();
    for (int i = 1; i <= 10000; ++i)
        log.line(id, u"line %1"_s.arg(i), i % 10 == 0);
    log.end(id, result(CommandResult::Outcome::Succeeded, 0, 10));
    const qint64 deliverMs = clock.elapsed();
    QVERIFY2(deliverMs < 2000, qPrintable(u"delivering 10,000 lines took %1 ms"_s.arg(deliverMs)));
    QTRY_VERIFY_WITH_TIMEOUT(dock.visibleText().endsWith(u"exit 0 after 10 ms"_s), 10000);
    QVERIFY(dock.visibleText().contains(u"line 10000\n"_s));
    QCOMPARE(dock.flushCount(), 1); // one append for the whole burst, not one per line
}

void TstConsoleDock::keepsAtMostMaximumLines()
{
    CommandLog log;
    ConsoleDock dock(&log);
    QCOMPARE(dock.maximumLines(), ConsoleDock::kDefaultMaximumLines);
    dock.setMaximumLines(1000);
    const quint64 id = log.begin(u"many"_s, false);
    for (int i = 1; i <= 5000; ++i)
        log.line(id, u"row %1"_s.arg(i), false);
    QTRY_VERIFY_WITH_TIMEOUT(dock.visibleText().endsWith(u"row 5000"_s), 10000);
    QCOMPARE(dock.storedLineCount(), 1000);
    QVERIFY(dock.view()->document()->blockCount() <= 1000);
    QVERIFY(!dock.visibleText().contains(u"row 4000\n"_s));
    QVERIFY(dock.visibleText().contains(u"row 4001\n"_s));
    log.end(id, result(CommandResult::Outcome::Succeeded, 0, 1));
}

void TstConsoleDock::filterShowsMatchingLinesOnly()
{
    CommandLog log;
    ConsoleDock dock(&log);
    const quint64 id = log.begin(u"kubectl get pods"_s, false);
    for (const QString &name : {u"frontend-1 Running"_s, u"cartservice-2 Running"_s, u"frontend-3 Pending"_s})
        log.line(id, name, false);
    QTRY_VERIFY_WITH_TIMEOUT(dock.visibleText().contains(u"frontend-3"_s), 5000);

    dock.setFilter(u"FRONTEND"_s); // case-insensitive
    QCOMPARE(dock.visibleText(), u"frontend-1 Running\nfrontend-3 Pending"_s);

    log.line(id, u"frontend-4 Running"_s, false);
    log.line(id, u"emailservice-5 Running"_s, false);
    QTRY_VERIFY_WITH_TIMEOUT(dock.visibleText().contains(u"frontend-4"_s), 5000);
    QVERIFY(!dock.visibleText().contains(u"emailservice"_s));

    dock.setFilter({});
    QVERIFY(dock.visibleText().contains(u"emailservice-5"_s));
    QVERIFY(dock.visibleText().contains(u"cartservice-2"_s));
    log.end(id, result(CommandResult::Outcome::Succeeded, 0, 1));
}

void TstConsoleDock::clearEmptiesTheView()
{
    CommandLog log;
    ConsoleDock dock(&log);
    const quint64 id = log.begin(u"tool"_s, false);
    log.line(id, u"something"_s, false);
    QTRY_VERIFY_WITH_TIMEOUT(dock.visibleText().contains(u"something"_s), 5000);
    dock.clear();
    QVERIFY(dock.visibleText().isEmpty());
    QCOMPARE(dock.storedLineCount(), 0);
    log.line(id, u"after clear"_s, false);
    QTRY_COMPARE_WITH_TIMEOUT(dock.visibleText(), u"after clear"_s, 5000);
    log.end(id, result(CommandResult::Outcome::Succeeded, 0, 1));
}

void TstConsoleDock::runningIndicatorFollowsCommands()
{
    CommandLog log;
    ConsoleDock dock(&log);
    auto *label = dock.findChild<QLabel *>(u"consoleRunning"_s);
    QVERIFY(label);
    QCOMPARE(label->text(), u"Idle"_s);
    const quint64 a = log.begin(u"first"_s, false);
    const quint64 b = log.begin(u"second"_s, false);
    QCOMPARE(dock.runningCount(), 2);
    QCOMPARE(label->text(), u"2 commands running"_s);
    QVERIFY(label->toolTip().contains(u"second"_s));
    log.end(a, result(CommandResult::Outcome::Cancelled, -1, 20));
    QCOMPARE(label->text(), u"1 command running"_s);
    log.end(b, result(CommandResult::Outcome::Succeeded, 0, 20));
    QCOMPARE(label->text(), u"Idle"_s);
    QTRY_VERIFY_WITH_TIMEOUT(dock.visibleText().contains(u"cancelled after 20 ms"_s), 5000);
    // Stopped on purpose is not marked as a failure.
    QVERIFY2(dock.visibleText().contains(u"\u25a0 cancelled after 20 ms"_s), qPrintable(dock.visibleText()));
    QVERIFY(!dock.visibleText().contains(u"\u2718"_s));
}

void TstConsoleDock::dryRunIsMarkedAndNotCountedAsRunning()
{
    CommandLog log;
    ConsoleDock dock(&log);
    const quint64 id = log.begin(u"kubectl delete namespace shop"_s, true);
    QCOMPARE(dock.runningCount(), 0);
    CommandResult r = result(CommandResult::Outcome::Succeeded, 0, 0);
    r.dryRun = true;
    log.end(id, r);
    QTRY_VERIFY_WITH_TIMEOUT(
        dock.visibleText().contains(u"(dry run) $ kubectl delete namespace shop"_s), 5000);
    QVERIFY(!dock.visibleText().contains(u"exit 0"_s));
}

} // namespace bc

QTEST_MAIN(bc::TstConsoleDock)
#include "tst_console_dock.moc"
