#pragma once

#include "backend/core/result.h"

#include <QString>

namespace bc {

// A profile's own copy of a shipped Terraform configuration, so that its state and lock file live with
// the profile: INFRA/NAME/terraform (with its sub-modules) goes to WORK/NAME/terraform and the shared
// INFRA/modules to WORK/modules, keeping the configuration's relative module paths valid. Files of a
// previous copy are replaced; state, lock file and .terraform stay.
class TerraformWorkCopy
{
public:
    // infraDir: .../infra/k3s or .../infra/loadgen; NAME is its last path component.
    static Status refresh(const QString &infraDir, const QString &workDir);
    static QString terraformDir(const QString &workDir, const QString &name);

private:
    static Status copyTree(const QString &from, const QString &to);
};

} // namespace bc
