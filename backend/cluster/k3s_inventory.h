#pragma once

#include "backend/core/result.h"

#include <QByteArray>
#include <QString>

namespace bc {

// Turns `terraform output -json` of infra/k3s/terraform into the Ansible inventory that
// infra/k3s/ansible/playbook.yml expects (first_master, joined_masters, masters, workers).
class K3sInventory
{
public:
    static Result<QString> fromTerraformOutput(
        const QByteArray &outputJson, const QString &sshUser, const QString &privateKeyPath);
};

} // namespace bc
