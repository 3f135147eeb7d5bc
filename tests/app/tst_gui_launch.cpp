// The built boutique-control binary: --version, and the window staying up until it is told to quit.
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TstGuiLaunch : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void versionPrintsProductName();
    void windowStaysUpUntilTerminated_data();
    void windowStaysUpUntilTerminated();
    void badPanelIsReportedNotFatal();

private:
    void startWindow(QProcess &app, const QStringList &arguments);
    QTemporaryDir m_home;
};

void TstGuiLaunch::initTestCase()
{
    QVERIFY(m_home.isValid());
}

void TstGuiLaunch::startWindow(QProcess &app, const QStringList &arguments)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    // A private configuration, so the test never reads or writes the user's settings.
    env.insert(u"XDG_CONFIG_HOME"_s, m_home.filePath(u"config"_s));
    env.insert(u"XDG_DATA_HOME"_s, m_home.filePath(u"data"_s));
    app.setProcessEnvironment(env);
    app.start(QStringLiteral(BC_APP_BINARY), arguments);
    QVERIFY2(app.waitForStarted(10000), qPrintable(app.errorString()));
}

void TstGuiLaunch::versionPrintsProductName()
{
    QProcess app;
    app.start(QStringLiteral(BC_APP_BINARY), {u"--version"_s});
    QVERIFY(app.waitForFinished(20000));
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), 0);
    const QString out = QString::fromUtf8(app.readAllStandardOutput());
    QVERIFY2(out.startsWith(u"Boutique Control "_s), qPrintable(out));
}

void TstGuiLaunch::windowStaysUpUntilTerminated_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("no arguments") << QStringList();
    QTest::newRow("environment and panel")
        << QStringList {u"--environment"_s, u"sandbox"_s, u"--panel"_s, u"loadtest"_s};
    QTest::newRow("Qt and unknown options")
        << QStringList {u"-style"_s, u"fusion"_s, u"--panel"_s, u"pods"_s, u"--no-such-option"_s};
}

void TstGuiLaunch::windowStaysUpUntilTerminated()
{
    QFETCH(QStringList, arguments);
    QProcess app;
    startWindow(app, arguments);
    // Still running after 3 s: waitForFinished returns false while the event loop keeps it alive.
    QVERIFY2(!app.waitForFinished(3000), qPrintable(QString::fromUtf8(app.readAllStandardError())));
    QCOMPARE(app.state(), QProcess::Running);
    app.terminate(); // SIGTERM: the app closes its window and quits cleanly
    QVERIFY(app.waitForFinished(15000));
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), 0);
}

void TstGuiLaunch::badPanelIsReportedNotFatal()
{
    QProcess app;
    startWindow(app, {u"--panel"_s, u"nowhere"_s});
    QVERIFY(!app.waitForFinished(2000));
    app.terminate();
    QVERIFY(app.waitForFinished(15000));
    QCOMPARE(app.exitCode(), 0);
    const QString err = QString::fromUtf8(app.readAllStandardError());
    QVERIFY2(err.contains(u"unknown panel 'nowhere'"_s), qPrintable(err));
    QVERIFY2(err.contains(u"cluster, deploy, loadtest, pods, canary, orders"_s), qPrintable(err));
}

QTEST_MAIN(TstGuiLaunch)
#include "tst_gui_launch.moc"
