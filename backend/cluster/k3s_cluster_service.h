#pragma once

#include "backend/cluster/cluster_profile.h"
#include "backend/cluster/cluster_service.h"
#include "backend/cluster/k3s_command_builder.h"
#include "backend/core/result.h"

namespace bc {

class RunContext;

// "Deploy your own Kubernetes infrastructure": k3s on GCE VMs. create = terraform init, terraform apply
// (its -json lines drive the progress bar), terraform output (written as the Ansible inventory),
// ansible-playbook (installs k3s, fetches the kubeconfig); destroy = terraform init, terraform destroy.
class K3sClusterService : public ClusterService
{
    Q_OBJECT
public:
    explicit K3sClusterService(RunContext *context, QObject *parent = nullptr);

    // infra/k3s: $BC_INFRA_DIR/k3s, else the nearest infra/k3s above the executable, else the installed
    // share/boutique-control/infra/k3s. Empty when none is found.
    static QString locateInfraDir();
    // The working copy of one profile, under the app's data location.
    static QString workDirFor(const QString &profileName);
    static K3sPaths defaultPaths(const QString &profileName);

    Status create(const K3sSettings &settings, const K3sPaths &paths);
    Status destroy(const K3sSettings &settings, const K3sPaths &paths);

    // With defaultPaths(profile.name); Credentials is Invalid (create fetches the kubeconfig).
    Status run(Operation operation, const ClusterProfile &profile) override;
    KubeTarget readyTarget(const ClusterProfile &profile) const override; // the fetched kubeconfig

private:
    Status check(const K3sSettings &settings, const K3sPaths &paths) const;
    Status prepareWorkDir(const K3sPaths &paths) const;

    RunContext *m_context;
};

} // namespace bc
