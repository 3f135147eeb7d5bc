#include "widgets/main_window.h"

#include "backend/process/command_log.h"
#include "backend/process/command_runner.h"
#include "backend/process/run_context.h"
#include "backend/settings/app_settings.h"
#include "widgets/about/about_dialog.h"
#include "widgets/common/inline_banner.h"
#include "widgets/common/panel.h"
#include "widgets/console/console_dock.h"
#include "widgets/deploy/deploy_panel.h"
#include "widgets/loadtest/load_test_panel.h"
#include "widgets/status/status_summary.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

using namespace Qt::StringLiterals;

namespace bc {

class TstMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void everyPanelCanBeShown();
    void shortcutsSwitchPanels();
    void emptyPanelsSayWhatTheyWillDo();
    void consoleShowsARealCommand();
    void statusBarShowsEnvironmentAndRunningCommands();
    void consoleToggles();
    void closesWithoutAskingWhenIdle();
    void asksBeforeClosingWhileCommandsRun();
    void aboutShowsVersionAndTools();
    void loadTestItAimsTheLoadTestPanel();

private:
    QTemporaryDir m_home;
    std::unique_ptr<RunContext> m_context;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
};

void TstMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"BoutiqueControlTest"_s);
    QCoreApplication::setApplicationName(u"tst_main_window"_s);
    QCoreApplication::setApplicationVersion(u"9.8.7"_s);
    QGuiApplication::setApplicationDisplayName(u"Boutique Control"_s);
    // The About box asks kubectl for its version: with an empty kubeconfig of its own it has no
    // cluster to contact, whatever the machine's configuration says.
    QVERIFY(m_home.isValid());
    const QString kubeconfig = m_home.filePath(u"kubeconfig"_s);
    QFile file(kubeconfig);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n");
    file.close();
    qputenv("KUBECONFIG", kubeconfig.toUtf8());
}

