#include "backend/load/endpoint_stats_model.h"

using namespace Qt::StringLiterals;

namespace bc {

EndpointStatsModel::EndpointStatsModel(QObject *parent) : QAbstractTableModel(parent) {}

int EndpointStatsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EndpointStatsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EndpointStatsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Method:
        return tr("Method");
    case Name:
        return tr("Name");
    case Requests:
        return tr("Requests");
    case Failures:
        return tr("Failures");
    case MedianMs:
        return tr("Median (ms)");
    case AverageMs:
        return tr("Average (ms)");
    case P95Ms:
        return tr("p95 (ms)");
    case P99Ms:
        return tr("p99 (ms)");
    case MaxMs:
        return tr("Max (ms)");
    case CurrentRps:
        return tr("Req/s");
    case FailuresPerSecond:
        return tr("Failures/s");
    case ColumnCount:
        break;
    }
    return {};
}

QVariant EndpointStatsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EndpointStats &e = m_rows.at(index.row());
    const auto number = [&](int col) -> QVariant {
        switch (Column(col)) {
        case Requests:
            return e.numRequests;
        case Failures:
            return e.numFailures;
        case MedianMs:
            return e.medianMs;
        case AverageMs:
            return e.avgMs;
        case P95Ms:
            return e.p95Ms ? QVariant(*e.p95Ms) : QVariant();
        case P99Ms:
            return e.p99Ms;
        case MaxMs:
            return e.maxMs;
        case CurrentRps:
            return e.currentRps;
        case FailuresPerSecond:
            return e.currentFailPerSec;
        default:
            return {};
        }
    };
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case Method:
            return e.method;
        case Name:
            return e.name;
        case Requests:
        case Failures:
            return QString::number(number(index.column()).toLongLong());
        case AverageMs:
        case CurrentRps:
        case FailuresPerSecond:
            return QString::number(number(index.column()).toDouble(), 'f', 1);
        case P95Ms:
            return e.p95Ms ? QString::number(*e.p95Ms, 'f', 0) : u"–"_s;
        default:
            return QString::number(number(index.column()).toDouble(), 'f', 0);
        }
    case SortRole:
        if (index.column() == Method)
            return e.method;
        if (index.column() == Name)
            return e.name;
        return number(index.column());
    case Qt::TextAlignmentRole:
        return index.column() <= Name ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                      : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (index.column() == P95Ms && !e.p95Ms)
            return tr("Locust has not reported a 95th percentile for this row yet.");
        return {};
    default:
        return {};
    }
}

void EndpointStatsModel::update(const StatsSnapshot &snapshot)
{
    QList<EndpointStats> rows = snapshot.endpoints;
    rows.append(snapshot.total);
    bool sameKeys = rows.size() == m_rows.size();
    for (qsizetype i = 0; sameKeys && i < rows.size(); ++i)
        sameKeys = rows[i].method == m_rows[i].method && rows[i].name == m_rows[i].name;
    if (!sameKeys) {
        beginResetModel();
        m_rows = std::move(rows);
        m_hasTotal = true;
        endResetModel();
        return;
    }
    m_rows = std::move(rows);
    m_hasTotal = true;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, Requests), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

void EndpointStatsModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    m_hasTotal = false;
    endResetModel();
}

} // namespace bc
