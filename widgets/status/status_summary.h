#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;

namespace bc {

class CommandLog;

// The permanent part of the status bar: the environment and kube context in use, how many commands
// are running, and a busy indicator while any is.
class StatusSummary : public QWidget
{
    Q_OBJECT
public:
    explicit StatusSummary(CommandLog *log, QWidget *parent = nullptr);

    void setEnvironment(const QString &displayName);
    void setKubeContext(const QString &context); // empty: the kubeconfig's current context
    QString environmentText() const;
    QString contextText() const;
    QString runningText() const;
    bool isBusy() const;

private:
    void setRunning(int running);

    QLabel *m_environment;
    QLabel *m_context;
    QLabel *m_running;
    QProgressBar *m_busy;
};

} // namespace bc
