#include "widgets/status/status_summary.h"

#include "backend/process/command_log.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

QFrame *separator(QWidget *parent)
{
    auto *line = new QFrame(parent);
    line->setFrameShape(QFrame::VLine);
    line->setFrameShadow(QFrame::Sunken);
    return line;
}

} // namespace

StatusSummary::StatusSummary(CommandLog *log, QWidget *parent)
    : QWidget(parent)
    , m_environment(new QLabel(this))
    , m_context(new QLabel(this))
    , m_running(new QLabel(this))
    , m_busy(new QProgressBar(this))
{
    m_environment->setObjectName(u"statusEnvironment"_s);
    m_context->setObjectName(u"statusContext"_s);
    m_running->setObjectName(u"statusRunning"_s);
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setFixedSize(72, 10);
    m_busy->setAccessibleName(u"Busy"_s);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 4, 0);
    layout->setSpacing(8);
    layout->addWidget(m_environment);
    layout->addWidget(separator(this));
    layout->addWidget(m_context);
    layout->addWidget(separator(this));
    layout->addWidget(m_busy);
    layout->addWidget(m_running);

    setEnvironment({});
    setKubeContext({});
    setRunning(log ? log->runningCount() : 0);
    if (log)
        connect(log, &CommandLog::runningCountChanged, this, &StatusSummary::setRunning);
}

void StatusSummary::setEnvironment(const QString &displayName)
{
    m_environment->setText(
        u"Environment: %1"_s.arg(displayName.isEmpty() ? u"none selected"_s : displayName));
}

void StatusSummary::setKubeContext(const QString &context)
{
    m_context->setText(u"Context: %1"_s.arg(context.isEmpty() ? u"kubeconfig default"_s : context));
}

QString StatusSummary::environmentText() const
{
    return m_environment->text();
}

QString StatusSummary::contextText() const
{
    return m_context->text();
}

QString StatusSummary::runningText() const
{
    return m_running->text();
}

bool StatusSummary::isBusy() const
{
    return !m_busy->isHidden();
}

void StatusSummary::setRunning(int running)
{
    m_busy->setVisible(running > 0);
    m_running->setText(running == 0 ? u"No commands running"_s
            : running == 1          ? u"1 command running"_s
                                    : u"%1 commands running"_s.arg(running));
}

} // namespace bc
