#include "backend/process/command_runner.h"

#include "backend/core/logging.h"
#include "backend/process/command_log.h"
#include "backend/process/run_context.h"
#include "backend/process/tool_locator.h"

#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

#include <csignal>
#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace bc {

namespace {
constexpr qsizetype kStderrTailMax = 64 * 1024;
constexpr qsizetype kMaxLineBytes = 1024 * 1024; // a "line" longer than this is emitted in pieces
} // namespace

CommandRunner::CommandRunner(RunContext *context, QObject *parent) : QObject(parent), m_context(context)
{
    m_deadline.setSingleShot(true);
    m_killTimer.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] { beginStop(Stop::TimedOut); });
    connect(&m_killTimer, &QTimer::timeout, this, [this] {
        if (isRunning()) {
            qCInfo(lcProcess) << "killing" << m_command.program << "after grace period";
            signalGroup(SIGKILL);
        }
    });
}

CommandRunner::~CommandRunner()
{
    if (!isRunning())
        return;
    // Closing the app must not orphan a locust or a port-forward: stop the group now, synchronously.
    m_process->disconnect(this);
    signalGroup(SIGTERM);
    if (!m_process->waitForFinished(int(m_killGrace.count()))) {
        signalGroup(SIGKILL);
        m_process->waitForFinished(2000);
    }
    if (m_context && m_logId) {
        CommandResult r;
        r.outcome = CommandResult::Outcome::Cancelled;
        r.program = m_command.program;
        r.elapsedMs = m_clock.elapsed();
        m_context->log()->end(m_logId, r);
    }
}

QString CommandRunner::resolveProgram(const QString &program, const RunContext *context)
{
    if (program.contains(u'/')) {
        const QFileInfo info(program);
        return info.isFile() && info.isExecutable() ? info.absoluteFilePath() : QString();
    }
    if (context && context->tools()) {
        const QString configured = context->tools()->configuredPath(program);
        if (!configured.isEmpty())
            return configured;
    }
    return QStandardPaths::findExecutable(program);
}

Result<qint64> CommandRunner::startDetached(const Command &command, const QString &logFile, RunContext *context)
{
    const bool dryRun = context && context->dryRun();
    if (context) {
        CommandResult announced;
        announced.program = command.program;
        announced.outcome = CommandResult::Outcome::Succeeded;
        announced.exitCode = 0;
        announced.dryRun = dryRun;
        const quint64 id = context->log()->begin(command.displayLine(), dryRun);
        context->log()->end(id, announced);
    }
    if (dryRun)
        return qint64(0);
    const QString resolved = resolveProgram(command.program, context);
    if (resolved.isEmpty()) {
        CommandResult r;
        r.outcome = CommandResult::Outcome::NotFound;
        r.program = command.program;
        return r.toError();
    }
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = command.environment.cbegin(); it != command.environment.cend(); ++it)
        env.insert(it.key(), it.value());
    process.setProcessEnvironment(env);
    process.setProgram(resolved);
    process.setArguments(command.arguments);
    process.setWorkingDirectory(command.workingDirectory);
    process.setStandardInputFile(QProcess::nullDevice());
    process.setStandardOutputFile(logFile, QIODevice::Append);
    process.setStandardErrorFile(logFile, QIODevice::Append);
    process.setChildProcessModifier([] { ::setsid(); });
    qint64 pid = 0;
    if (!process.startDetached(&pid))
        return Error{Error::Kind::Unavailable, u"%1 could not be started: %2"_s.arg(command.program, process.errorString())};
    return pid;
}

