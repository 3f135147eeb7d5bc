#include "widgets/common/panel.h"

#include "widgets/common/icons.h"
#include "widgets/common/inline_banner.h"

#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

QLabel *wrapped(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    return label;
}

QLabel *heading(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

void addBullets(QVBoxLayout *layout, const QStringList &items, QWidget *parent)
{
    for (const QString &item : items) {
        auto *row = new QHBoxLayout;
        row->setSpacing(8);
        row->addWidget(new QLabel(u"\u2022"_s, parent), 0, Qt::AlignTop);
        row->addWidget(wrapped(item, parent), 1);
        layout->addLayout(row);
    }
}

} // namespace

Panel::Panel(PanelInfo info, QWidget *parent)
    : QWidget(parent)
    , m_info(std::move(info))
    , m_banner(new InlineBanner(this))
    , m_intro(nullptr)
    , m_content(new QVBoxLayout)
{
    setObjectName(m_info.key + u"Panel"_s);
    setAccessibleName(m_info.title);
    m_intro = createIntroduction();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->setSpacing(8);
    layout->addWidget(m_banner);
    layout->addWidget(m_intro, 1);
    layout->addLayout(m_content, 1);
}

bool Panel::showsIntroduction() const
{
    return m_intro && !m_intro->isHidden();
}

QVBoxLayout *Panel::contentLayout()
{
    m_intro->setVisible(false);
    return m_content;
}

QWidget *Panel::createIntroduction()
{
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(u"panelIntroduction"_s);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto *page = new QWidget(scroll);
    auto *card = new QFrame(page);
    card->setObjectName(u"introCard"_s);
    card->setFrameShape(QFrame::StyledPanel);
    card->setBackgroundRole(QPalette::Base);
    card->setAutoFillBackground(true);
    card->setMaximumWidth(760);
    card->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Maximum);

    auto *icon = new QLabel(card);
    icon->setFixedSize(64, 64);
    icon->setAlignment(Qt::AlignCenter);
    m_introIcon = icon;
    updateIntroIcon();

    auto *title = new QLabel(m_info.title, card);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setBold(true);
    title->setFont(titleFont);

    auto *summary = wrapped(m_info.summary, card);
    auto *header = new QVBoxLayout;
    header->setSpacing(4);
    header->addWidget(title);
    header->addWidget(summary);

    auto *top = new QHBoxLayout;
    top->setSpacing(16);
    top->addWidget(icon, 0, Qt::AlignTop);
    top->addLayout(header, 1);

    auto *body = new QVBoxLayout(card);
    body->setContentsMargins(24, 20, 24, 20);
    body->setSpacing(6);
    body->addLayout(top);
    if (!m_info.features.isEmpty()) {
        body->addSpacing(12);
        body->addWidget(heading(u"What it will do"_s, card));
        addBullets(body, m_info.features, card);
    }
    if (!m_info.needs.isEmpty()) {
        body->addSpacing(12);
        body->addWidget(heading(u"Needs"_s, card));
        addBullets(body, m_info.needs, card);
    }
    body->addSpacing(12);
    auto *note
        = wrapped(u"This panel is not built yet. Every command the product runs appears in the console "
                  u"(View \u203a Console, Ctrl+`)."_s,
            card);
    note->setForegroundRole(QPalette::PlaceholderText);
    body->addWidget(note);

    auto *pageLayout = new QVBoxLayout(page);
    pageLayout->setContentsMargins(12, 24, 12, 12);
    auto *centered = new QHBoxLayout;
    centered->addStretch(1);
    centered->addWidget(card, 100);
    centered->addStretch(1);
    pageLayout->addLayout(centered);
    pageLayout->addStretch(1);

    scroll->setWidget(page);
    return scroll;
}

void Panel::updateIntroIcon()
{
    const QColor accent = accentFor(palette(), palette().color(QPalette::Highlight));
    m_introIcon->setPixmap(panelPixmap(m_info.icon, accent, 56, devicePixelRatioF()));
}

void Panel::changeEvent(QEvent *event)
{
    // A light/dark switch or a move to a screen with another scale: redraw the tinted icon.
    if (m_introIcon && (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange))
        updateIntroIcon();
    QWidget::changeEvent(event);
}

} // namespace bc
