#pragma once

#include "backend/core/result.h"

#include <QByteArray>
#include <QHash>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <chrono>

namespace bc {

// A program and its argument list: never a shell string, so a namespace or a file name can never
// become a command.
struct Command
{
    QString program; // a name looked up on PATH (or in the configured tool paths), or an absolute path
    QStringList arguments;
    QString workingDirectory = {};
    QHash<QString, QString> environment = {}; // added to (or overriding) the app's environment
    QStringList unsetEnvironment = {};
    std::chrono::milliseconds timeout = std::chrono::minutes(1); // zero: no deadline
    QStringList secrets = {};         // literal values masked in the shown command line and its output
    QByteArray standardInput = {};    // written to the child, then its stdin is closed
    bool captureStdout = false;       // keep all of stdout in CommandResult::stdoutData (for -o json)
    bool mergeChannels = false;       // stderr into stdout, for exact interleaving
    bool rawStdout = false;           // stdout as byte chunks (stdoutChunk), not lines: for watch streams
    bool logStdout = true;            // false: stdout reaches the caller only, never the console (Secret data)
    QString withheldStdoutNote = {};  // what the console says instead, when logStdout is false

    // Shell-quoted and redacted: what the console, the log and --dry-run show.
    QString displayLine() const;
};

struct CommandResult
{
    enum class Outcome { Succeeded, NotFound, FailedToStart, Crashed, TimedOut, Cancelled, NonZeroExit };
    Outcome outcome = Outcome::FailedToStart;
    int exitCode = -1;
    QString program;
    QString stderrTail = {}; // redacted, at most the last 64 KiB
    QByteArray stdoutData = {}; // only with Command::captureStdout; not redacted (machine-read)
    qint64 elapsedMs = 0;
    bool dryRun = false;

    bool succeeded() const { return outcome == Outcome::Succeeded; }
    // One sentence for a user, with the stderr tail as the detail.
    Error toError() const;
    QString outcomeText() const;
};

} // namespace bc

Q_DECLARE_METATYPE(bc::CommandResult)