bool CommandRunner::start(const Command &command)
{
    if (isRunning()) {
        qCWarning(lcProcess) << "start() while running; cancel first";
        return false;
    }
    m_command = command;
    m_redactor = Redactor();
    m_redactor.addSecrets(command.secrets);
    m_stdoutBuffer.clear();
    m_stderrBuffer.clear();
    m_stdoutCapture.clear();
    m_stderrTail.clear();
    m_stop = Stop::None;
    m_pid = 0;
    m_finished = false;
    m_stdoutWithheld = false;
    m_clock.start();

    const bool dryRun = m_context && m_context->dryRun();
    m_logId = m_context ? m_context->log()->begin(command.displayLine(), dryRun) : 0;
    if (m_context && !m_cancelHook) {
        m_cancelHook = true;
        connect(m_context->log(), &CommandLog::cancelRequested, this, [this](quint64 id) {
            if (id != 0 && id == m_logId)
                cancel();
        });
    }
    if (dryRun) {
        CommandResult r;
        r.outcome = CommandResult::Outcome::Succeeded;
        r.exitCode = 0;
        r.program = command.program;
        r.dryRun = true;
        // Deliver asynchronously, as a real run would, so callers need a single code path.
        QTimer::singleShot(0, this, [this, r] { finish(r); });
        return true;
    }

    const QString resolved = resolveProgram(command.program, m_context);
    if (resolved.isEmpty()) {
        CommandResult r;
        r.outcome = CommandResult::Outcome::NotFound;
        r.program = command.program;
        QTimer::singleShot(0, this, [this, r] { finish(r); });
        return false;
    }

    m_process = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &name : command.unsetEnvironment)
        env.remove(name);
    for (auto it = command.environment.cbegin(); it != command.environment.cend(); ++it)
        env.insert(it.key(), it.value());
    m_process->setProcessEnvironment(env);
    if (!command.workingDirectory.isEmpty())
        m_process->setWorkingDirectory(command.workingDirectory);
    m_process->setProcessChannelMode(command.mergeChannels ? QProcess::MergedChannels
                                                           : QProcess::SeparateChannels);
    // Own process group, so cancel reaches the tool's children (kubectl's dispatcher runs kubectl.1.32);
    // and a child that outlives a crashed app is told to stop.
    m_process->setChildProcessModifier([] {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    });

    connect(m_process.get(), &QProcess::readyReadStandardOutput, this, [this] { onReadyRead(false); });
    connect(m_process.get(), &QProcess::readyReadStandardError, this, [this] { onReadyRead(true); });
    connect(m_process.get(), &QProcess::finished, this,
            [this](int code, QProcess::ExitStatus status) { onFinished(code, int(status)); });
    connect(m_process.get(), &QProcess::errorOccurred, this,
            [this](QProcess::ProcessError error) { onErrorOccurred(int(error)); });
    connect(m_process.get(), &QProcess::started, this, [this] {
        m_pid = m_process->processId();
        if (!m_command.standardInput.isEmpty())
            m_process->write(m_command.standardInput);
        m_process->closeWriteChannel();
        Q_EMIT started();
    });

    qCDebug(lcProcess) << "start" << command.displayLine();
    m_process->start(resolved, command.arguments);
    if (command.timeout.count() > 0)
        m_deadline.start(command.timeout);
    return true;
}

void CommandRunner::cancel()
{
    beginStop(Stop::Cancelled);
}

void CommandRunner::beginStop(Stop reason)
{
    if (!isRunning())
        return;
    if (m_stop == Stop::None)
        m_stop = reason;
    signalGroup(SIGTERM);
    if (!m_killTimer.isActive())
        m_killTimer.start(m_killGrace);
}

bool CommandRunner::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

qint64 CommandRunner::processId() const
{
    return m_pid;
}

void CommandRunner::signalGroup(int signal)
{
    if (m_pid > 0) {
        // The group first (children), then the leader itself in case it left the group.
        ::kill(-pid_t(m_pid), signal);
        ::kill(pid_t(m_pid), signal);
    }
}

