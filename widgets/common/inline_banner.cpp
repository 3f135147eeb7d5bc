#include "widgets/common/inline_banner.h"

#include "widgets/common/icons.h"

#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bc {

InlineBanner::InlineBanner(QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_message(new QLabel(this))
    , m_detailToggle(new QToolButton(this))
    , m_action(new QPushButton(this))
    , m_close(new QToolButton(this))
    , m_detail(new QPlainTextEdit(this))
{
    setObjectName(u"inlineBanner"_s);
    setAccessibleName(u"Problem"_s);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);

    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);

    m_detailToggle->setText(u"Details"_s);
    m_detailToggle->setCheckable(true);
    m_detailToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_detailToggle->setArrowType(Qt::RightArrow);
    m_detailToggle->setAutoRaise(true);
    connect(m_detailToggle, &QToolButton::toggled, this, &InlineBanner::setDetailExpanded);

    connect(m_action, &QPushButton::clicked, this, &InlineBanner::actionTriggered);

    m_close->setAutoRaise(true);
    m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_close->setToolTip(u"Dismiss"_s);
    m_close->setAccessibleName(u"Dismiss"_s);
    connect(m_close, &QToolButton::clicked, this, &InlineBanner::dismiss);

    m_detail->setReadOnly(true);
    m_detail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_detail->setVisible(false);

    auto *top = new QHBoxLayout;
    top->addWidget(m_icon, 0, Qt::AlignTop);
    top->addWidget(m_message, 1);
    top->addWidget(m_detailToggle, 0, Qt::AlignTop);
    top->addWidget(m_action, 0, Qt::AlignTop);
    top->addWidget(m_close, 0, Qt::AlignTop);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 8, 8, 8);
    layout->addLayout(top);
    layout->addWidget(m_detail);

    setVisible(false);
}

void InlineBanner::showError(const Error &error, const QString &actionText)
{
    const Level level = error.kind == Error::Kind::Cancelled ? Level::Info : Level::Error;
    showMessage(level, error.message, error.detail, actionText);
}

void InlineBanner::showMessage(
    Level level, const QString &message, const QString &detail, const QString &actionText)
{
    m_level = level;
    m_message->setText(message);
    m_detail->setPlainText(detail);
    // As tall as the detail, up to ten lines; longer detail scrolls.
    const int lines = qBound(1, int(detail.count(u'\n')) + 1, 10);
    m_detail->setFixedHeight(m_detail->fontMetrics().lineSpacing() * lines + 2 * m_detail->frameWidth()
        + int(m_detail->document()->documentMargin() * 2) + 2);
    m_detailToggle->setVisible(!detail.trimmed().isEmpty());
    setDetailExpanded(false);
    m_action->setText(actionText);
    m_action->setVisible(!actionText.isEmpty());
    updateIcon();
    setVisible(true);
    update();
}

void InlineBanner::dismiss()
{
    if (!isVisible())
        return;
    setVisible(false);
    Q_EMIT dismissed();
}

QString InlineBanner::message() const
{
    return m_message->text();
}

QString InlineBanner::detail() const
{
    return m_detail->toPlainText();
}

QString InlineBanner::actionText() const
{
    return m_action->isHidden() ? QString() : m_action->text();
}

bool InlineBanner::isDetailExpanded() const
{
    return !m_detail->isHidden();
}

void InlineBanner::setDetailExpanded(bool expanded)
{
    expanded = expanded && !m_detail->toPlainText().trimmed().isEmpty();
    m_detail->setVisible(expanded);
    const QSignalBlocker block(m_detailToggle);
    m_detailToggle->setChecked(expanded);
    m_detailToggle->setArrowType(expanded ? Qt::DownArrow : Qt::RightArrow);
}

QColor InlineBanner::accent() const
{
    switch (m_level) {
    case Level::Error:
        return accentFor(palette(), QColor(0xc6, 0x28, 0x28));
    case Level::Warning:
        return accentFor(palette(), QColor(0xb2, 0x6a, 0x00));
    case Level::Info:
        return accentFor(palette(), QColor(0x1a, 0x5b, 0xc4));
    }
    return palette().color(QPalette::Highlight);
}

void InlineBanner::updateIcon()
{
    const QStyle::StandardPixmap which = m_level == Level::Error ? QStyle::SP_MessageBoxCritical
        : m_level == Level::Warning                              ? QStyle::SP_MessageBoxWarning
                                                                 : QStyle::SP_MessageBoxInformation;
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_icon->setPixmap(
        style()->standardIcon(which, nullptr, this).pixmap(QSize(size, size), devicePixelRatioF()));
}

void InlineBanner::paintEvent(QPaintEvent *event)
{
    // A tint of the accent over the palette's window colour: readable on light and dark palettes.
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QColor accentColor = accent();
    QColor fill = palette().color(QPalette::Window);
    const qreal mix = 0.14;
    fill.setRgbF(fill.redF() * (1 - mix) + accentColor.redF() * mix,
        fill.greenF() * (1 - mix) + accentColor.greenF() * mix,
        fill.blueF() * (1 - mix) + accentColor.blueF() * mix);
    const QRectF r = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    QPainterPath path;
    path.addRoundedRect(r, 6, 6);
    painter.fillPath(path, fill);
    painter.setPen(QPen(accentColor, 1));
    painter.drawPath(path);
    painter.fillRect(QRectF(r.left(), r.top() + 6, 4, r.height() - 12), accentColor);
    QFrame::paintEvent(event);
}

void InlineBanner::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        updateIcon();
    QFrame::changeEvent(event);
}

} // namespace bc
