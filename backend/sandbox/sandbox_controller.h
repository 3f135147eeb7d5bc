#pragma once

#include "backend/core/result.h"
#include "backend/kube/kube_target.h"
#include "backend/process/run_context.h"
#include "backend/sandbox/local_database.h"

#include <QObject>
#include <QPointer>

#include <optional>

namespace bc {

class CommandRunner;
class LocalOrderlog;

struct SandboxOptions
{
    int nodes = 3;
    QString machineType = QStringLiteral("e2-standard-2");
    double podStartDelaySeconds = 2;
    double timeScale = 1;
    bool withCrds = true;
    QString postgresAddress = {}; // loopback HOST:PORT: CNPG instance pods forward 5432 to this PostgreSQL
    QString orderlogAddress = {}; // loopback HOST:PORT of the orderlog-server behind Service orderlog
    // Loopback HOST:PORT of the sandbox's checkoutservice stand-in (--checkout-listen); empty: a free one.
    QString checkoutAddress = {};
    // Also run the sandbox's own PostgreSQL and orderlog-server (the app's "Local sandbox"); their
    // addresses then fill postgresAddress and orderlogAddress, and checkoutAddress gets a free port
    // that orderlog-server's checkout tap forwards to (--checkout-upstream).
    bool withOrderLog = false;
    QStringList faults = {}; // --fault values, e.g. "productcatalogservice@v2:error=0.5"
    QString stateDirectory = {}; // default: <AppDataLocation>/sandbox

    QString kubeconfigPath() const;
    QString cacheDirectory() const; // kubectl --cache-dir: discovery must not be shared with real clusters
    QString directory() const;
};

// The "Local sandbox" environment: runs boutique-sandbox as a child of the app (stopped with it) and
// hands out the KubeTarget that points kubectl at it through the sandbox's own kubeconfig. With
// SandboxOptions::withOrderLog it first starts a private PostgreSQL and the real orderlog-server with
// its checkout tap in front of the sandbox's checkoutservice, so storefront checkouts (once the
// frontend is wired to the tap by a deploy with the order log) land in a database the Order log
// panel reads; a failure of any of the three stops the others.
class SandboxController : public QObject
{
    Q_OBJECT
public:
    enum class State { Stopped, Starting, Running, Failed };
    Q_ENUM(State)

    explicit SandboxController(RunContext *context, QObject *parent = nullptr);
    ~SandboxController() override;

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
    // The order database while the whole stack runs (withOrderLog), else nullptr.
    const LocalDatabaseAccess *orderDatabase() const;
    LocalDatabase *database() const { return m_database; }
    LocalOrderlog *orderlog() const { return m_orderlog; }
    QString orderlogAddress() const { return m_options.orderlogAddress; }

Q_SIGNALS:
    void stateChanged(bc::SandboxController::State state);
    void ready(const bc::KubeTarget &target);
    void failed(const bc::Error &error);
    void progress(const QString &step);

private:
    void setState(State state);
    void launchSandbox();
    void abort(const Error &error);
    void stopAll();
    void settle(); // once nothing runs any more: Stopped, or Failed with the first error

    QPointer<RunContext> m_context;
    CommandRunner *m_runner = nullptr;
    SandboxOptions m_options;
    State m_state = State::Stopped;
    QString m_url;
    LocalDatabase *m_database;
    LocalOrderlog *m_orderlog;
    std::optional<Error> m_error;
};

} // namespace bc