void CommandRunner::onReadyRead(bool isStderr)
{
    QByteArray &buffer = isStderr ? m_stderrBuffer : m_stdoutBuffer;
    const QByteArray chunk = isStderr ? m_process->readAllStandardError() : m_process->readAllStandardOutput();
    if (m_command.captureStdout && !isStderr)
        m_stdoutCapture.append(chunk);
    if (m_command.rawStdout && !isStderr) {
        if (!chunk.isEmpty())
            Q_EMIT stdoutChunk(chunk);
        return;
    }
    if (!m_command.logStdout && !isStderr) {
        if (!chunk.isEmpty() && !m_stdoutWithheld && m_context && m_logId) {
            m_stdoutWithheld = true;
            m_context->log()->line(m_logId,
                m_command.withheldStdoutNote.isEmpty() ? tr("(output not shown: it holds Secret data)")
                                                       : m_command.withheldStdoutNote,
                false);
        }
        return;
    }
    buffer.append(chunk);
    emitLines(buffer, isStderr, false);
}

void CommandRunner::emitLines(QByteArray &buffer, bool isStderr, bool flushPartial)
{
    qsizetype from = 0;
    for (;;) {
        qsizetype nl = buffer.indexOf('\n', from);
        if (nl < 0 && buffer.size() - from > kMaxLineBytes)
            nl = from + kMaxLineBytes;
        if (nl < 0)
            break;
        QByteArray raw = buffer.mid(from, nl - from);
        from = nl + 1;
        if (raw.endsWith('\r'))
            raw.chop(1);
        // Redaction runs on whole lines, so a secret that arrived in two writes is still masked.
        const QString line = m_redactor.redactText(QString::fromUtf8(raw));
        if (isStderr) {
            m_stderrTail.append(line).append(u'\n');
            if (m_stderrTail.size() > kStderrTailMax)
                m_stderrTail.remove(0, m_stderrTail.size() - kStderrTailMax);
        }
        if (m_context && m_logId)
            m_context->log()->line(m_logId, line, isStderr);
        if (isStderr)
            Q_EMIT stderrLine(line);
        else
            Q_EMIT stdoutLine(line);
    }
    buffer.remove(0, from);
    if (flushPartial && !buffer.isEmpty()) {
        buffer.append('\n');
        emitLines(buffer, isStderr, false);
    }
}

void CommandRunner::onErrorOccurred(int error)
{
    if (QProcess::ProcessError(error) != QProcess::FailedToStart)
        return; // Crashed and friends are reported through finished()
    CommandResult r;
    r.outcome = CommandResult::Outcome::FailedToStart;
    r.program = m_command.program;
    r.stderrTail = m_redactor.redactText(m_process->errorString());
    finish(r);
}

void CommandRunner::onFinished(int exitCode, int exitStatus)
{
    // Drain what is still buffered in the pipes, then flush partial lines.
    onReadyRead(false);
    if (!m_command.mergeChannels)
        onReadyRead(true);
    emitLines(m_stdoutBuffer, false, true);
    emitLines(m_stderrBuffer, true, true);

    CommandResult r;
    r.program = m_command.program;
    r.exitCode = exitCode;
    if (m_stop == Stop::Cancelled)
        r.outcome = CommandResult::Outcome::Cancelled;
    else if (m_stop == Stop::TimedOut)
        r.outcome = CommandResult::Outcome::TimedOut;
    else if (QProcess::ExitStatus(exitStatus) == QProcess::CrashExit)
        r.outcome = CommandResult::Outcome::Crashed;
    else if (exitCode != 0)
        r.outcome = CommandResult::Outcome::NonZeroExit;
    else
        r.outcome = CommandResult::Outcome::Succeeded;
    if (m_stop != Stop::None)
        signalGroup(SIGKILL); // stragglers of the group that outlived the leader
    r.stderrTail = m_stderrTail;
    r.stdoutData = std::move(m_stdoutCapture);
    finish(r);
}

void CommandRunner::finish(CommandResult result)
{
    if (m_finished)
        return;
    m_finished = true;
    m_deadline.stop();
    m_killTimer.stop();
    result.elapsedMs = m_clock.elapsed();
    if (m_context && m_logId)
        m_context->log()->end(m_logId, result);
    m_logId = 0;
    if (m_process) {
        // Let the QProcess go once control is back in the event loop; it may be on the stack now.
        QProcess *p = m_process.release();
        p->disconnect(this);
        p->deleteLater();
    }
    Q_EMIT finished(result);
}

} // namespace bc
