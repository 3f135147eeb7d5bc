#include "backend/settings/app_settings.h"

#include "backend/orders/cnpg_controller.h"
#include "backend/process/tool_locator.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

// Every key the product stores. Nothing else in the code base names one.
const QString kToolPathKey = u"tools/%1/path"_s;
const QString kKubeContextKey = u"kube/context"_s;
const QString kKubeNamespaceKey = u"kube/namespace"_s;
const QString kLocustWorkersKey = u"loadtest/locustWorkers"_s;
const QString kCnpgOperatorUrlKey = u"orders/cnpgOperatorUrl"_s;
const QString kBackupBucketKey = u"orders/backupBucket"_s;
const QString kWindowGeometryKey = u"window/geometry"_s;
const QString kWindowStateKey = u"window/state"_s;

const QString kDefaultNamespace = u"default"_s;

Error invalid(const QString &message)
{
    return Error {Error::Kind::Invalid, message};
}

bool isKnownTool(const QString &tool)
{
    return ToolLocator::knownTools().contains(tool);
}

// RFC 1123 label, what Kubernetes accepts as a namespace name.
bool isValidNamespace(const QString &ns)
{
    static const QRegularExpression label(u"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"_s);
    return label.match(ns).hasMatch();
}

} // namespace

AppSettings::AppSettings()
    : m_settings(std::make_unique<QSettings>())
{ }

AppSettings::AppSettings(const QString &iniFile)
    : m_settings(std::make_unique<QSettings>(iniFile, QSettings::IniFormat))
{ }

AppSettings::~AppSettings() = default;

QStringList AppSettings::tools()
{
    return ToolLocator::knownTools();
}

QString AppSettings::toolPath(const QString &tool) const
{
    if (!isKnownTool(tool))
        return {};
    return m_settings->value(kToolPathKey.arg(tool)).toString();
}

Status AppSettings::setToolPath(const QString &tool, const QString &path)
{
    if (!isKnownTool(tool))
        return invalid(
            u"'%1' is not a tool Boutique Control uses (known: %2)."_s.arg(tool, tools().join(u", "_s)));
    const QString trimmed = path.trimmed();
    if (trimmed.isEmpty()) {
        m_settings->remove(kToolPathKey.arg(tool));
        return ok();
    }
    const QFileInfo info(trimmed);
    if (!info.isAbsolute())
        return invalid(u"The %1 path must be absolute: '%2'."_s.arg(tool, trimmed));
    if (!info.exists())
        return invalid(u"The %1 path does not exist: '%2'."_s.arg(tool, trimmed));
    if (!info.isFile() || !info.isExecutable())
        return invalid(u"The %1 path is not an executable file: '%2'."_s.arg(tool, trimmed));
    m_settings->setValue(kToolPathKey.arg(tool), info.absoluteFilePath());
    return ok();
}

void AppSettings::applyToolPaths(ToolLocator *locator) const
{
    if (!locator)
        return;
    for (const QString &tool : tools())
        locator->setConfiguredPath(tool, toolPath(tool));
}

QString AppSettings::kubeContext() const
{
    return m_settings->value(kKubeContextKey).toString();
}

Status AppSettings::setKubeContext(const QString &context)
{
    const QString trimmed = context.trimmed();
    if (trimmed.contains(u'\n') || trimmed.size() > 253)
        return invalid(u"A kube context name is one line of at most 253 characters."_s);
    if (trimmed.isEmpty())
        m_settings->remove(kKubeContextKey);
    else
        m_settings->setValue(kKubeContextKey, trimmed);
    return ok();
}

QString AppSettings::kubeNamespace() const
{
    const QString ns = m_settings->value(kKubeNamespaceKey, kDefaultNamespace).toString();
    return isValidNamespace(ns) ? ns : kDefaultNamespace; // a hand-edited bad value falls back
}

Status AppSettings::setKubeNamespace(const QString &ns)
{
    const QString trimmed = ns.trimmed();
    if (trimmed.isEmpty()) {
        m_settings->remove(kKubeNamespaceKey);
        return ok();
    }
    if (!isValidNamespace(trimmed))
        return invalid(u"'%1' is not a valid namespace: use lower-case letters, digits and '-', "
                       u"at most 63 characters, starting and ending with a letter or digit."_s.arg(trimmed));
    m_settings->setValue(kKubeNamespaceKey, trimmed);
    return ok();
}

int AppSettings::locustWorkers() const
{
    bool isInt = false;
    const int n = m_settings->value(kLocustWorkersKey, kDefaultLocustWorkers).toInt(&isInt);
    return isInt && n >= kMinLocustWorkers && n <= kMaxLocustWorkers ? n : kDefaultLocustWorkers;
}

Status AppSettings::setLocustWorkers(int workers)
{
    if (workers < kMinLocustWorkers || workers > kMaxLocustWorkers)
        return invalid(u"Locust workers must be between %1 and %2 (got %3)."_s.arg(kMinLocustWorkers)
                           .arg(kMaxLocustWorkers)
                           .arg(workers));
    m_settings->setValue(kLocustWorkersKey, workers);
    return ok();
}

QByteArray AppSettings::windowGeometry() const
{
    return m_settings->value(kWindowGeometryKey).toByteArray();
}

void AppSettings::setWindowGeometry(const QByteArray &geometry)
{
    m_settings->setValue(kWindowGeometryKey, geometry);
}

QByteArray AppSettings::windowState() const
{
    return m_settings->value(kWindowStateKey).toByteArray();
}

void AppSettings::setWindowState(const QByteArray &state)
{
    m_settings->setValue(kWindowStateKey, state);
}

QString AppSettings::cnpgOperatorUrl() const
{
    return m_settings->value(kCnpgOperatorUrlKey, QString::fromLatin1(CnpgController::kDefaultOperatorUrl)).toString();
}

void AppSettings::setCnpgOperatorUrl(const QString &url)
{
    m_settings->setValue(kCnpgOperatorUrlKey, url);
}

QString AppSettings::backupBucket() const
{
    return m_settings->value(kBackupBucketKey, u"orderlog-backups"_s).toString();
}

void AppSettings::setBackupBucket(const QString &bucket)
{
    m_settings->setValue(kBackupBucketKey, bucket);
}

void AppSettings::resetToDefaults()
{
    for (const QString &tool : tools())
        m_settings->remove(kToolPathKey.arg(tool));
    m_settings->remove(kKubeContextKey);
    m_settings->remove(kKubeNamespaceKey);
    m_settings->remove(kLocustWorkersKey);
}

Status AppSettings::sync()
{
    m_settings->sync();
    switch (m_settings->status()) {
    case QSettings::NoError:
        return ok();
    case QSettings::AccessError:
        return Error {
            Error::Kind::Failed, u"Could not write the settings file %1."_s.arg(m_settings->fileName())};
    case QSettings::FormatError:
        return Error {
            Error::Kind::Invalid, u"The settings file %1 is malformed."_s.arg(m_settings->fileName())};
    }
    return ok();
}

QString AppSettings::fileName() const
{
    return m_settings->fileName();
}

} // namespace bc
