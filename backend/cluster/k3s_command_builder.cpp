#include "backend/cluster/k3s_command_builder.h"

using namespace Qt::StringLiterals;

namespace bc {

QString K3sCommandBuilder::region() const
{
    if (!m_settings.region.isEmpty())
        return m_settings.region;
    return m_settings.zone.section(u'-', 0, 1);
}

QString K3sCommandBuilder::privateKeyPath() const
{
    QString path = m_settings.sshPublicKeyPath;
    if (path.endsWith(u".pub"))
        path.chop(4);
    return path;
}

QStringList K3sCommandBuilder::variables() const
{
    const QList<std::pair<QString, QString>> vars {
        {u"project"_s, m_settings.project},
        {u"region"_s, region()},
        {u"zone"_s, m_settings.zone},
        {u"cluster_name"_s, m_settings.clusterName},
        {u"masters"_s, QString::number(m_settings.masters)},
        {u"workers"_s, QString::number(m_settings.workers)},
        {u"machine_type"_s, m_settings.machineType},
        {u"ssh_user"_s, m_settings.sshUser},
        {u"ssh_public_key_path"_s, m_settings.sshPublicKeyPath},
        {u"spot"_s, m_settings.spot ? u"true"_s : u"false"_s},
    };
    return TerraformCommands::variables(vars);
}

TerraformCommands K3sCommandBuilder::terraform() const
{
    return TerraformCommands({m_paths.terraformDir(), m_paths.terraformDir(), kApplyTimeout, variables()});
}

Command K3sCommandBuilder::playbook() const
{
    Command c {.program = u"ansible-playbook"_s,
        .arguments = {u"-i"_s, m_paths.inventory(), m_paths.playbook(), u"-e"_s,
            u"kubeconfig_dest=%1"_s.arg(m_paths.kubeconfig()), u"-e"_s,
            u"cluster_name=%1"_s.arg(m_settings.clusterName)},
        .workingDirectory = m_paths.workDir};
    c.timeout = kPlaybookTimeout;
    // Fresh VMs have unknown host keys; the addresses come from our own terraform state.
    c.environment.insert(u"ANSIBLE_HOST_KEY_CHECKING"_s, u"False"_s);
    c.environment.insert(u"ANSIBLE_NOCOLOR"_s, u"1"_s);
    c.environment.insert(u"ANSIBLE_RETRY_FILES_ENABLED"_s, u"False"_s);
    return c;
}

} // namespace bc
