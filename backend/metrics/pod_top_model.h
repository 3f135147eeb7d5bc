#pragma once

#include "backend/metrics/pod_usage.h"

#include <QAbstractTableModel>

namespace bc {

// The Pods panel's "top" table. Qt::DisplayRole is text; SortRole is the number to sort by (a share
// without a limit sorts as -1); FlaggedRole is true for a row with at least one flag.
class PodTopModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Pod, Deployment, Status, Cpu, CpuOfRequest, CpuOfLimit, Memory, MemoryOfRequest, MemoryOfLimit,
                  Restarts, Flags, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, FlaggedRole };

    explicit PodTopModel(QObject *parent = nullptr);

    void setRows(const QList<PodUsage> &rows); // keeps rows in place when the same pods come back
    const QList<PodUsage> &rows() const { return m_rows; }
    int rowOf(const QString &pod) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<PodUsage> m_rows;
};

} // namespace bc
