#pragma once

#include "backend/cluster/cluster_profile.h"
#include "backend/core/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace bc {

// The user's environments, as one YAML file (clusters.yaml in the app's config location) holding
// several profiles. Every write replaces the file atomically; only valid profiles are stored.
class ProfileStore
{
public:
    explicit ProfileStore(QString filePath = defaultPath());

    static QString defaultPath();
    const QString &filePath() const { return m_filePath; }

    Result<QList<ClusterProfile>> load() const; // no file yet: an empty list
    Status save(const QList<ClusterProfile> &profiles) const;
    Result<ClusterProfile> find(const QString &name) const;
    Status upsert(const ClusterProfile &profile); // validates first; replaces a profile of the same name
    Status remove(const QString &name);

    static QByteArray toYaml(const QList<ClusterProfile> &profiles);
    static Result<QList<ClusterProfile>> fromYaml(const QByteArray &yaml);

private:
    QString m_filePath;
};

} // namespace bc
