#pragma once

#include "backend/process/command.h"
#include "backend/process/redaction.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>
#include <memory>

class QProcess;

namespace bc {

class RunContext;

// The one way the product runs an external tool. One command at a time per runner: start it, read its
// output line by line (redacted) through signals, cancel it (terminate, grace, kill: the whole process
// group, so a kubectl dispatcher's child or Locust's workers go too), and get a typed result.
class CommandRunner : public QObject
{
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds kDefaultKillGrace{1500};

    explicit CommandRunner(RunContext *context = nullptr, QObject *parent = nullptr);
    ~CommandRunner() override;

    // Returns false (and emits finished with NotFound/FailedToStart) when it could not start.
    bool start(const Command &command);
    void cancel();
    bool isRunning() const;
    qint64 processId() const;
    void setKillGrace(std::chrono::milliseconds grace) { m_killGrace = grace; }
    const Command &command() const { return m_command; }

    // Starts a daemon that outlives the app (`boutique-control sandbox start`): own session, stdout and
    // stderr appended to logFile, announced on the context's log. Returns its pid.
    static Result<qint64> startDetached(const Command &command, const QString &logFile, RunContext *context);

    // Resolves a program name the way start() does: an absolute path as is, else the configured tool
    // path, else PATH. Empty when not found.
    static QString resolveProgram(const QString &program, const RunContext *context);

Q_SIGNALS:
    void started();
    void stdoutLine(const QString &line);
    void stderrLine(const QString &line);
    void stdoutChunk(const QByteArray &bytes); // only with Command::rawStdout; machine-read, not redacted
    void finished(const bc::CommandResult &result);

private:
    enum class Stop { None, Cancelled, TimedOut };
    void onReadyRead(bool isStderr);
    void emitLines(QByteArray &buffer, bool isStderr, bool flushPartial);
    void onFinished(int exitCode, int exitStatus);
    void onErrorOccurred(int error);
    void signalGroup(int signal);
    void finish(CommandResult result);
    void beginStop(Stop reason);

    QPointer<RunContext> m_context;
    Command m_command;
    Redactor m_redactor;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_stdoutBuffer;
    QByteArray m_stderrBuffer;
    QByteArray m_stdoutCapture;
    QString m_stderrTail;
    QTimer m_deadline;
    QTimer m_killTimer;
    QElapsedTimer m_clock;
    std::chrono::milliseconds m_killGrace = kDefaultKillGrace;
    Stop m_stop = Stop::None;
    qint64 m_pid = 0;
    quint64 m_logId = 0;
    bool m_finished = true;
    bool m_cancelHook = false;
    bool m_stdoutWithheld = false;
};

} // namespace bc
