#include "widgets/console/console_dock.h"

#include "backend/process/command_log.h"
#include "widgets/common/icons.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

QString formatDuration(qint64 ms)
{
    if (ms < 1000)
        return u"%1 ms"_s.arg(ms);
    if (ms < 60'000)
        return u"%1 s"_s.arg(double(ms) / 1000.0, 0, 'f', 2);
    return u"%1 min %2 s"_s.arg(ms / 60'000).arg((ms % 60'000) / 1000);
}

} // namespace

ConsoleDock::ConsoleDock(CommandLog *log, QWidget *parent)
    : QDockWidget(u"Console"_s, parent)
    , m_view(new QPlainTextEdit)
    , m_filterEdit(new QLineEdit)
    , m_runningLabel(new QLabel)
    , m_busy(new QProgressBar)
    , m_clear(new QToolButton)
{
    setObjectName(u"consoleDock"_s);
    setFeatures(
        QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);

    m_view->setObjectName(u"consoleView"_s);
    m_view->setReadOnly(true);
    m_view->setUndoRedoEnabled(false);
    m_view->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_view->setMaximumBlockCount(m_maximumLines);
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_view->setPlaceholderText(u"Commands the product runs appear here, with their output."_s);
    m_view->setAccessibleName(u"Console output"_s);

    m_filterEdit->setObjectName(u"consoleFilter"_s);
    m_filterEdit->setPlaceholderText(u"Filter lines"_s);
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setMaximumWidth(320);
    m_filterEdit->setAccessibleName(u"Filter console lines"_s);
    m_filterTimer.setSingleShot(true);
    m_filterTimer.setInterval(150);
    connect(m_filterEdit, &QLineEdit::textChanged, &m_filterTimer, qOverload<>(&QTimer::start));
    connect(&m_filterTimer, &QTimer::timeout, this, [this] { setFilter(m_filterEdit->text()); });

    m_busy->setRange(0, 0);
    m_busy->setMaximumSize(80, 12);
    m_busy->setTextVisible(false);
    m_busy->setVisible(false);
    m_runningLabel->setObjectName(u"consoleRunning"_s);

    m_clear->setText(u"Clear"_s);
    m_clear->setToolTip(u"Clear the console"_s);
    m_clear->setToolButtonStyle(Qt::ToolButtonTextOnly);
    connect(m_clear, &QToolButton::clicked, this, &ConsoleDock::clear);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_filterEdit, 1);
    bar->addStretch(1);
    bar->addWidget(m_busy);
    bar->addWidget(m_runningLabel);
    bar->addWidget(m_clear);

    auto *body = new QWidget(this);
    auto *layout = new QVBoxLayout(body);
    layout->setContentsMargins(6, 4, 6, 6);
    layout->setSpacing(4);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    setWidget(body);

    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kFlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &ConsoleDock::flush);

    if (log) {
        connect(log, &CommandLog::commandStarted, this, &ConsoleDock::onStarted);
        connect(log, &CommandLog::commandOutput, this, &ConsoleDock::onOutput);
        connect(log, &CommandLog::commandFinished, this, &ConsoleDock::onFinished);
    }
    updateRunning();
}

void ConsoleDock::setMaximumLines(int lines)
{
    m_maximumLines = qMax(100, lines);
    m_view->setMaximumBlockCount(m_maximumLines);
    while (int(m_entries.size()) > m_maximumLines)
        m_entries.pop_front();
}

QString ConsoleDock::visibleText() const
{
    return m_view->toPlainText();
}

void ConsoleDock::clear()
{
    m_entries.clear();
    m_pending.clear();
    m_view->clear();
}

void ConsoleDock::setFilter(const QString &text)
{
    if (m_filterEdit->text() != text) {
        const QSignalBlocker block(m_filterEdit);
        m_filterEdit->setText(text);
    }
    if (text.trimmed() == m_filter)
        return;
    m_filter = text.trimmed();
    flush();
    rebuild();
}

void ConsoleDock::onStarted(quint64 id, const QString &displayLine, bool dryRun)
{
    if (dryRun) {
        enqueue(Kind::DryRun, u"[%1] (dry run) $ %2"_s.arg(id).arg(displayLine));
        return;
    }
    m_running.insert(id, displayLine);
    updateRunning();
    enqueue(Kind::Command, u"[%1] $ %2"_s.arg(id).arg(displayLine));
}

void ConsoleDock::onOutput(quint64 /*id*/, const QString &line, bool isStderr)
{
    enqueue(isStderr ? Kind::Stderr : Kind::Stdout, line);
}

