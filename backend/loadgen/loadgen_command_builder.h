#pragma once

#include "backend/loadgen/loadgen_hosts.h"
#include "backend/loadgen/loadgen_profile.h"
#include "backend/cluster/terraform_commands.h"
#include "backend/process/command.h"

#include <QStringList>

#include <chrono>

namespace bc {

// The shipped infra/loadgen and one generator's own working folder (state, inventory, ssh_config).
struct LoadgenPaths
{
    QString infraDir; // .../infra/loadgen (terraform/, ansible/site.yml, prices.json)
    QString workDir; // loadgen/terraform copy with its state, modules/, inventory.ini, ssh_config, hosts.json

    QString terraformDir() const { return workDir + QStringLiteral("/loadgen/terraform"); }
    QString stateFile() const { return terraformDir() + QStringLiteral("/terraform.tfstate"); }
    QString playbook() const { return infraDir + QStringLiteral("/ansible/site.yml"); }
    QString prices() const { return infraDir + QStringLiteral("/prices.json"); }
    QString inventory() const { return workDir + QStringLiteral("/inventory.ini"); }
    QString sshConfig() const { return workDir + QStringLiteral("/ssh_config"); }
    QString knownHosts() const { return workDir + QStringLiteral("/known_hosts"); }
    QString hostsFile() const { return workDir + QStringLiteral("/hosts.json"); }
};

// What the playbook gets besides the profile: the shop to load and extra Ansible variables
// (-e name=value: locust_install, processes_per_worker, web_port, ...).
struct LoadgenOptions
{
    QString targetHost; // the cluster's frontend-external address, http://IP
    QStringList ansibleVars;

    QString ansibleVar(const QString &name, const QString &fallback) const;
};

// The terraform, ansible-playbook, ssh and scp command lines of one GCE load generator.
class LoadgenCommandBuilder
{
public:
    static constexpr std::chrono::minutes kInitTimeout = TerraformCommands::kInitTimeout;
    static constexpr std::chrono::minutes kApplyTimeout {30};
    static constexpr std::chrono::minutes kPlaybookTimeout {30};

    LoadgenCommandBuilder(LoadgenProfile profile, LoadgenPaths paths, LoadgenOptions options = {});

    Command init() const { return terraform().init(); }
    Command apply() const { return terraform().apply(); }
    Command output() const { return terraform().output(); } // captured
    Command destroy() const { return terraform().destroy(); }
    // ansible-playbook -i inventory.ini site.yml -e target_host=... [--limit LIMIT]
    Command playbook(const QString &limit = {}) const;
    // ssh -F ssh_config -N -L 127.0.0.1:LOCAL:MASTER:WEB bastion: the master's web UI on loopback.
    Command tunnel(const LoadgenHosts &hosts, quint16 localPort) const;
    // scp -F ssh_config MASTER:LOCUST_HOME/run_*.csv DIR: the master's own CSVs.
    Command copyResults(const LoadgenHosts &hosts, const QString &targetDir) const;

    QStringList variables() const;
    const LoadgenPaths &paths() const { return m_paths; }

private:
    TerraformCommands terraform() const;

    LoadgenProfile m_profile;
    LoadgenPaths m_paths;
    LoadgenOptions m_options;
};

} // namespace bc
