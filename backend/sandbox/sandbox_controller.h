#pragma once

#include "backend/core/result.h"
#include "backend/kube/kube_target.h"
#include "backend/process/run_context.h"

#include <QObject>
#include <QPointer>

namespace bc {

class CommandRunner;

struct SandboxOptions
{
    int nodes = 3;
    QString machineType = QStringLiteral("e2-standard-2");
    double podStartDelaySeconds = 2;
    double timeScale = 1;
    bool withCrds = true;
    QString postgresAddress = {}; // loopback HOST:PORT: CNPG instance pods forward 5432 to this PostgreSQL
    QString stateDirectory = {}; // default: <AppDataLocation>/sandbox

    QString kubeconfigPath() const;
    QString cacheDirectory() const; // kubectl --cache-dir: discovery must not be shared with real clusters
    QString directory() const;
};

// The "Local sandbox" environment: runs boutique-sandbox as a child of the app (stopped with it) and
// hands out the KubeTarget that points kubectl at it through the sandbox's own kubeconfig.
class SandboxController : public QObject
{
    Q_OBJECT
public:
    enum class State { Stopped, Starting, Running, Failed };
    Q_ENUM(State)

    explicit SandboxController(RunContext *context, QObject *parent = nullptr);

    static QString locateBinary(); // BC_SANDBOX_BINARY, beside the app, the build tree, PATH
    static QStringList arguments(const SandboxOptions &options);
    static KubeTarget targetFor(const SandboxOptions &options);
    // "boutique-sandbox listening on http://127.0.0.1:PORT ..." -> PORT, or 0
    static int parseListeningLine(const QString &line);

    void start(const SandboxOptions &options = {});
    void stop();
    State state() const { return m_state; }
    KubeTarget target() const { return targetFor(m_options); }
    QString serverUrl() const { return m_url; }

Q_SIGNALS:
    void stateChanged(bc::SandboxController::State state);
    void ready(const bc::KubeTarget &target);
    void failed(const bc::Error &error);

private:
    void setState(State state);

    QPointer<RunContext> m_context;
    CommandRunner *m_runner = nullptr;
    SandboxOptions m_options;
    State m_state = State::Stopped;
    QString m_url;
};

} // namespace bc
