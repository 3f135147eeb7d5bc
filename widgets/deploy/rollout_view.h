#pragma once

#include "backend/deploy/rollout_tracker.h"

#include <QHash>
#include <QScrollArea>

class QGridLayout;
class QLabel;
class QProgressBar;

namespace bc {

// The Deploy panel's Rollout tab: one row per deployment of the running deploy (name, a bar of ready
// replicas, "n/m ready", its state or why it fails), kept in the order the deployments first appeared.
class RolloutView : public QScrollArea
{
    Q_OBJECT
public:
    explicit RolloutView(QWidget *parent = nullptr);

    // Updates the rows to `progress` (rows of deployments no longer in it go) and returns the share of
    // desired replicas that are ready, 0..1; negative when nothing is desired yet.
    double show(const QList<DeploymentProgress> &progress);

private:
    struct Row
    {
        QLabel *name = nullptr;
        QProgressBar *bar = nullptr;
        QLabel *count = nullptr;
        QLabel *state = nullptr;
    };

    QWidget *m_host;
    QGridLayout *m_grid;
    QLabel *m_empty;
    QHash<QString, Row> m_rows;
};

} // namespace bc
