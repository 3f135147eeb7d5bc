#pragma once

#include "backend/load/locust_stats.h"

#include <QAbstractTableModel>
#include <QList>

namespace bc {

// The per-endpoint table of the load panel: one row per (method, name) as Locust sorts them, the
// Aggregated row last. update() changes values in place (dataChanged) while the set of endpoints
// stays the same, so a view keeps its selection and scroll position; a new endpoint resets.
class EndpointStatsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Method,
        Name,
        Requests,
        Failures,
        MedianMs,
        AverageMs,
        P95Ms,
        P99Ms,
        MaxMs,
        CurrentRps,
        FailuresPerSecond,
        ColumnCount
    };
    Q_ENUM(Column)

    static constexpr int SortRole = Qt::UserRole + 1; // numbers as numbers, for a QSortFilterProxyModel

    explicit EndpointStatsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const EndpointStats &row(int r) const { return m_rows.at(r); }
    bool isAggregatedRow(int r) const { return r == int(m_rows.size()) - 1 && m_hasTotal; }

public Q_SLOTS:
    void update(const bc::StatsSnapshot &snapshot);
    void clear();

private:
    QList<EndpointStats> m_rows;
    bool m_hasTotal = false;
};

} // namespace bc
