#include "backend/cluster/profile_validator.h"

#include <QFileInfo>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

bool fullMatch(const QString &pattern, const QString &value)
{
    const QRegularExpression re(QRegularExpression::anchoredPattern(pattern));
    return re.match(value).hasMatch();
}

FieldProblem problem(const QString &field, const QString &message)
{
    return FieldProblem {field, u"%1: %2"_s.arg(field, message)};
}

std::optional<FieldProblem> checkLocation(const QString &zone, const QString &region)
{
    if (zone.isEmpty() && region.isEmpty())
        return problem(u"zone"_s, u"set a zone (like us-central1-b) or a region (like us-central1)"_s);
    if (!zone.isEmpty() && !region.isEmpty())
        return problem(u"region"_s, u"set either a zone or a region, not both"_s);
    return zone.isEmpty() ? ProfileValidator::checkRegion(region) : ProfileValidator::checkZone(zone);
}

} // namespace

std::optional<FieldProblem> ProfileValidator::checkProfileName(const QString &name)
{
    if (name.isEmpty())
        return problem(u"name"_s, u"the profile needs a name"_s);
    if (!fullMatch(u"[A-Za-z0-9][A-Za-z0-9._-]{0,62}"_s, name))
        return problem(u"name"_s,
            u"profile name '%1' must be 1-63 letters, digits, '.', '_' or '-', starting "
            u"with a letter or digit"_s.arg(name));
    return std::nullopt;
}

std::optional<FieldProblem> ProfileValidator::checkProjectId(const QString &project)
{
    if (project.isEmpty())
        return problem(u"project"_s, u"a GCP project id is required"_s);
    if (project.size() < 6 || project.size() > 30)
        return problem(u"project"_s, u"project id '%1' must be 6 to 30 characters long"_s.arg(project));
    if (project.front() < u'a' || project.front() > u'z')
        return problem(u"project"_s, u"project id '%1' must start with a lowercase letter"_s.arg(project));
    if (!fullMatch(u"[a-z0-9-]+"_s, project))
        return problem(u"project"_s,
            u"project id '%1' may contain only lowercase letters, digits and hyphens"_s.arg(project));
    if (project.endsWith(u'-'))
        return problem(u"project"_s, u"project id '%1' must not end with a hyphen"_s.arg(project));
    return std::nullopt;
}

std::optional<FieldProblem> ProfileValidator::checkZone(const QString &zone)
{
    if (!fullMatch(u"[a-z]+-[a-z]+[0-9]+-[a-z]"_s, zone))
        return problem(u"zone"_s, u"'%1' is not a GCP zone (like us-central1-b)"_s.arg(zone));
    return std::nullopt;
}

std::optional<FieldProblem> ProfileValidator::checkRegion(const QString &region)
{
    if (!fullMatch(u"[a-z]+-[a-z]+[0-9]+"_s, region))
        return problem(u"region"_s, u"'%1' is not a GCP region (like us-central1)"_s.arg(region));
    return std::nullopt;
}

std::optional<FieldProblem> ProfileValidator::checkClusterName(const QString &name)
{
    if (name.isEmpty())
        return problem(u"cluster_name"_s, u"a cluster name is required"_s);
    if (name.size() > kMaxClusterNameLength)
        return problem(u"cluster_name"_s,
            u"cluster name '%1' is longer than %2 characters"_s.arg(name).arg(kMaxClusterNameLength));
    if (!fullMatch(u"[a-z]([a-z0-9-]*[a-z0-9])?"_s, name))
        return problem(u"cluster_name"_s,
            u"cluster name '%1' must start with a lowercase letter and contain only "
            u"lowercase letters, digits and hyphens (not at the end)"_s.arg(name));
    return std::nullopt;
}

std::optional<FieldProblem> ProfileValidator::checkMachineType(const QString &machineType)
{
    // e2-standard-2, n2-highmem-4, f1-micro, custom-4-5120, n2-custom-2-4096-ext
    if (!fullMatch(u"[a-z][a-z0-9]*(-[a-z0-9]+)+"_s, machineType))
        return problem(
            u"machine_type"_s, u"'%1' is not a GCE machine type (like e2-standard-2)"_s.arg(machineType));
    return std::nullopt;
}

std::optional<FieldProblem> ProfileValidator::checkNodeCount(int nodes)
{
    if (nodes < kMinNodes || nodes > kMaxNodes)
        return problem(
            u"node_count"_s, u"node count %1 is outside %2..%3"_s.arg(nodes).arg(kMinNodes).arg(kMaxNodes));
    return std::nullopt;
}