void TstMainWindow::init()
{
    m_context = std::make_unique<RunContext>();
    m_settings = std::make_unique<AppSettings>();
    m_window = std::make_unique<MainWindow>(m_context.get(), m_settings.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TstMainWindow::cleanup()
{
    m_window.reset();
    m_settings.reset();
    m_context.reset();
}

void TstMainWindow::everyPanelCanBeShown()
{
    const QStringList keys = MainWindow::panelKeys();
    QCOMPARE(
        keys, QStringList({u"cluster"_s, u"deploy"_s, u"loadtest"_s, u"pods"_s, u"canary"_s, u"orders"_s}));
    QCOMPARE(m_window->panels().size(), 6);
    QCOMPARE(m_window->currentPanel()->info().key, u"cluster"_s);
    auto *sideBar = m_window->findChild<QListWidget *>(u"panelList"_s);
    QVERIFY(sideBar);
    QCOMPARE(sideBar->count(), 6);
    // Backwards so that every step is a change.
    for (qsizetype i = keys.size() - 1; i >= 0; --i) {
        Panel *before = m_window->currentPanel();
        QVERIFY(m_window->showPanel(keys[i]));
        Panel *now = m_window->currentPanel();
        QCOMPARE(now->info().key, keys[i]);
        QVERIFY(now->isVisible());
        if (i != 0)
            QVERIFY(before != now && !before->isVisible());
        QCOMPARE(sideBar->currentRow(), int(i));
        QCOMPARE(sideBar->item(int(i))->text(), now->info().title);
        QVERIFY(!sideBar->item(int(i))->icon().isNull());
    }
    QVERIFY(!m_window->showPanel(u"nonsense"_s));
    QCOMPARE(m_window->currentPanel()->info().key, u"cluster"_s);

    // Clicking in the side bar switches too.
    sideBar->setCurrentRow(4);
    QCOMPARE(m_window->currentPanel()->info().key, u"canary"_s);
    QVERIFY(m_window->currentPanel()->isVisible());
}

void TstMainWindow::shortcutsSwitchPanels()
{
    QApplication::setActiveWindow(m_window.get());
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    const QStringList keys = MainWindow::panelKeys();
    for (int i = int(keys.size()) - 1; i >= 0; --i) {
        QTest::keyClick(m_window.get(), Qt::Key(Qt::Key_1 + i), Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->currentPanel()->info().key, keys[i], 2000);
        auto *action = m_window->findChild<QAction *>(u"showPanel_"_s + keys[i]);
        QVERIFY(action && action->isChecked());
    }
}

void TstMainWindow::emptyPanelsSayWhatTheyWillDo()
{
    for (Panel *panel : m_window->panels()) {
        m_window->showPanel(panel->info().key);
        const PanelInfo &info = panel->info();
        QVERIFY(!info.summary.isEmpty());
        QVERIFY(!info.needs.isEmpty());
        QVERIFY(panel->banner());
        if (!panel->showsIntroduction()) {
            // A built panel may say what it waits for (no cluster yet), but nothing has failed.
            QVERIFY2(!panel->banner()->isVisible() || panel->banner()->level() != InlineBanner::Level::Error,
                     qPrintable(info.key + u": "_s + panel->banner()->message()));
            // A built panel shows its own widgets instead: something visible besides the banner.
            const auto children = panel->findChildren<QWidget *>(Qt::FindDirectChildrenOnly);
            QVERIFY2(std::any_of(children.cbegin(), children.cend(),
                                 [panel](QWidget *w) { return w->isVisible() && w != panel->banner(); }),
                     qPrintable(info.key));
            continue;
        }
        QVERIFY(!panel->banner()->isVisible());
        QStringList visibleTexts;
        const auto labels = panel->findChildren<QLabel *>();
        for (QLabel *label : labels)
            if (label->isVisible())
                visibleTexts << label->text();
        QVERIFY2(visibleTexts.contains(info.summary), qPrintable(info.key));
        QVERIFY2(visibleTexts.contains(u"Needs"_s), qPrintable(info.key));
        for (const QString &need : info.needs)
            QVERIFY2(visibleTexts.contains(need), qPrintable(need));
    }
    const PanelInfo deploy = m_window->panels().at(1)->info();
    QVERIFY(deploy.needs.contains(u"kubectl"_s));
    QVERIFY(deploy.needs.join(u' ').contains(u"Cluster panel"_s));
}

void TstMainWindow::consoleShowsARealCommand()
{
    ConsoleDock *console = m_window->console();
    QVERIFY(console->isVisible());
    CommandRunner runner(m_context.get()); // the window's RunContext: announced on its CommandLog
    QSignalSpy finished(&runner, &CommandRunner::finished);
    const Command command {QStringLiteral(BC_TEST_HELPER), {u"lines"_s, u"50"_s}};
    QVERIFY(runner.start(command));
    QVERIFY(finished.wait(20000));
    QVERIFY(finished.first().first().value<CommandResult>().succeeded());
    QTRY_VERIFY_WITH_TIMEOUT(console->visibleText().contains(u"exit 0"_s), 5000);
    const QString text = console->visibleText();
    QVERIFY2(text.contains(u"$ "_s + command.displayLine()), qPrintable(text));
    QVERIFY(text.contains(u"\nline 1\n"_s));
    QVERIFY(text.contains(u"\nline 25\n"_s));
    QVERIFY(text.contains(u"\nline 50\n"_s));
    QVERIFY(text.indexOf(u"line 50"_s) < text.indexOf(u"exit 0"_s));
}

void TstMainWindow::statusBarShowsEnvironmentAndRunningCommands()
{
    StatusSummary *status = m_window->statusSummary();
    QVERIFY(status->isVisible());
    m_window->setEnvironment(u"Local sandbox"_s);
    QCOMPARE(status->environmentText(), u"Environment: Local sandbox"_s);
    QCOMPARE(status->runningText(), u"No commands running"_s);
    QVERIFY(!status->isBusy());

    CommandRunner runner(m_context.get());
    QSignalSpy finished(&runner, &CommandRunner::finished);
    QVERIFY(runner.start(Command {QStringLiteral(BC_TEST_HELPER), {u"sleep"_s, u"30"_s}}));
    QTRY_COMPARE_WITH_TIMEOUT(status->runningText(), u"1 command running"_s, 5000);
    QVERIFY(status->isBusy());
    QCOMPARE(m_window->console()->runningCount(), 1);
    runner.cancel();
    QVERIFY(finished.wait(10000));
    QTRY_COMPARE_WITH_TIMEOUT(status->runningText(), u"No commands running"_s, 5000);
    QVERIFY(!status->isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->console()->visibleText().contains(u"cancelled after"_s), 5000);
}

void TstMainWindow::consoleToggles()
{
    auto *toggle = m_window->findChild<QAction *>(u"toggleConsole"_s);
    QVERIFY(toggle);
    QCOMPARE(toggle->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_QuoteLeft));
    QVERIFY(m_window->console()->isVisible());
    toggle->trigger();
    QVERIFY(!m_window->console()->isVisible());
    toggle->trigger();
    QVERIFY(m_window->console()->isVisible());
}

void TstMainWindow::closesWithoutAskingWhenIdle()
{
    QCOMPARE(m_context->log()->runningCount(), 0);
    QVERIFY(m_window->close()); // no question while nothing runs
    QVERIFY(!m_window->isVisible());
    AppSettings stored;
    QVERIFY(!stored.windowGeometry().isEmpty()); // remembered for the next start
}

namespace {
// Answers the quit question when it appears (it is modal: close() returns once it is answered).
void answerQuitQuestion(const QString &buttonText, QString *question)
{
    QTimer::singleShot(0, qApp, [buttonText, question] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return answerQuitQuestion(buttonText, question); // not shown yet: look again
        *question = box->text();
        const auto buttons = box->buttons();
        for (QAbstractButton *button : buttons)
            if (button->text() == buttonText)
                button->click();
    });
}
} // namespace

