#include "backend/cluster/gke_command_builder.h"

using namespace Qt::StringLiterals;

namespace bc {

QStringList GkeCommandBuilder::scope() const
{
    QStringList args {u"--project"_s, m_settings.project};
    if (!m_settings.zone.isEmpty())
        args << u"--zone"_s << m_settings.zone;
    else
        args << u"--region"_s << m_settings.region;
    return args;
}

Command GkeCommandBuilder::gcloud(QStringList arguments, std::chrono::milliseconds timeout) const
{
    Command c {.program = u"gcloud"_s, .arguments = std::move(arguments)};
    c.timeout = timeout;
    // stdin is closed: a prompt would only fail late, so gcloud must take its defaults or refuse at once.
    c.environment.insert(u"CLOUDSDK_CORE_DISABLE_PROMPTS"_s, u"1"_s);
    return c;
}

Command GkeCommandBuilder::create() const
{
    QStringList args {u"container"_s, u"clusters"_s, u"create"_s, m_settings.clusterName};
    args << scope();
    args << u"--machine-type"_s << m_settings.machineType;
    args << u"--num-nodes"_s << QString::number(m_settings.nodeCount);
    if (!m_settings.clusterVersion.isEmpty())
        args << u"--cluster-version"_s << m_settings.clusterVersion;
    if (m_settings.networkPolicy)
        args << u"--enable-network-policy"_s;
    return gcloud(args, kCreateTimeout);
}

Command GkeCommandBuilder::getCredentials() const
{
    QStringList args {u"container"_s, u"clusters"_s, u"get-credentials"_s, m_settings.clusterName};
    args << scope();
    return gcloud(args, kCredentialsTimeout);
}

Command GkeCommandBuilder::remove() const
{
    QStringList args {u"container"_s, u"clusters"_s, u"delete"_s, m_settings.clusterName};
    args << scope() << u"--quiet"_s;
    return gcloud(args, kDeleteTimeout);
}

QString GkeCommandBuilder::contextName() const
{
    const QString location = m_settings.zone.isEmpty() ? m_settings.region : m_settings.zone;
    return u"gke_%1_%2_%3"_s.arg(m_settings.project, location, m_settings.clusterName);
}

} // namespace bc
