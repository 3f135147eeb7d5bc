#include "app/gui_main.h"

#include "app/app_info.h"
#include "backend/process/run_context.h"
#include "backend/session/cluster_session.h"
#include "backend/settings/app_settings.h"
#include "widgets/common/icons.h"
#include "widgets/deploy/deploy_panel.h"
#include "widgets/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSocketNotifier>
#include <QStyle>
#include <QStyleFactory>
#include <QTextStream>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

// SIGTERM/SIGINT: the handler only writes a byte to a socket pair (async-signal-safe); the event loop
// reads it and quits, so destructors run and every child process is stopped.
int g_signalFds[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalFds[0], &byte, 1);
}

void installQuitOnSignals(QObject *parent)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFds) != 0)
        return;
    auto *notifier = new QSocketNotifier(qintptr(g_signalFds[1]), QSocketNotifier::Read, parent);
    QObject::connect(notifier, &QSocketNotifier::activated, parent, [notifier] {
        notifier->setEnabled(false);
        char byte = 0;
        [[maybe_unused]] const auto readBytes = ::read(g_signalFds[1], &byte, 1);
        QCoreApplication::exit(0); // leaves every event loop, a modal dialog's included
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
}


} // namespace

int runGui(int argc, char **argv)
{
    QApplication app(argc, argv);
    setApplicationIdentity();
    QGuiApplication::setApplicationDisplayName(QLatin1StringView(kProductName));
    QGuiApplication::setDesktopFileName(QLatin1StringView(kExecutableName));
    QApplication::setWindowIcon(svgIcon(u":/bc/icons/boutique-control.svg"_s));
    // Follow the platform's style and palette; Fusion only where the platform offers nothing better.
    if (QApplication::style()->name().compare(u"windows"_s, Qt::CaseInsensitive) == 0)
        QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    installQuitOnSignals(&app);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Opens the %1 window."_s.arg(QLatin1StringView(kProductName)));
    const QCommandLineOption environment(
        u"environment"_s, u"Environment to work with (e.g. sandbox)."_s, u"name"_s);
    const QCommandLineOption panel(
        u"panel"_s, u"Panel to start on: %1."_s.arg(MainWindow::panelKeys().join(u", "_s)), u"name"_s);
    parser.addOption(environment);
    parser.addOption(panel);
    // Hidden: deploy an edition (minimal|full) as soon as the environment is ready (screenshots, demos).
    QCommandLineOption deployOnStart(u"deploy-on-start"_s, u"Deploy EDITION once connected."_s, u"edition"_s);
    deployOnStart.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(deployOnStart);
    QTextStream err(stderr);
    if (!parser.parse(QCoreApplication::arguments())) // unknown options are reported, not fatal
        err << u"boutique-control: %1 (ignored)"_s.arg(parser.errorText()) << Qt::endl;

    RunContext context;
    AppSettings settings;
    settings.applyToolPaths(context.tools());

    ClusterSession session(&context);
    MainWindow window(&context, &settings, &session);
    if (parser.isSet(environment)) {
        const QString name = parser.value(environment);
        // The session names the sandbox itself (environmentChanged); other names are shown as given.
        if (name == u"sandbox" || name == u"local")
            session.useSandbox(SandboxOptions{.withOrderLog = true});
        else
            window.setEnvironment(name);
    }
    if (parser.isSet(panel) && !window.showPanel(parser.value(panel))) {
        err << u"boutique-control: unknown panel '%1'; choose one of: %2"_s.arg(
            parser.value(panel), MainWindow::panelKeys().join(u", "_s))
            << Qt::endl;
    }
    if (parser.isSet(deployOnStart)) {
        const auto edition = ManifestSet::editionFromName(parser.value(deployOnStart));
        if (auto *deploy = window.findChild<DeployPanel *>(); deploy && edition)
            deploy->deployWhenConnected(edition.value());
        else if (!edition)
            err << u"boutique-control: %1"_s.arg(edition.error().message) << Qt::endl;
    }
    window.show();
    return QApplication::exec();
}

} // namespace bc