std::optional<FieldProblem> ProfileValidator::checkClusterVersion(const QString &version)
{
    if (version.isEmpty() || version == u"latest")
        return std::nullopt;
    if (!fullMatch(u"[0-9]+\\.[0-9]+(\\.[0-9]+(-gke\\.[0-9]+)?)?"_s, version))
        return problem(u"cluster_version"_s,
            u"'%1' is not a GKE version (like 1.32, 1.32.2-gke.1182003 or latest)"_s.arg(version));
    return std::nullopt;
}

std::optional<FieldProblem> ProfileValidator::checkGke(const GkeSettings &gke)
{
    if (auto p = checkProjectId(gke.project))
        return p;
    if (auto p = checkLocation(gke.zone, gke.region))
        return p;
    if (auto p = checkClusterName(gke.clusterName))
        return p;
    if (auto p = checkMachineType(gke.machineType))
        return p;
    if (auto p = checkNodeCount(gke.nodeCount))
        return p;
    return checkClusterVersion(gke.clusterVersion);
}

std::optional<FieldProblem> ProfileValidator::checkK3s(const K3sSettings &k3s)
{
    if (auto p = checkProjectId(k3s.project))
        return p;
    // Terraform's provider takes both: the region for the subnet and the router, the zone for the VMs.
    if (k3s.zone.isEmpty())
        return problem(u"zone"_s, u"a zone (like europe-west6-a) is required for the VMs"_s);
    if (auto p = checkZone(k3s.zone))
        return p;
    if (!k3s.region.isEmpty()) {
        if (auto p = checkRegion(k3s.region))
            return p;
        if (!k3s.zone.startsWith(k3s.region + u'-'))
            return problem(u"zone"_s, u"zone '%1' is not in region '%2'"_s.arg(k3s.zone, k3s.region));
    }
    if (auto p = checkClusterName(k3s.clusterName))
        return p;
    if (k3s.masters < 1 || k3s.masters > kMaxMasters)
        return problem(
            u"masters"_s, u"masters count %1 is outside 1..%2"_s.arg(k3s.masters).arg(kMaxMasters));
    if (k3s.workers < 0 || k3s.workers > kMaxNodes)
        return problem(u"workers"_s, u"workers count %1 is outside 0..%2"_s.arg(k3s.workers).arg(kMaxNodes));
    if (auto p = checkMachineType(k3s.machineType))
        return p;
    if (!fullMatch(u"[a-z_][a-z0-9_-]{0,31}"_s, k3s.sshUser))
        return problem(u"ssh_user"_s,
            u"'%1' is not a valid Linux user name (lowercase, at most 32 characters)"_s.arg(k3s.sshUser));
    if (k3s.sshPublicKeyPath.isEmpty())
        return problem(u"ssh_public_key"_s, u"the path of an SSH public key (.pub) is required"_s);
    if (!k3s.sshPublicKeyPath.endsWith(u".pub"))
        return problem(u"ssh_public_key"_s,
            u"'%1' must be a public key file ending in .pub (the private key is the "
            u"same path without .pub)"_s.arg(k3s.sshPublicKeyPath));
    if (!QFileInfo(k3s.sshPublicKeyPath).isReadable())
        return problem(
            u"ssh_public_key"_s, u"'%1' does not exist or is not readable"_s.arg(k3s.sshPublicKeyPath));
    return std::nullopt;
}

std::optional<FieldProblem> ProfileValidator::check(const ClusterProfile &profile)
{
    if (auto p = checkProfileName(profile.name))
        return p;
    if (!profile.kubeconfig.isEmpty() && profile.kind == ClusterKind::ExistingContext
        && !QFileInfo(profile.kubeconfig).isReadable())
        return problem(u"kubeconfig"_s, u"'%1' does not exist or is not readable"_s.arg(profile.kubeconfig));
    switch (profile.kind) {
    case ClusterKind::Gke:
        return checkGke(profile.gke);
    case ClusterKind::K3s:
        return checkK3s(profile.k3s);
    case ClusterKind::Sandbox:
        return std::nullopt;
    case ClusterKind::ExistingContext:
        if (profile.context.isEmpty())
            return problem(u"context"_s, u"choose a context from your kubeconfig"_s);
        return std::nullopt;
    }
    return std::nullopt;
}

Status ProfileValidator::validate(const ClusterProfile &profile)
{
    if (const auto p = check(profile))
        return Error {Error::Kind::Invalid, p->message};
    return ok();
}

} // namespace bc
