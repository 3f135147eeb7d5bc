#include "backend/cluster/kube_contexts.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <yaml-cpp/yaml.h>

using namespace Qt::StringLiterals;

namespace bc {

QStringList KubeContexts::kubeconfigFiles(const QString &explicitFile)
{
    if (!explicitFile.isEmpty())
        return {explicitFile};
    const QString env = qEnvironmentVariable("KUBECONFIG");
    if (!env.isEmpty()) {
        QStringList files;
        for (const QString &f : env.split(u':', Qt::SkipEmptyParts)) {
            if (!files.contains(f))
                files << f;
        }
        return files;
    }
    return {QDir::homePath() + u"/.kube/config"_s};
}

Result<KubeContextList> KubeContexts::parse(const QByteArray &yaml)
{
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        KubeContextList out;
        if (!root || root.IsNull())
            return out;
        if (!root.IsMap())
            return Error {Error::Kind::Invalid, u"The kubeconfig is not a YAML mapping."_s};
        if (const YAML::Node current = root["current-context"]; current && current.IsScalar())
            out.current = QString::fromStdString(current.as<std::string>());
        const YAML::Node contexts = root["contexts"];
        if (contexts && contexts.IsSequence()) {
            for (const YAML::Node &c : contexts) {
                const YAML::Node name = c["name"];
                if (name && name.IsScalar())
                    out.names << QString::fromStdString(name.as<std::string>());
            }
        }
        return out;
    } catch (const YAML::Exception &e) {
        return Error {
            Error::Kind::Invalid, u"The kubeconfig could not be parsed."_s, QString::fromStdString(e.what())};
    }
}

Result<KubeContextList> KubeContexts::list(const QString &explicitFile)
{
    KubeContextList merged;
    for (const QString &path : kubeconfigFiles(explicitFile)) {
        QFile file(path);
        if (!file.exists())
            continue; // kubectl ignores missing entries of KUBECONFIG too
        if (!file.open(QIODevice::ReadOnly))
            return Error {Error::Kind::Failed, u"Cannot read %1: %2"_s.arg(path, file.errorString())};
        auto one = parse(file.readAll());
        if (!one)
            return Error {one.error().kind, u"%1 (%2)"_s.arg(one.error().message, path), one.error().detail};
        merged.files << path;
        if (merged.current.isEmpty())
            merged.current = one.value().current;
        for (const QString &name : one.value().names) {
            if (!merged.names.contains(name))
                merged.names << name;
        }
    }
    return merged;
}

} // namespace bc
