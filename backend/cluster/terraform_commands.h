#pragma once

#include "backend/process/command.h"

#include <QList>
#include <QStringList>

#include <chrono>
#include <utility>

namespace bc {

// The terraform command lines of one of the lab's configurations (infra/k3s, infra/loadgen), run in its
// working copy. Every line starts with -chdir=<copy>, so a printed (dry-run) line works when pasted; no
// prompts, no version check over the network, and -json progress from apply and destroy.
class TerraformCommands
{
public:
    static constexpr std::chrono::minutes kInitTimeout {10};

    struct Config
    {
        QString terraformDir; // the working copy of the configuration (-chdir)
        QString workingDirectory;
        std::chrono::milliseconds applyTimeout;
        QStringList variables; // -var name=value pairs shared by apply and destroy
    };

    explicit TerraformCommands(Config config) : m_config(std::move(config)) { }

    Command init() const; // terraform -chdir=... init -input=false -no-color
    Command apply() const; // terraform -chdir=... apply -auto-approve -json -input=false -var ...
    Command output() const; // terraform -chdir=... output -json (captured)
    Command destroy() const; // terraform -chdir=... destroy -auto-approve -json -input=false -var ...

    static QStringList variables(const QList<std::pair<QString, QString>> &nameValues); // -var name=value each

private:
    Command terraform(QStringList arguments, std::chrono::milliseconds timeout) const;

    Config m_config;
};

} // namespace bc
