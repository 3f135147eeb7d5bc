#include "backend/deploy/workloads_model.h"

#include "backend/deploy/failure_reasons.h"
#include "backend/kube/kube_watch.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

// Contiguous runs of sorted, distinct rows: {3,4,5,9} -> {3,5},{9,9}.
QList<std::pair<int, int>> runs(QList<int> rows)
{
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    QList<std::pair<int, int>> out;
    for (int row : std::as_const(rows)) {
        if (!out.isEmpty() && out.last().second + 1 == row)
            out.last().second = row;
        else
            out.append({row, row});
    }
    return out;
}

} // namespace

WorkloadsModel::WorkloadsModel(Kind kind, QObject *parent)
    : QAbstractTableModel(parent)
    , m_kind(kind)
{ }

int WorkloadsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int WorkloadsModel::columnCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return m_kind == Kind::Pods ? int(PodColumnCount) : int(DeploymentColumnCount);
}

QString WorkloadsModel::formatAge(qint64 seconds)
{
    if (seconds < 0)
        seconds = 0;
    if (seconds < 120)
        return u"%1s"_s.arg(seconds);
    if (seconds < 3600)
        return u"%1m"_s.arg(seconds / 60);
    if (seconds < 86400) {
        const qint64 minutes = (seconds % 3600) / 60;
        return minutes ? u"%1h%2m"_s.arg(seconds / 3600).arg(minutes) : u"%1h"_s.arg(seconds / 3600);
    }
    return u"%1d"_s.arg(seconds / 86400);
}

QString WorkloadsModel::cell(const Row &row, int column) const
{
    const QDateTime now = m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc();
    if (m_kind == Kind::Pods) {
        const Pod &p = row.pod;
        switch (column) {
        case PodName: return row.name;
        case PodStatus: return p.displayStatus();
        case PodReady: return u"%1/%2"_s.arg(p.readyContainers()).arg(p.containers.size());
        case PodRestarts: return QString::number(p.restarts());
        case PodAge: return p.meta.created.isValid() ? formatAge(p.meta.created.secsTo(now)) : QString();
        case PodNode: return p.nodeName;
        default: return {};
        }
    }
    const Deployment &d = row.deployment;
    switch (column) {
    case DeploymentName: return row.name;
    case DeploymentReady: return u"%1/%2"_s.arg(d.readyReplicas).arg(d.desiredReplicas);
    case DeploymentUpToDate: return QString::number(d.updatedReplicas);
    case DeploymentAvailable: return QString::number(d.availableReplicas);
    case DeploymentAge:
        return d.meta.created.isValid() ? formatAge(d.meta.created.secsTo(now)) : QString();
    case DeploymentProblem: {
        const FailureReason r = m_reasons ? m_reasons->forDeployment(row.name) : FailureReason{};
        return r.isEmpty() ? QString() : u"%1: %2"_s.arg(r.reason, r.message);
    }
    default: return {};
    }
}

QVariant WorkloadsModel::sortKey(const Row &row, int column) const
{
    if (m_kind == Kind::Pods) {
        switch (column) {
        case PodRestarts: return row.pod.restarts();
        case PodAge: return -row.pod.meta.created.toSecsSinceEpoch();
        default: return cell(row, column);
        }
    }
    switch (column) {
    case DeploymentReady: return row.deployment.readyReplicas;
    case DeploymentUpToDate: return row.deployment.updatedReplicas;
    case DeploymentAvailable: return row.deployment.availableReplicas;
    case DeploymentAge: return -row.deployment.meta.created.toSecsSinceEpoch();
    default: return cell(row, column);
    }
}

QVariant WorkloadsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole: return cell(row, index.column());
    case NameRole: return row.name;
    case SortRole: return sortKey(row, index.column());
    case Qt::ToolTipRole:
        if (m_kind == Kind::Pods && index.column() == PodStatus && !row.pod.message.isEmpty())
            return row.pod.message;
        if (m_kind == Kind::Deployments) // the whole row of a failing deployment says why
            if (const QString problem = cell(row, DeploymentProblem); !problem.isEmpty())
                return problem;
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() != 0 && !(m_kind == Kind::Pods && index.column() == PodNode)
            && !(m_kind == Kind::Deployments && index.column() == DeploymentProblem)
            && !(m_kind == Kind::Pods && index.column() == PodStatus))
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default: return {};
    }
}

QVariant WorkloadsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const QStringList pods {u"Name"_s, u"Status"_s, u"Ready"_s, u"Restarts"_s, u"Age"_s, u"Node"_s};
    static const QStringList deployments {u"Name"_s, u"Ready"_s, u"Up to date"_s, u"Available"_s, u"Age"_s,
        u"Problem"_s};
    const QStringList &names = m_kind == Kind::Pods ? pods : deployments;
    return section >= 0 && section < names.size() ? QVariant(names.at(section)) : QVariant();
}

