#pragma once

#include "backend/load/version_stats.h"

#include <QGroupBox>

class QGridLayout;
class QLabel;

namespace bc {

// v1 and v2 of productcatalogservice side by side as the running load test sees them: requests,
// failures, median and p95 of the canary product's page; a note until the run reports a version.
class VersionStatsView : public QGroupBox
{
    Q_OBJECT
public:
    explicit VersionStatsView(QWidget *parent = nullptr);

    const QList<VersionFigures> &figures() const { return m_figures; }
    QString cellText(int row, int column) const; // row 0 = header; for tests

public Q_SLOTS:
    void showSnapshot(const bc::StatsSnapshot &snapshot);
    void clear();

private:
    QGridLayout *m_grid;
    QList<QList<QLabel *>> m_cells; // [row][column], row 0 the header
    QList<VersionFigures> m_figures;
    QLabel *m_empty = nullptr;
};

} // namespace bc
