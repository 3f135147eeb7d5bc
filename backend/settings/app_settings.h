#pragma once

#include "backend/core/result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

class QSettings;

namespace bc {

class ToolLocator;

// The only place that names a QSettings key. Typed getters with defaults and range checks; setters
// validate and return a Status the UI can show. Passwords and tokens are never stored here (they go to
// the keychain or stay in memory).
class AppSettings
{
public:
    static constexpr int kMinLocustWorkers = 1;
    static constexpr int kMaxLocustWorkers = 32;
    static constexpr int kDefaultLocustWorkers = 2;

    AppSettings(); // the user's configuration (organization/application names)
    explicit AppSettings(const QString &iniFile); // a specific file, for tests and portable setups
    ~AppSettings();
    AppSettings(const AppSettings &) = delete;
    AppSettings &operator=(const AppSettings &) = delete;

    // Tools: an executable the user picked, or empty to look on PATH.
    static QStringList tools(); // ToolLocator::knownTools()
    QString toolPath(const QString &tool) const;
    Status setToolPath(const QString &tool, const QString &path); // empty clears; else an executable file
    void applyToolPaths(ToolLocator *locator) const; // ToolLocator::setConfiguredPath for each

    // Kubernetes: the kubeconfig context every kubectl call names, and the namespace of the demo.
    QString kubeContext() const; // empty: the kubeconfig's current context
    Status setKubeContext(const QString &context);
    QString kubeNamespace() const; // default "default"
    Status setKubeNamespace(const QString &ns);

    // Load tests: Locust worker processes, 1..32, default 2.
    int locustWorkers() const;
    Status setLocustWorkers(int workers);

    // Orders: the CloudNativePG release manifest last installed, and the GCS bucket of the database
    // backups. Remembered between runs as typed; resetToDefaults() keeps them.
    QString cnpgOperatorUrl() const; // default CnpgController::kDefaultOperatorUrl
    void setCnpgOperatorUrl(const QString &url);
    QString backupBucket() const; // default "orderlog-backups"
    void setBackupBucket(const QString &bucket);

    // Window state (opaque bytes from QMainWindow).
    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray &state);

    void resetToDefaults(); // forgets every value above except the orders' values and the window state
    Status sync(); // writes to disk; an error when the file is not writable
    QString fileName() const;

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace bc