void TstMainWindow::asksBeforeClosingWhileCommandsRun()
{
    CommandRunner runner(m_context.get());
    QSignalSpy finished(&runner, &CommandRunner::finished);
    QVERIFY(runner.start(Command {QStringLiteral(BC_TEST_HELPER), {u"sleep"_s, u"30"_s}}));
    QTRY_COMPARE_WITH_TIMEOUT(m_context->log()->runningCount(), 1, 5000);

    QString question;
    answerQuitQuestion(u"Cancel"_s, &question);
    QVERIFY(!m_window->close()); // the user kept the window
    QCOMPARE(question, u"A command is still running."_s);
    QVERIFY(m_window->isVisible());
    QVERIFY(runner.isRunning());

    question.clear();
    answerQuitQuestion(u"Stop and quit"_s, &question);
    QVERIFY(m_window->close());
    QCOMPARE(question, u"A command is still running."_s);
    QVERIFY(!m_window->isVisible());
    runner.cancel(); // the app's runners stop in their destructors; this one belongs to the test
    QVERIFY(finished.wait(10000));
}

void TstMainWindow::aboutShowsVersionAndTools()
{
    AboutDialog about(u"Boutique Control"_s, u"9.8.7"_s, m_context->tools(), m_window.get());
    about.show();
    QCOMPARE(about.headline(), u"Boutique Control 9.8.7"_s);
    QCOMPARE(about.toolList()->topLevelItemCount(), 6);
    QTRY_VERIFY_WITH_TIMEOUT(!about.isProbing(), 60000);
    QCOMPARE(about.toolList()->topLevelItemCount(), 6);
    const QTreeWidgetItem *kubectl = about.toolList()->topLevelItem(0);
    QCOMPARE(kubectl->text(0), u"kubectl"_s);
    QVERIFY2(!kubectl->text(2).isEmpty(), "kubectl is preinstalled and must be found");
    QVERIFY2(!kubectl->text(1).isEmpty() && kubectl->text(1) != u"\u2026"_s, qPrintable(kubectl->text(1)));
}

// The Deploy panel's "Load test it" (its button is clicked in tst_deploy_panel after a real deploy):
// the window fills the Load test panel's host and shows that panel; the panels never call each other.
void TstMainWindow::loadTestItAimsTheLoadTestPanel()
{
    auto *deploy = m_window->findChild<DeployPanel *>();
    auto *loadTest = m_window->findChild<LoadTestPanel *>();
    QVERIFY(deploy && loadTest);
    QVERIFY(m_window->showPanel(u"deploy"_s));
    Q_EMIT deploy->loadTestRequested(u"http://127.0.0.9:8080"_s);
    QCOMPARE(m_window->currentPanel(), loadTest);
    QVERIFY(loadTest->isVisible());
    QCOMPARE(loadTest->hostEdit()->text(), u"http://127.0.0.9:8080"_s);
}

} // namespace bc

QTEST_MAIN(bc::TstMainWindow)
#include "tst_main_window.moc"
