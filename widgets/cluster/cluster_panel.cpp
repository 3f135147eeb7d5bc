#include "widgets/cluster/cluster_panel.h"

using namespace Qt::StringLiterals;

namespace bc {

ClusterPanel::ClusterPanel(QWidget *parent)
    : Panel(describe(), parent)
{ }

PanelInfo ClusterPanel::describe()
{
    return PanelInfo {
        .key = u"cluster"_s,
        .title = u"Cluster"_s,
        .icon = u"cluster"_s,
        .summary
        = u"Choose where Online Boutique runs: the local sandbox, a GKE cluster, or k3s on your own machines. Create, check and delete clusters from here."_s,
        .features = {u"Pick an environment: the local sandbox, a GKE cluster or k3s nodes"_s,
            u"Create a GKE cluster with gcloud, or k3s nodes with Terraform and Ansible, with live progress"_s,
            u"Show the nodes, their capacity and the kube context every command uses"_s,
            u"Delete a cluster, after you confirm it by name"_s},
        .needs = {u"kubectl"_s, u"For GKE: gcloud and a Google Cloud project you are logged in to"_s,
            u"For k3s: terraform, ansible-playbook and ssh access to the machines"_s,
            u"Nothing else for the local sandbox"_s},
    };
}

} // namespace bc
