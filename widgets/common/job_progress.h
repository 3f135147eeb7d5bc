#pragma once

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace bc {

// One long operation shown live: its phase, a progress bar (busy when the fraction is unknown), the
// elapsed time ticking every second, and a Cancel button while it runs.
class JobProgress : public QWidget
{
    Q_OBJECT
public:
    explicit JobProgress(QWidget *parent = nullptr);

    void start(const QString &phase);
    void setPhase(const QString &phase);
    void setFraction(double fraction); // 0..1; negative: unknown (busy bar)
    void finish(bool ok, const QString &message);
    void reset();

    bool isRunning() const { return m_running; }
    QString phase() const;
    qint64 elapsedMs() const;
    QPushButton *cancelButton() const { return m_cancel; }

Q_SIGNALS:
    void cancelRequested();

private:
    void updateElapsed();

    QLabel *m_phase;
    QProgressBar *m_bar;
    QLabel *m_elapsed;
    QPushButton *m_cancel;
    QElapsedTimer m_clock;
    QTimer m_tick;
    bool m_running = false;
};

} // namespace bc
