#pragma once

#include "backend/cluster/cluster_profile.h"
#include "backend/cluster/terraform_commands.h"
#include "backend/process/command.h"

#include <chrono>

namespace bc {

// Where a k3s profile's files live: the shipped Terraform/Ansible sources (infra/k3s) and the
// profile's own working copy (state, inventory, kubeconfig) under the app's data location.
struct K3sPaths
{
    QString infraDir; // .../infra/k3s (terraform/, ansible/playbook.yml)
    QString workDir; // per profile: k3s/terraform copy with its state, modules/, inventory.ini, kubeconfig

    QString terraformSourceDir() const { return infraDir + QStringLiteral("/terraform"); }
    QString playbook() const { return infraDir + QStringLiteral("/ansible/playbook.yml"); }
    QString terraformDir() const { return workDir + QStringLiteral("/k3s/terraform"); } // TerraformWorkCopy
    QString inventory() const { return workDir + QStringLiteral("/inventory.ini"); }
    QString kubeconfig() const { return workDir + QStringLiteral("/kubeconfig"); }
};

// The terraform and ansible-playbook command lines for one k3s-on-GCE profile.
class K3sCommandBuilder
{
public:
    static constexpr std::chrono::minutes kInitTimeout = TerraformCommands::kInitTimeout;
    static constexpr std::chrono::minutes kApplyTimeout {45};
    static constexpr std::chrono::minutes kPlaybookTimeout {45};

    K3sCommandBuilder(K3sSettings settings, K3sPaths paths)
        : m_settings(std::move(settings))
        , m_paths(std::move(paths))
    { }

    // Every terraform line starts with -chdir=<work dir>/terraform.
    Command init() const { return terraform().init(); }
    Command apply() const { return terraform().apply(); }
    Command output() const { return terraform().output(); } // captured
    Command playbook() const; // ansible-playbook -i INVENTORY playbook.yml -e ...
    Command destroy() const { return terraform().destroy(); }

    QStringList variables() const; // -var k=v pairs shared by apply and destroy
    QString region() const; // the profile's region, or the zone's
    QString privateKeyPath() const; // ssh public key path without ".pub"

private:
    TerraformCommands terraform() const;

    K3sSettings m_settings;
    K3sPaths m_paths;
};

} // namespace bc
