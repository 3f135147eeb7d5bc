#pragma once

#include "backend/core/result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace bc {

// Where a provisioned load generator is, read from `terraform output -json` of infra/loadgen (never
// typed by hand), plus the Locust settings the playbook used. Saved as hosts.json in the work folder
// so that later commands (load run, status, destroy) find the master.
struct LoadgenHosts
{
    QString bastionIp;
    QString masterIp;
    QStringList workerIps;
    QString sshUser;
    int sshPort = 22;
    int webPort = 8089; // the master's web UI port on its VM (ansible web_port)
    QString locustHome = QStringLiteral("/opt/locust"); // where the master writes its CSVs

    static Result<LoadgenHosts> fromTerraformOutput(const QByteArray &json);
    QByteArray toJson() const;
    static Result<LoadgenHosts> fromJson(const QByteArray &json);

    // The Ansible inventory: groups bastion, master, workers, loadgen; every host through sshConfig.
    QString inventory(const QString &sshConfigPath) const;
    // An ssh_config for ssh, scp and Ansible: "bastion" is checked against knownHosts (accept-new);
    // the master and workers are reached through it with ProxyJump.
    QString sshConfig(const QString &privateKeyPath, const QString &knownHostsPath) const;
    static QString workerName(int index) { return QStringLiteral("worker-%1").arg(index); }
};

} // namespace bc