void WorkloadsModel::setFailureReasons(const FailureReasons *reasons)
{
    if (m_reasons)
        disconnect(m_reasons, nullptr, this, nullptr);
    m_reasons = reasons;
    if (!reasons)
        return;
    connect(reasons, &FailureReasons::changed, this, [this] {
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, DeploymentProblem), index(int(m_rows.size()) - 1, DeploymentProblem));
    });
}

void WorkloadsModel::applyEvents(const QList<WatchEvent> &events)
{
    QList<int> changed;
    QSet<int> deleted;
    QList<Row> added;
    QHash<QString, int> addedIndex; // name -> index in added
    QList<bool> addedLive;

    for (const WatchEvent &event : events) {
        if (event.type == WatchEvent::Type::Error)
            continue;
        Row row;
        if (m_kind == Kind::Pods) {
            row.pod = podFromJson(event.object);
            row.name = row.pod.meta.name;
        } else {
            row.deployment = deploymentFromJson(event.object);
            row.name = row.deployment.meta.name;
        }
        if (row.name.isEmpty())
            continue;
        m_stale.remove(row.name);
        const auto existing = m_index.constFind(row.name);
        const auto pending = addedIndex.constFind(row.name);
        if (event.type == WatchEvent::Type::Deleted) {
            if (existing != m_index.cend())
                deleted.insert(*existing);
            else if (pending != addedIndex.cend())
                addedLive[*pending] = false;
            continue;
        }
        if (existing != m_index.cend()) {
            deleted.remove(*existing);
            m_rows[*existing] = std::move(row);
            changed.append(*existing);
        } else if (pending != addedIndex.cend()) {
            added[*pending] = std::move(row);
            addedLive[*pending] = true;
        } else {
            addedIndex.insert(row.name, int(added.size()));
            added.append(std::move(row));
            addedLive.append(true);
        }
    }

    const int lastColumn = columnCount() - 1;
    QList<int> changedLive;
    changedLive.reserve(changed.size());
    for (int row : std::as_const(changed))
        if (!deleted.contains(row))
            changedLive.append(row);
    for (const auto &[first, last] : runs(changedLive))
        Q_EMIT dataChanged(index(first, 0), index(last, lastColumn));

    if (!deleted.isEmpty())
        removeRows(deleted.values());

    QList<Row> inserts;
    for (qsizetype i = 0; i < added.size(); ++i)
        if (addedLive.at(i))
            inserts.append(std::move(added[i]));
    if (!inserts.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(inserts.size()) - 1);
        m_rows.reserve(m_rows.size() + inserts.size());
        for (Row &row : inserts) {
            m_index.insert(row.name, int(m_rows.size()));
            m_rows.append(std::move(row));
        }
        endInsertRows();
    }
}

void WorkloadsModel::removeRows(QList<int> rows)
{
    const QList<std::pair<int, int>> ranges = runs(std::move(rows));
    // Last range first: the indices of the earlier ranges stay valid.
    for (auto it = ranges.crbegin(); it != ranges.crend(); ++it) {
        beginRemoveRows({}, it->first, it->second);
        for (int r = it->first; r <= it->second; ++r)
            m_index.remove(m_rows.at(r).name);
        m_rows.remove(it->first, it->second - it->first + 1);
        endRemoveRows();
    }
    if (!ranges.isEmpty())
        reindexFrom(ranges.first().first);
}

void WorkloadsModel::reindexFrom(int first)
{
    for (int r = first; r < m_rows.size(); ++r)
        m_index[m_rows.at(r).name] = r;
}

void WorkloadsModel::beginResync()
{
    m_stale.clear();
    for (const Row &row : std::as_const(m_rows))
        m_stale.insert(row.name);
}

void WorkloadsModel::sweepStale()
{
    QList<int> rows;
    for (const QString &name : std::as_const(m_stale)) {
        const int row = rowOf(name);
        if (row >= 0)
            rows.append(row);
    }
    m_stale.clear();
    if (!rows.isEmpty())
        removeRows(rows);
}

void WorkloadsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    m_stale.clear();
    endResetModel();
}

int WorkloadsModel::rowOf(const QString &name) const
{
    return m_index.value(name, -1);
}

QString WorkloadsModel::nameAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).name : QString();
}

const Pod *WorkloadsModel::pod(int row) const
{
    return m_kind == Kind::Pods && row >= 0 && row < m_rows.size() ? &m_rows.at(row).pod : nullptr;
}

const Deployment *WorkloadsModel::deployment(int row) const
{
    return m_kind == Kind::Deployments && row >= 0 && row < m_rows.size() ? &m_rows.at(row).deployment
                                                                          : nullptr;
}

QStringList WorkloadsModel::names() const
{
    QStringList out;
    out.reserve(m_rows.size());
    for (const Row &row : m_rows)
        out.append(row.name);
    return out;
}

} // namespace bc
