#pragma once

#include "backend/cluster/cluster_profile.h"
#include "backend/cluster/profile_store.h"
#include "backend/core/result.h"

#include <QAbstractListModel>
#include <QList>

namespace bc {

// The saved environments as a list for the cluster panel: one row per profile, the name as display text,
// a one-line summary as tool tip. Edits go through the store (validated, written at once).
class ProfileListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { KindRole = Qt::UserRole + 1, SummaryRole, ProfileNameRole };

    explicit ProfileListModel(ProfileStore store = ProfileStore(), QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    Status reload();
    Status upsert(const ClusterProfile &profile);
    Status remove(const QString &name);
    const ClusterProfile *profile(int row) const;
    int rowOf(const QString &name) const; // -1 when absent

    static QString summary(
        const ClusterProfile &profile); // "GKE boutique in us-central1-b: 3 x e2-standard-2"

private:
    ProfileStore m_store;
    QList<ClusterProfile> m_profiles;
};

} // namespace bc