void ConsoleDock::onFinished(quint64 id, const CommandResult &result)
{
    const bool wasRunning = m_running.remove(id) > 0;
    if (wasRunning)
        updateRunning();
    if (result.dryRun)
        return; // a dry run announced itself and ran nothing
    // A cancelled command was stopped on purpose (a watch whose rollout finished, a Cancel click):
    // neither a success nor a failure.
    const bool stopped = result.outcome == CommandResult::Outcome::Cancelled;
    const Kind kind = result.succeeded() ? Kind::Succeeded : stopped ? Kind::Stopped : Kind::Failed;
    const QString mark = result.succeeded() ? u"\u2714"_s : stopped ? u"\u25a0"_s : u"\u2718"_s;
    enqueue(kind, u"[%1] %2 %3 after %4"_s.arg(id).arg(mark, result.outcomeText(), formatDuration(result.elapsedMs)));
}

void ConsoleDock::enqueue(Kind kind, QString text)
{
    // A multi-line chunk stays one entry per line, so the bound and the filter count lines.
    if (text.contains(u'\n')) {
        const QStringList lines = text.split(u'\n');
        for (const QString &line : lines)
            enqueue(kind, line);
        return;
    }
    Entry entry {kind, std::move(text)};
    m_entries.push_back(entry);
    if (int(m_entries.size()) > m_maximumLines)
        m_entries.pop_front();
    m_pending.append(std::move(entry));
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void ConsoleDock::flush()
{
    m_flushTimer.stop();
    if (m_pending.isEmpty())
        return;
    ++m_flushCount;
    QList<Entry> batch = std::exchange(m_pending, {});
    if (batch.size() > m_maximumLines) // older lines would scroll out of the view at once
        batch.remove(0, batch.size() - m_maximumLines);
    append(batch);
}

void ConsoleDock::rebuild()
{
    m_view->clear();
    const QList<Entry> all(m_entries.begin(), m_entries.end());
    append(all);
}

void ConsoleDock::append(const QList<Entry> &entries)
{
    QScrollBar *scroll = m_view->verticalScrollBar();
    const bool follow = scroll->value() >= scroll->maximum() - 2;
    QTextCursor cursor(m_view->document());
    cursor.movePosition(QTextCursor::End);
    cursor.beginEditBlock();
    bool first = m_view->document()->isEmpty();
    for (const Entry &entry : entries) {
        if (!matches(entry))
            continue;
        if (!first)
            cursor.insertBlock();
        first = false;
        cursor.insertText(entry.text, format(entry.kind));
    }
    cursor.endEditBlock();
    if (follow)
        scroll->setValue(scroll->maximum());
}

bool ConsoleDock::matches(const Entry &entry) const
{
    return m_filter.isEmpty() || entry.text.contains(m_filter, Qt::CaseInsensitive);
}

QTextCharFormat ConsoleDock::format(Kind kind) const
{
    QTextCharFormat f;
    const QPalette &p = palette();
    switch (kind) {
    case Kind::Command:
        f.setFontWeight(QFont::Bold);
        f.setForeground(accentFor(p, p.color(QPalette::Link)));
        break;
    case Kind::DryRun:
        f.setFontItalic(true);
        f.setForeground(p.color(QPalette::PlaceholderText));
        break;
    case Kind::Stdout:
        break; // the palette's text colour
    case Kind::Stderr:
        f.setForeground(accentFor(p, QColor(0xb3, 0x26, 0x1e)));
        break;
    case Kind::Succeeded:
        f.setForeground(accentFor(p, QColor(0x1e, 0x7e, 0x34)));
        break;
    case Kind::Stopped:
        f.setForeground(p.color(QPalette::PlaceholderText));
        break;
    case Kind::Failed:
        f.setFontWeight(QFont::Bold);
        f.setForeground(accentFor(p, QColor(0xb3, 0x26, 0x1e)));
        break;
    }
    return f;
}

void ConsoleDock::updateRunning()
{
    const int n = int(m_running.size());
    m_busy->setVisible(n > 0);
    m_runningLabel->setText(n == 0 ? u"Idle"_s
            : n == 1               ? u"1 command running"_s
                                   : u"%1 commands running"_s.arg(n));
    QStringList lines;
    for (auto it = m_running.cbegin(); it != m_running.cend(); ++it)
        lines << u"[%1] %2"_s.arg(it.key()).arg(it.value());
    m_runningLabel->setToolTip(lines.join(u'\n'));
}

} // namespace bc
