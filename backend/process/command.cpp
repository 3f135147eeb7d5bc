#include "backend/process/command.h"

#include "backend/process/redaction.h"

#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace bc {

QString Command::displayLine() const
{
    Redactor redactor;
    redactor.addSecrets(secrets);
    QStringList words{shellQuote(redactor.redactText(program))};
    for (const QString &a : redactor.redactArguments(arguments))
        words.append(shellQuote(a));
    return words.join(u' ');
}

QString CommandResult::outcomeText() const
{
    switch (outcome) {
    case Outcome::Succeeded: return u"exit 0"_s;
    case Outcome::NotFound: return u"not found"_s;
    case Outcome::FailedToStart: return u"failed to start"_s;
    case Outcome::Crashed: return u"crashed"_s;
    case Outcome::TimedOut: return u"timed out"_s;
    case Outcome::Cancelled: return u"cancelled"_s;
    case Outcome::NonZeroExit: return u"exit %1"_s.arg(exitCode);
    }
    return {};
}

Error CommandResult::toError() const
{
    const QString name = QFileInfo(program).fileName();
    const QString tail = stderrTail.trimmed();
    const QString lastLine = tail.section(u'\n', -1);
    switch (outcome) {
    case Outcome::Succeeded: return Error{Error::Kind::Failed, u"%1 succeeded"_s.arg(name)};
    case Outcome::NotFound:
        return Error{Error::Kind::Unavailable,
                     u"%1 was not found on PATH or in the configured tool paths; install it or set its path "
                     "in Settings."_s.arg(name)};
    case Outcome::FailedToStart:
        return Error{Error::Kind::Unavailable, u"%1 could not be started."_s.arg(name), tail};
    case Outcome::Crashed: return Error{Error::Kind::Failed, u"%1 crashed."_s.arg(name), tail};
    case Outcome::TimedOut:
        return Error{Error::Kind::Timeout, u"%1 did not finish in time and was stopped."_s.arg(name), tail};
    case Outcome::Cancelled: return Error{Error::Kind::Cancelled, u"%1 was cancelled."_s.arg(name), tail};
    case Outcome::NonZeroExit:
        return Error{Error::Kind::Failed,
                     lastLine.isEmpty() ? u"%1 failed with exit code %2."_s.arg(name).arg(exitCode)
                                        : u"%1 failed (exit %2): %3"_s.arg(name).arg(exitCode).arg(lastLine),
                     tail};
    }
    return Error{Error::Kind::Failed, name};
}

} // namespace bc
