#include "widgets/journey/journey_strip.h"

#include "widgets/common/icons.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

QString stateColor(JourneyStep::State state, const QPalette &palette)
{
    switch (state) {
    case JourneyStep::State::NotStarted:
        return palette.color(QPalette::PlaceholderText).name();
    case JourneyStep::State::Running:
        return accentFor(palette, QColor(0x1a, 0x73, 0xe8)).name();
    case JourneyStep::State::Done:
        return accentFor(palette, QColor(0x18, 0x80, 0x38)).name();
    case JourneyStep::State::Failed:
        return accentFor(palette, QColor(0xc5, 0x22, 0x1f)).name();
    }
    return {};
}

QString objectKey(JourneyStep::Id id)
{
    switch (id) {
    case JourneyStep::Id::Cluster:
        return u"cluster"_s;
    case JourneyStep::Id::Deploy:
        return u"deploy"_s;
    case JourneyStep::Id::LoadTest:
        return u"loadtest"_s;
    case JourneyStep::Id::Canary:
        return u"canary"_s;
    case JourneyStep::Id::Orders:
        return u"orders"_s;
    }
    return {};
}

} // namespace

JourneyStrip::JourneyStrip(JourneyModel *model, QWidget *parent)
    : QFrame(parent)
    , m_model(model)
{
    setObjectName(u"journeyStrip"_s);
    setAccessibleName(tr("Start here"));
    setFrameShape(QFrame::StyledPanel);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    auto *intro = new QLabel(tr("<b>Start here</b>"), this);
    intro->setToolTip(tr("The lab in five steps: each shows where it stands and the button that continues."));
    layout->addWidget(intro, 0, Qt::AlignTop);
    int number = 1;
    for (JourneyStep::Id id : JourneyModel::ids()) {
        Card card;
        card.frame = new QFrame(this);
        card.frame->setObjectName(u"journey_"_s + objectKey(id));
        card.frame->setFrameShape(QFrame::StyledPanel);
        auto *box = new QVBoxLayout(card.frame);
        box->setContentsMargins(8, 4, 8, 6);
        box->setSpacing(2);
        card.title = new QLabel(u"<b>%1. %2</b>"_s.arg(number++).arg(JourneyModel::title(id)), card.frame);
        card.state = new QLabel(card.frame);
        card.state->setObjectName(u"state"_s);
        card.figure = new QLabel(card.frame);
        card.figure->setObjectName(u"figure"_s);
        card.figure->setWordWrap(true);
        card.figure->setTextInteractionFlags(Qt::TextSelectableByMouse);
        // Two lines of figure: the card keeps its height whatever the text.
        card.figure->setMinimumHeight(2 * card.figure->fontMetrics().lineSpacing());
        card.figure->setAlignment(Qt::AlignTop | Qt::AlignLeft);
        card.button = new QPushButton(card.frame);
        card.button->setObjectName(u"continue_"_s + objectKey(id));
        connect(card.button, &QPushButton::clicked, this, [this, id] {
            const JourneyAction action = m_model->action(id);
            if (action != JourneyAction::None)
                Q_EMIT actionRequested(id, action);
        });
        auto *head = new QHBoxLayout;
        head->addWidget(card.title);
        head->addStretch();
        head->addWidget(card.state);
        box->addLayout(head);
        box->addWidget(card.figure, 1);
        box->addWidget(card.button, 0, Qt::AlignLeft);
        layout->addWidget(card.frame, 1);
        m_cards.insert(int(id), card);
    }
    connect(m_model, &JourneyModel::stepChanged, this, [this] { updateAll(); });
    connect(m_model, &JourneyModel::frontendUrlChanged, this, [this] { updateAll(); });
    updateAll();
}

QString JourneyStrip::stateText(JourneyStep::Id id) const
{
    return m_cards.value(int(id)).state->text();
}

QString JourneyStrip::figureText(JourneyStep::Id id) const
{
    return m_cards.value(int(id)).figure->text();
}

void JourneyStrip::updateAll()
{
    // A step's button depends on the steps before it, so all are redrawn together (five cards).
    for (JourneyStep::Id id : JourneyModel::ids())
        update(id);
}

void JourneyStrip::update(JourneyStep::Id id)
{
    const Card &card = m_cards.value(int(id));
    const JourneyStep &step = m_model->step(id);
    card.state->setText(u"<span style=\"color:%1\">\u25cf %2</span>"_s.arg(
        stateColor(step.state, palette()), JourneyModel::stateName(step.state).toHtmlEscaped()));
    QString figure = step.figure;
    if (!step.problem.isEmpty())
        figure += (figure.isEmpty() ? QString() : u": "_s) + step.problem;
    card.figure->setText(figure.isEmpty() ? u"\u2014"_s : figure);
    card.figure->setToolTip(figure);
    card.button->setText(JourneyModel::actionText(m_model->action(id)));
    card.button->setEnabled(m_model->canContinue(id));
    const bool next = m_model->nextStep() == id && step.state != JourneyStep::State::Done;
    card.button->setDefault(next);
    card.frame->setFrameShadow(next ? QFrame::Raised : QFrame::Plain);
    card.frame->setLineWidth(next ? 2 : 1);
}

} // namespace bc
