#pragma once

#include "backend/journey/journey_model.h"

#include <QFrame>
#include <QHash>

class QLabel;
class QPushButton;

namespace bc {

// "Start here": the lab's five steps in a row above the panels, each with its state, its key figure
// and the one button that continues. It shows a JourneyModel and asks for actions; it does no work.
class JourneyStrip : public QFrame
{
    Q_OBJECT
public:
    explicit JourneyStrip(JourneyModel *model, QWidget *parent = nullptr);

    QPushButton *button(JourneyStep::Id id) const { return m_cards.value(int(id)).button; }
    QString stateText(JourneyStep::Id id) const;
    QString figureText(JourneyStep::Id id) const;

Q_SIGNALS:
    void actionRequested(bc::JourneyStep::Id id, bc::JourneyAction action);

private:
    void update(JourneyStep::Id id);
    void updateAll();

    struct Card
    {
        QFrame *frame = nullptr;
        QLabel *title = nullptr;
        QLabel *state = nullptr;
        QLabel *figure = nullptr;
        QPushButton *button = nullptr;
    };
    JourneyModel *m_model;
    QHash<int, Card> m_cards;
};

} // namespace bc
