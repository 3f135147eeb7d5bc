#pragma once

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

namespace bc {

struct ToolInfo
{
    QString name;     // kubectl, gcloud, ...
    QString path;     // empty when not found
    QString version;  // first meaningful line of its version output; empty until probed or if unknown
    QString problem = {}; // why it is unusable, for the About box and the CLI
    bool found() const { return !path.isEmpty(); }
    bool operator==(const ToolInfo &) const = default;
};

// Finds the external tools the product drives, on PATH or where the user configured them, and asks each
// for its version (asynchronously: a version probe is a process).
class ToolLocator : public QObject
{
    Q_OBJECT
public:
    explicit ToolLocator(QObject *parent = nullptr);

    static QStringList knownTools(); // kubectl gcloud terraform ansible-playbook locust ssh

    void setConfiguredPath(const QString &tool, const QString &path);
    QString configuredPath(const QString &tool) const; // empty, or an executable file the user named
    QString locate(const QString &tool) const;         // configured path, else PATH; empty when absent

    // Runs every tool's version command; emits probed() once all have answered.
    void probeVersions();
    QList<ToolInfo> tools() const { return m_tools; }

    // The argument list that prints a tool's version, and how to read the answer.
    static QStringList versionArguments(const QString &tool);
    static QString parseVersion(const QString &tool, const QString &output);

Q_SIGNALS:
    void probed(const QList<bc::ToolInfo> &tools);

private:
    QHash<QString, QString> m_configured;
    QList<ToolInfo> m_tools;
    int m_pending = 0;
};

} // namespace bc
