#pragma once

#include "backend/core/result.h"

#include <QFrame>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QToolButton;

namespace bc {

// The one way a panel shows a problem (STYLE.md, "Errors the user sees"): what failed in one sentence,
// an optional action (Retry, Open settings), and the redacted detail behind a "Details" toggle.
// It sits at the top of a panel; the panel stays usable underneath.
class InlineBanner : public QFrame
{
    Q_OBJECT
public:
    enum class Level { Error, Warning, Info };

    explicit InlineBanner(QWidget *parent = nullptr);

    // actionText empty: no action button.
    void showError(const Error &error, const QString &actionText = {});
    void showMessage(
        Level level, const QString &message, const QString &detail = {}, const QString &actionText = {});
    void dismiss();

    Level level() const { return m_level; }
    QString message() const;
    QString detail() const;
    QString actionText() const;
    bool isDetailExpanded() const;
    void setDetailExpanded(bool expanded);

Q_SIGNALS:
    void actionTriggered();
    void dismissed();

protected:
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    QColor accent() const;
    void updateIcon();

    Level m_level = Level::Error;
    QLabel *m_icon;
    QLabel *m_message;
    QToolButton *m_detailToggle;
    QPushButton *m_action;
    QToolButton *m_close;
    QPlainTextEdit *m_detail;
};

} // namespace bc
