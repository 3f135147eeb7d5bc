#include "backend/session/cluster_session.h"

using namespace Qt::StringLiterals;

namespace bc {

ClusterSession::ClusterSession(RunContext *context, QObject *parent)
    : QObject(parent), m_context(context), m_factory(context), m_sandbox(new SandboxController(context, this))
{
    connect(m_sandbox, &SandboxController::ready, this, [this](const KubeTarget &target) {
        Q_EMIT connectingChanged(false);
        useTarget(target, u"Local sandbox"_s);
    });
    connect(m_sandbox, &SandboxController::failed, this, [this](const Error &error) {
        Q_EMIT connectingChanged(false);
        if (m_hasTarget && m_target == m_sandbox->target()) {
            m_hasTarget = false;
            Q_EMIT disconnected();
        }
        Q_EMIT failed(error);
    });
}

void ClusterSession::useSandbox(const SandboxOptions &options)
{
    m_name = u"Local sandbox"_s;
    Q_EMIT environmentChanged(m_name);
    if (m_sandbox->state() == SandboxController::State::Running) {
        useTarget(m_sandbox->target(), m_name);
        return;
    }
    Q_EMIT connectingChanged(true);
    m_sandbox->start(options);
}

void ClusterSession::useTarget(const KubeTarget &target, const QString &displayName)
{
    m_target = target;
    m_hasTarget = true;
    if (m_name != displayName) {
        m_name = displayName;
        Q_EMIT environmentChanged(m_name);
    }
    Q_EMIT targetChanged(m_target);
}

void ClusterSession::disconnect()
{
    m_sandbox->stop();
    if (m_hasTarget) {
        m_hasTarget = false;
        Q_EMIT disconnected();
    }
}

// --- Canary panel
CanaryController *ClusterSession::createCanaryController(QObject *parent) const
{
    return m_factory.createCanaryController(m_target, parent);
}

SplitVerifier *ClusterSession::createSplitVerifier(QObject *parent) const
{
    return BackendFactory::createSplitVerifier(parent);
}
// --- end Canary panel

} // namespace bc
