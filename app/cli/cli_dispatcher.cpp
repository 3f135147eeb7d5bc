#include "app/cli/cli_dispatcher.h"

#include "app/app_info.h"
#include "backend/core/result.h"
#include "backend/process/command_log.h"
#include "backend/process/run_context.h"

#include <QCoreApplication>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace bc::cli {

CliCall::CliCall(QString command, QStringList arguments, RunContext *context, QObject *parent)
    : QObject(parent), m_command(std::move(command)), m_arguments(std::move(arguments)), m_context(context),
      m_out(stdout), m_err(stderr)
{
}

bool CliCall::parse(QCommandLineParser &parser, const QString &description, const QString &positionalUsage)
{
    parser.setApplicationDescription(description);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({u"h"_s, u"help"_s}, u"Show this help."_s);
    const QCommandLineOption dryRun(u"dry-run"_s, u"Print each tool command line it would run, and run nothing."_s);
    const QCommandLineOption verbose(u"verbose"_s, u"Print each tool command line to stderr as it runs."_s);
    parser.addOption(help);
    parser.addOption(dryRun);
    parser.addOption(verbose);
    if (!positionalUsage.isEmpty())
        parser.addPositionalArgument(u"args"_s, positionalUsage, positionalUsage);
    if (!parser.parse(m_arguments)) {
        fail(parser.errorText() + u" (see: boutique-control %1 --help)"_s.arg(m_command), 2);
        return false;
    }
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        // Qt names the executable's full path; a user typed "boutique-control <command>".
        const qsizetype usageEnd = text.indexOf(u" [options]"_s);
        if (text.startsWith(u"Usage: "_s) && usageEnd > 0)
            text.replace(0, usageEnd, u"Usage: boutique-control %1"_s.arg(m_command));
        m_out << text;
        finish(0);
        return false;
    }
    m_context->setDryRun(parser.isSet(dryRun));
    if (parser.isSet(dryRun)) {
        connect(m_context->log(), &CommandLog::commandStarted, this,
                [this](quint64, const QString &line, bool isDry) {
                    if (isDry)
                        m_out << line << Qt::endl;
                });
    } else if (parser.isSet(verbose)) {
        connect(m_context->log(), &CommandLog::commandStarted, this,
                [this](quint64, const QString &line, bool) { m_err << u"+ "_s << line << Qt::endl; });
    }
    return true;
}

void CliCall::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    m_out.flush();
    m_err.flush();
    // Queued, so a handler may finish() before the event loop has started.
    QTimer::singleShot(0, qApp, [exitCode] { QCoreApplication::exit(exitCode); });
}

void CliCall::fail(const QString &reason, int exitCode)
{
    QString line = reason.simplified();
    m_err << u"boutique-control %1: "_s.arg(m_command) << line << Qt::endl;
    finish(exitCode);
}

void CliCall::fail(const Error &error, int exitCode)
{
    fail(error.message, exitCode);
}

namespace {

bool isGlobalFlag(const QString &a)
{
    return a == u"--version" || a == u"-v" || a == u"--help" || a == u"-h" || a == u"help";
}

void printUsage(QTextStream &out, const QList<CommandSpec> &commands)
{
    out << u"Usage: boutique-control [COMMAND] [OPTIONS]\n\n"_s
        << u"With no command, opens the %1 window. Commands run headless:\n\n"_s.arg(QLatin1StringView(kProductName));
    for (const CommandSpec &spec : commands)
        out << u"  %1%2\n"_s.arg(spec.name, -12).arg(spec.summary);
    out << u"\nEvery command takes --help. Commands that run tools take --dry-run.\n"_s
        << u"  --version    Print the product name and version.\n"_s
        << u"\nWindow options (no command):\n"_s
        << u"  --environment NAME   Start on an environment: sandbox starts the local sandbox cluster.\n"_s
        << u"  --panel NAME         Start on a panel: cluster, deploy, loadtest, pods, canary, orders.\n"_s;
    out.flush();
}

} // namespace

bool wantsHeadless(int argc, char **argv)
{
    if (argc < 2)
        return false;
    const QString first = QString::fromLocal8Bit(argv[1]);
    if (isGlobalFlag(first))
        return true;
    if (first.startsWith(u'-'))
        return false; // Qt's own GUI options (-platform, -style, ...)
    return true;      // a command word; unknown ones get a clear error rather than a window
}

int run(int argc, char **argv, const QList<CommandSpec> &extra, const ApplicationFactory &widgetApplication)
{
    const QList<CommandSpec> commands = allCommands() + extra;
    const QString word = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    const auto it = std::find_if(commands.cbegin(), commands.cend(),
                                 [&](const CommandSpec &spec) { return spec.name == word; });
    std::unique_ptr<QCoreApplication> app;
    if (it != commands.cend() && it->needsWidgets && widgetApplication) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen"); // headless: draws into images, opens no window
        app = widgetApplication(argc, argv);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    setApplicationIdentity();
    const QStringList args = QCoreApplication::arguments();
    const QString first = args.value(1);
    QTextStream out(stdout);
    QTextStream err(stderr);

    if (first == u"--version" || first == u"-v") {
        out << QLatin1StringView(kProductName) << u' ' << productVersion() << Qt::endl;
        return 0;
    }
    if (first == u"--help" || first == u"-h" || first == u"help") {
        printUsage(out, commands);
        return 0;
    }
    if (it == commands.cend()) {
        err << u"boutique-control: unknown command '%1' (see: boutique-control --help)"_s.arg(first) << Qt::endl;
        return 2;
    }
    RunContext context;
    QStringList commandArgs = args.mid(2);
    commandArgs.prepend(u"boutique-control %1"_s.arg(first));
    CliCall call(first, commandArgs, &context);
    it->handler(call);
    const int code = app->exec();
    return code;
}

} // namespace bc::cli
