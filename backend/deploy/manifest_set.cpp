#include "backend/deploy/manifest_set.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <yaml-cpp/yaml.h>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

QString text(const YAML::Node &node)
{
    return node && node.IsScalar() ? QString::fromStdString(node.as<std::string>()) : QString();
}

} // namespace

QString ManifestSet::manifestDirectory()
{
    const QString fromEnv = qEnvironmentVariable("BC_MANIFEST_DIR");
    if (!fromEnv.isEmpty())
        return fromEnv;
    const QString installed =
        QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(u"../share/boutique-control/manifests"_s);
    if (QFileInfo::exists(installed + u"/minimal.yaml"_s))
        return QDir::cleanPath(installed);
    return QStringLiteral(BC_SOURCE_MANIFEST_DIR);
}

Result<ManifestSet::Edition> ManifestSet::editionFromName(const QString &name)
{
    if (name == u"minimal")
        return Edition::Minimal;
    if (name == u"full")
        return Edition::Full;
    return Error{Error::Kind::Invalid, u"manifest must be 'minimal' or 'full', got '%1'"_s.arg(name)};
}

QStringList ManifestSet::files(Edition edition, bool withCanary, bool withOrderLog)
{
    const QDir dir(manifestDirectory());
    QStringList list{dir.filePath(edition == Edition::Minimal ? u"minimal.yaml"_s
                                                              : u"upstream/kubernetes-manifests.yaml"_s)};
    if (withCanary)
        list.append(dir.filePath(u"productcatalogservice-v2.yaml"_s));
    if (withOrderLog)
        list.append(orderLogFile());
    return list;
}

QString ManifestSet::orderLogFile()
{
    return QDir(manifestDirectory()).filePath(u"orderlog.yaml"_s);
}

bool ManifestSet::wiresCheckoutTap(const QList<ManifestObject> &objects)
{
    const QStringList deployments = deploymentNames(objects);
    return deployments.contains(QLatin1String(kFrontendDeployment)) && deployments.contains(u"orderlog"_s);
}

Result<QList<ManifestObject>> ManifestSet::inspect(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{Error::Kind::NotFound, u"Cannot read the manifest %1: %2"_s.arg(path, file.errorString())};
    const QByteArray bytes = file.readAll();
    QList<ManifestObject> objects;
    try {
        const std::vector<YAML::Node> documents = YAML::LoadAll(bytes.toStdString());
        int index = 0;
        for (const YAML::Node &doc : documents) {
            ++index;
            if (!doc || doc.IsNull())
                continue;
            if (!doc.IsMap())
                return Error{Error::Kind::Invalid,
                             u"%1: document %2 is not a Kubernetes object (expected a mapping)"_s.arg(path).arg(index)};
            ManifestObject o;
            o.apiVersion = text(doc["apiVersion"]);
            o.kind = text(doc["kind"]);
            o.name = text(doc["metadata"]["name"]);
            o.ns = text(doc["metadata"]["namespace"]);
            if (o.kind == u"List")
                return Error{Error::Kind::Invalid, u"%1: document %2 is a List; split it into objects"_s.arg(path).arg(index)};
            if (o.apiVersion.isEmpty() || o.kind.isEmpty() || o.name.isEmpty())
                return Error{Error::Kind::Invalid, u"%1: document %2 (line %3) lacks apiVersion, kind or metadata.name"_s
                                                       .arg(path)
                                                       .arg(index)
                                                       .arg(doc.Mark().line + 1)};
            if (o.kind == u"Deployment" && doc["spec"] && doc["spec"]["replicas"])
                o.replicas = doc["spec"]["replicas"].as<int>();
            objects.append(o);
        }
    } catch (const YAML::Exception &e) {
        return Error{Error::Kind::Invalid,
                     u"%1 is not valid YAML: line %2, column %3: %4"_s.arg(path)
                         .arg(e.mark.line + 1)
                         .arg(e.mark.column + 1)
                         .arg(QString::fromStdString(e.msg))};
    }
    if (objects.isEmpty())
        return Error{Error::Kind::Invalid, u"%1 declares no Kubernetes objects"_s.arg(path)};
    return objects;
}

Result<QList<ManifestObject>> ManifestSet::inspectAll(const QStringList &paths)
{
    QList<ManifestObject> all;
    for (const QString &p : paths) {
        const auto objects = inspect(p);
        if (!objects)
            return objects.error();
        all += objects.value();
    }
    return all;
}

QStringList ManifestSet::deploymentNames(const QList<ManifestObject> &objects)
{
    QStringList names;
    for (const ManifestObject &o : objects)
        if (o.kind == u"Deployment" && !names.contains(o.name))
            names.append(o.name);
    return names;
}

} // namespace bc
