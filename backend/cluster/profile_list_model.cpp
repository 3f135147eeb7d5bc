#include "backend/cluster/profile_list_model.h"

using namespace Qt::StringLiterals;

namespace bc {

ProfileListModel::ProfileListModel(ProfileStore store, QObject *parent)
    : QAbstractListModel(parent)
    , m_store(std::move(store))
{ }

int ProfileListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_profiles.size());
}

QVariant ProfileListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ClusterProfile &p = m_profiles.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case ProfileNameRole:
        return p.name;
    case Qt::ToolTipRole:
    case SummaryRole:
        return summary(p);
    case KindRole:
        return clusterKindName(p.kind);
    default:
        return {};
    }
}

QHash<int, QByteArray> ProfileListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(KindRole, "kind");
    names.insert(SummaryRole, "summary");
    names.insert(ProfileNameRole, "profileName");
    return names;
}

Status ProfileListModel::reload()
{
    auto loaded = m_store.load();
    if (!loaded)
        return loaded.error();
    beginResetModel();
    m_profiles = loaded.value();
    endResetModel();
    return ok();
}

Status ProfileListModel::upsert(const ClusterProfile &profile)
{
    if (Status s = m_store.upsert(profile); !s)
        return s;
    const int row = rowOf(profile.name);
    if (row >= 0) {
        m_profiles[row] = profile;
        Q_EMIT dataChanged(index(row), index(row));
    } else {
        const int at = int(m_profiles.size());
        beginInsertRows({}, at, at);
        m_profiles.append(profile);
        endInsertRows();
    }
    return ok();
}

Status ProfileListModel::remove(const QString &name)
{
    if (Status s = m_store.remove(name); !s)
        return s;
    const int row = rowOf(name);
    if (row >= 0) {
        beginRemoveRows({}, row, row);
        m_profiles.removeAt(row);
        endRemoveRows();
    }
    return ok();
}

const ClusterProfile *ProfileListModel::profile(int row) const
{
    return row >= 0 && row < m_profiles.size() ? &m_profiles[row] : nullptr;
}

int ProfileListModel::rowOf(const QString &name) const
{
    for (qsizetype i = 0; i < m_profiles.size(); ++i) {
        if (m_profiles[i].name == name)
            return int(i);
    }
    return -1;
}

QString ProfileListModel::summary(const ClusterProfile &p)
{
    switch (p.kind) {
    case ClusterKind::Gke:
        return u"GKE %1 in %2: %3 x %4%5"_s
            .arg(p.gke.clusterName, p.gke.zone.isEmpty() ? p.gke.region : p.gke.zone)
            .arg(p.gke.nodeCount)
            .arg(p.gke.machineType, p.gke.networkPolicy ? u", network policy"_s : QString());
    case ClusterKind::K3s:
        return u"k3s %1 in %2: %3 masters + %4 workers x %5%6"_s.arg(p.k3s.clusterName, p.k3s.zone)
            .arg(p.k3s.masters)
            .arg(p.k3s.workers)
            .arg(p.k3s.machineType, p.k3s.spot ? u" (Spot)"_s : QString());
    case ClusterKind::Sandbox:
        return u"Local sandbox"_s;
    case ClusterKind::ExistingContext:
        return u"kubeconfig context %1"_s.arg(p.context);
    }
    return {};
}

} // namespace bc
