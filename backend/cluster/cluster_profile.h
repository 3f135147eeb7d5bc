#pragma once

#include <QString>

#include <optional>

namespace bc {

// Where Online Boutique runs. A profile is one environment the user can create, connect to or delete;
// several are kept side by side (ProfileStore).
enum class ClusterKind { Gke, K3s, Sandbox, ExistingContext };

QString clusterKindName(ClusterKind kind); // "gke", "k3s", "sandbox", "context"
std::optional<ClusterKind> clusterKindFromName(const QString &name);

// A GKE Standard cluster (never Autopilot), created with gcloud.
struct GkeSettings
{
    QString project;
    QString zone; // exactly one of zone and region is set
    QString region;
    QString clusterName;
    QString machineType = QStringLiteral("e2-standard-2");
    int nodeCount = 3;
    QString clusterVersion = {}; // empty: GKE's default
    // On by default: the replica-ratio canary only balanced across deployments with the addon.
    bool networkPolicy = true;
    bool operator==(const GkeSettings &) const = default;
};

// Self-managed k3s on GCE VMs: Terraform for the machines, Ansible for k3s.
struct K3sSettings
{
    QString project;
    QString region;
    QString zone;
    QString clusterName = QStringLiteral("k3s"); // prefix of every GCE resource
    int masters = 1;
    int workers = 2;
    QString machineType = QStringLiteral("e2-standard-2");
    QString sshUser = QStringLiteral("ansible");
    QString sshPublicKeyPath; // the private key is the same path without ".pub"
    bool spot = true;
    bool operator==(const K3sSettings &) const = default;
};

struct ClusterProfile
{
    QString name; // the profile's own name, unique in the store
    ClusterKind kind = ClusterKind::Gke;
    GkeSettings gke = {};
    K3sSettings k3s = {};
    QString context = {}; // ExistingContext: the kubeconfig context; others: the context once created
    QString kubeconfig = {}; // empty: KUBECONFIG, else ~/.kube/config
    bool operator==(const ClusterProfile &) const = default;
};

} // namespace bc
