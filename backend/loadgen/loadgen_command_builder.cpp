#include "backend/loadgen/loadgen_command_builder.h"

using namespace Qt::StringLiterals;

namespace bc {

QString LoadgenOptions::ansibleVar(const QString &name, const QString &fallback) const
{
    QString value = fallback;
    for (const QString &var : ansibleVars)
        if (var.startsWith(name + u'='))
            value = var.mid(name.size() + 1); // the last one wins, as with ansible-playbook -e
    return value;
}

LoadgenCommandBuilder::LoadgenCommandBuilder(
    LoadgenProfile profile, LoadgenPaths paths, LoadgenOptions options)
    : m_profile(std::move(profile))
    , m_paths(std::move(paths))
    , m_options(std::move(options))
{ }

QStringList LoadgenCommandBuilder::variables() const
{
    const QList<std::pair<QString, QString>> vars {
        {u"project"_s, m_profile.project},
        {u"region"_s, m_profile.region()},
        {u"zone"_s, m_profile.zone},
        {u"name_prefix"_s, m_profile.namePrefix},
        {u"worker_no"_s, QString::number(m_profile.workerNo)},
        {u"machine_type"_s, m_profile.machineType},
        {u"ssh_user"_s, m_profile.sshUser},
        {u"ssh_public_key_path"_s, m_profile.sshPublicKeyPath},
        {u"spot"_s, m_profile.spot ? u"true"_s : u"false"_s},
    };
    return TerraformCommands::variables(vars);
}

TerraformCommands LoadgenCommandBuilder::terraform() const
{
    return TerraformCommands({m_paths.terraformDir(), m_paths.workDir, kApplyTimeout, variables()});
}

Command LoadgenCommandBuilder::playbook(const QString &limit) const
{
    QStringList args {u"-i"_s, m_paths.inventory(), m_paths.playbook()};
    if (!m_options.targetHost.isEmpty())
        args << u"-e"_s << u"target_host=%1"_s.arg(m_options.targetHost);
    for (const QString &var : m_options.ansibleVars)
        args << u"-e"_s << var;
    if (!limit.isEmpty())
        args << u"--limit"_s << limit;
    Command c {.program = u"ansible-playbook"_s, .arguments = args, .workingDirectory = m_paths.workDir};
    c.timeout = kPlaybookTimeout;
    c.environment.insert(u"ANSIBLE_NOCOLOR"_s, u"1"_s);
    c.environment.insert(u"ANSIBLE_RETRY_FILES_ENABLED"_s, u"False"_s);
    c.environment.insert(u"ANSIBLE_PIPELINING"_s, u"True"_s);
    // Short-lived shared connections: fast between tasks, gone a few seconds after the playbook.
    c.environment.insert(u"ANSIBLE_SSH_ARGS"_s, u"-o ControlMaster=auto -o ControlPersist=5s"_s);
    return c;
}

Command LoadgenCommandBuilder::tunnel(const LoadgenHosts &hosts, quint16 localPort) const
{
    Command c {.program = u"ssh"_s,
        .arguments = {u"-F"_s, m_paths.sshConfig(), u"-N"_s, u"-o"_s, u"ExitOnForwardFailure=yes"_s, u"-L"_s,
            u"127.0.0.1:%1:%2:%3"_s.arg(localPort).arg(hosts.masterIp).arg(hosts.webPort), u"bastion"_s},
        .workingDirectory = m_paths.workDir};
    c.timeout = std::chrono::milliseconds(0); // runs until stopped
    return c;
}

Command LoadgenCommandBuilder::copyResults(const LoadgenHosts &hosts, const QString &targetDir) const
{
    Command c {.program = u"scp"_s,
        .arguments = {u"-F"_s, m_paths.sshConfig(), u"-q"_s,
            u"%1:%2/run_*.csv"_s.arg(hosts.masterIp, hosts.locustHome), targetDir},
        .workingDirectory = m_paths.workDir};
    c.timeout = std::chrono::minutes(2);
    return c;
}

} // namespace bc
