#include "backend/metrics/pod_top_model.h"

using namespace Qt::StringLiterals;

namespace bc {

PodTopModel::PodTopModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void PodTopModel::setRows(const QList<PodUsage> &rows)
{
    bool samePods = rows.size() == m_rows.size();
    for (qsizetype i = 0; samePods && i < rows.size(); ++i)
        samePods = rows.at(i).pod == m_rows.at(i).pod;
    if (samePods) {
        m_rows = rows;
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

int PodTopModel::rowOf(const QString &pod) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).pod == pod)
            return int(i);
    return -1;
}

int PodTopModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PodTopModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PodTopModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const PodUsage &r = m_rows.at(index.row());
    if (role == FlaggedRole)
        return !r.flags.isEmpty();
    if (role == Qt::ToolTipRole && index.column() == Flags)
        return r.flags.isEmpty() ? QVariant() : QVariant(BottleneckFlags::summary(r.flags));
    const auto shareSort = [](const std::optional<double> &s) { return s ? *s : -1.0; };
    if (role == SortRole) {
        switch (index.column()) {
        case Cpu:
            return r.hasMetrics ? r.cpuMillicores : -1.0;
        case CpuOfRequest:
            return shareSort(r.cpuOfRequest());
        case CpuOfLimit:
            return shareSort(r.cpuOfLimit());
        case Memory:
            return r.hasMetrics ? r.memoryBytes : -1.0;
        case MemoryOfRequest:
            return shareSort(r.memoryOfRequest());
        case MemoryOfLimit:
            return shareSort(r.memoryOfLimit());
        case Restarts:
            return r.restarts;
        case Flags:
            return int(r.flags.size());
        default:
            break;
        }
        role = Qt::DisplayRole;
    }
    if (role == Qt::TextAlignmentRole)
        return index.column() >= Cpu && index.column() <= Restarts ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                                                   : QVariant();
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Pod:
        return r.pod;
    case Deployment:
        return r.deployment;
    case Status:
        return r.status;
    case Cpu:
        return r.hasMetrics ? formatMillicores(r.cpuMillicores) : u"-"_s;
    case CpuOfRequest:
        return formatShare(r.cpuOfRequest());
    case CpuOfLimit:
        return formatShare(r.cpuOfLimit());
    case Memory:
        return r.hasMetrics ? formatBytes(r.memoryBytes) : u"-"_s;
    case MemoryOfRequest:
        return formatShare(r.memoryOfRequest());
    case MemoryOfLimit:
        return formatShare(r.memoryOfLimit());
    case Restarts:
        return r.restarts;
    case Flags:
        return BottleneckFlags::summary(r.flags);
    default:
        return {};
    }
}

QVariant PodTopModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const QStringList names = {u"Pod"_s, u"Deployment"_s, u"Status"_s, u"CPU"_s, u"CPU % req"_s,
                                      u"CPU % limit"_s, u"Memory"_s, u"Mem % req"_s, u"Mem % limit"_s,
                                      u"Restarts"_s, u"Flags"_s};
    return names.value(section);
}

} // namespace bc
