#pragma once

#include <QCommandLineParser>
#include <QObject>
#include <QStringList>
#include <QTextStream>

#include <functional>
#include <memory>

class QCoreApplication;

namespace bc {
class RunContext;
struct Error;
}

namespace bc::cli {

// One invocation of a headless command: its arguments, the shared RunContext, plain-text output, and
// the way to end (the event loop runs until finish() is called).
class CliCall : public QObject
{
    Q_OBJECT
public:
    CliCall(QString command, QStringList arguments, RunContext *context, QObject *parent = nullptr);

    const QString &command() const { return m_command; }
    const QStringList &arguments() const { return m_arguments; } // argv-style: [0] is "boutique-control <command>"
    RunContext *context() const { return m_context; }
    QTextStream &out() { return m_out; }
    QTextStream &err() { return m_err; }

    // Parses with the standard options every command shares (--help, --dry-run, --verbose). Returns false
    // after printing help or an error; the call is then already finished.
    bool parse(QCommandLineParser &parser, const QString &description, const QString &positionalUsage = {});

    void finish(int exitCode);
    void fail(const QString &reason, int exitCode = 1); // one line on stderr, then exit
    void fail(const Error &error, int exitCode = 1);
    bool finished() const { return m_finished; }

private:
    QString m_command;
    QStringList m_arguments;
    RunContext *m_context;
    QTextStream m_out;
    QTextStream m_err;
    bool m_finished = false;
};

using Handler = std::function<void(CliCall &)>;

struct CommandSpec
{
    QString name;    // "deploy", "canary", ...
    QString summary; // one line for `boutique-control help`
    Handler handler;
    bool needsWidgets = false; // runs on a QApplication (offscreen unless QT_QPA_PLATFORM says otherwise)
};

// Makes the application object of a command that needsWidgets; only the GUI executable links Widgets.
using ApplicationFactory = std::function<std::unique_ptr<QCoreApplication>(int &argc, char **argv)>;

// Every headless command of the product. Areas add theirs in cli_commands.cpp.
QList<CommandSpec> allCommands();

bool wantsHeadless(int argc, char **argv);
// `extra`: commands of the executable itself (they may need widgets, made by `widgetApplication`).
int run(int argc, char **argv, const QList<CommandSpec> &extra = {}, const ApplicationFactory &widgetApplication = {});

} // namespace bc::cli
