#include "backend/cluster/cluster_profile.h"

using namespace Qt::StringLiterals;

namespace bc {

QString clusterKindName(ClusterKind kind)
{
    switch (kind) {
    case ClusterKind::Gke:
        return u"gke"_s;
    case ClusterKind::K3s:
        return u"k3s"_s;
    case ClusterKind::Sandbox:
        return u"sandbox"_s;
    case ClusterKind::ExistingContext:
        return u"context"_s;
    }
    return {};
}

std::optional<ClusterKind> clusterKindFromName(const QString &name)
{
    for (ClusterKind k :
        {ClusterKind::Gke, ClusterKind::K3s, ClusterKind::Sandbox, ClusterKind::ExistingContext}) {
        if (clusterKindName(k) == name)
            return k;
    }
    return std::nullopt;
}

} // namespace bc
