#include "widgets/common/job_progress.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bc {

JobProgress::JobProgress(QWidget *parent)
    : QWidget(parent)
    , m_phase(new QLabel(this))
    , m_bar(new QProgressBar(this))
    , m_elapsed(new QLabel(this))
    , m_cancel(new QPushButton(u"Cancel"_s, this))
{
    m_phase->setObjectName(u"jobPhase"_s);
    m_phase->setWordWrap(true);
    m_phase->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_bar->setObjectName(u"jobBar"_s);
    m_bar->setRange(0, 1000);
    m_bar->setTextVisible(false);
    m_elapsed->setObjectName(u"jobElapsed"_s);
    m_elapsed->setMinimumWidth(m_elapsed->fontMetrics().horizontalAdvance(u"00:00:00"_s));
    m_cancel->setObjectName(u"jobCancel"_s);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_phase);
    auto *row = new QHBoxLayout;
    row->addWidget(m_bar, 1);
    row->addWidget(m_elapsed);
    row->addWidget(m_cancel);
    layout->addLayout(row);

    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &JobProgress::updateElapsed);
    connect(m_cancel, &QPushButton::clicked, this, &JobProgress::cancelRequested);
    reset();
}

void JobProgress::start(const QString &phase)
{
    m_running = true;
    m_clock.start();
    m_tick.start();
    m_phase->setText(phase);
    m_bar->setRange(0, 0); // busy until a fraction arrives
    m_cancel->setEnabled(true);
    m_cancel->setVisible(true);
    setVisible(true);
    updateElapsed();
}

void JobProgress::setPhase(const QString &phase)
{
    if (!phase.isEmpty())
        m_phase->setText(phase);
}

void JobProgress::setFraction(double fraction)
{
    if (fraction < 0) {
        m_bar->setRange(0, 0);
        return;
    }
    m_bar->setRange(0, 1000);
    m_bar->setValue(int(qBound(0.0, fraction, 1.0) * 1000));
}

void JobProgress::finish(bool ok, const QString &message)
{
    m_running = false;
    m_tick.stop();
    updateElapsed();
    m_bar->setRange(0, 1000);
    if (ok)
        m_bar->setValue(1000);
    m_phase->setText(message);
    m_cancel->setVisible(false);
}

void JobProgress::reset()
{
    m_running = false;
    m_tick.stop();
    m_bar->setRange(0, 1000);
    m_bar->setValue(0);
    m_phase->clear();
    m_elapsed->clear();
    m_cancel->setVisible(false);
    setVisible(false);
}

QString JobProgress::phase() const
{
    return m_phase->text();
}

qint64 JobProgress::elapsedMs() const
{
    return m_clock.isValid() ? m_clock.elapsed() : 0;
}

void JobProgress::updateElapsed()
{
    const int s = int(elapsedMs() / 1000);
    m_elapsed->setText(s >= 3600 ? u"%1:%2:%3"_s.arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'))
                                 : u"%1:%2"_s.arg(s / 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0')));
}

} // namespace bc
