#pragma once

#include <QDockWidget>
#include <QHash>
#include <QList>
#include <QString>
#include <QTimer>

#include <deque>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QTextCharFormat;
class QToolButton;

namespace bc {

class CommandLog;
struct CommandResult;

// Shows every command the product runs, as announced on the CommandLog: the (redacted) command line,
// its output as it arrives (stderr in another colour), then how it ended and how long it took.
// Lines are collected and appended in batches on a timer, so a tool printing thousands of lines a
// second costs one repaint per tick; at most maximumLines() lines are kept.
class ConsoleDock : public QDockWidget
{
    Q_OBJECT
public:
    static constexpr int kDefaultMaximumLines = 20000;
    static constexpr int kFlushIntervalMs = 80;

    explicit ConsoleDock(CommandLog *log, QWidget *parent = nullptr);

    void setMaximumLines(int lines);
    int maximumLines() const { return m_maximumLines; }

    QString filter() const { return m_filter; }
    QString visibleText() const; // what the view shows now (after the filter)
    int storedLineCount() const { return int(m_entries.size()); }
    int flushCount() const { return m_flushCount; } // batches appended so far
    int runningCount() const { return int(m_running.size()); }
    QPlainTextEdit *view() const { return m_view; }

public Q_SLOTS:
    void clear();
    void setFilter(const QString &text);

private:
    enum class Kind : quint8 { Command, DryRun, Stdout, Stderr, Succeeded, Stopped, Failed };
    struct Entry
    {
        Kind kind;
        QString text;
    };

    void onStarted(quint64 id, const QString &displayLine, bool dryRun);
    void onOutput(quint64 id, const QString &line, bool isStderr);
    void onFinished(quint64 id, const CommandResult &result);
    void enqueue(Kind kind, QString text);
    void flush();
    void rebuild();
    void append(const QList<Entry> &entries);
    bool matches(const Entry &entry) const;
    QTextCharFormat format(Kind kind) const;
    void updateRunning();

    QPlainTextEdit *m_view;
    QLineEdit *m_filterEdit;
    QLabel *m_runningLabel;
    QProgressBar *m_busy;
    QToolButton *m_clear;

    std::deque<Entry> m_entries; // everything kept, filtered or not
    QList<Entry> m_pending; // not yet in the view
    QHash<quint64, QString> m_running; // id -> display line
    QTimer m_flushTimer;
    QTimer m_filterTimer;
    QString m_filter;
    int m_maximumLines = kDefaultMaximumLines;
    int m_flushCount = 0;
};

} // namespace bc
