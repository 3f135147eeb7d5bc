#include "backend/cluster/profile_store.h"

#include "backend/cluster/profile_validator.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

#include <yaml-cpp/yaml.h>

#include <string>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

std::string str(const QString &s)
{
    return s.toStdString();
}

void putIfSet(YAML::Emitter &out, const char *key, const QString &value)
{
    if (!value.isEmpty())
        out << YAML::Key << key << YAML::Value << str(value);
}

QString text(const YAML::Node &map, const char *key, const QString &fallback = {})
{
    const YAML::Node n = map[key];
    if (!n || n.IsNull())
        return fallback;
    if (!n.IsScalar())
        throw YAML::Exception(n.Mark(), std::string(key) + " must be a scalar");
    // Trimmed: a value ending in carriage returns loses one to each CRLF on the next load (fuzz_profile_yaml).
    return QString::fromStdString(n.as<std::string>()).trimmed();
}

int number(const YAML::Node &map, const char *key, int fallback)
{
    const YAML::Node n = map[key];
    return n && !n.IsNull() ? n.as<int>() : fallback;
}

bool flag(const YAML::Node &map, const char *key, bool fallback)
{
    const YAML::Node n = map[key];
    return n && !n.IsNull() ? n.as<bool>() : fallback;
}

void emitProfile(YAML::Emitter &out, const ClusterProfile &p)
{
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << str(p.name);
    out << YAML::Key << "kind" << YAML::Value << str(clusterKindName(p.kind));
    switch (p.kind) {
    case ClusterKind::Gke:
        out << YAML::Key << "project" << YAML::Value << str(p.gke.project);
        putIfSet(out, "zone", p.gke.zone);
        putIfSet(out, "region", p.gke.region);
        out << YAML::Key << "cluster_name" << YAML::Value << str(p.gke.clusterName);
        out << YAML::Key << "machine_type" << YAML::Value << str(p.gke.machineType);
        out << YAML::Key << "node_count" << YAML::Value << p.gke.nodeCount;
        putIfSet(out, "cluster_version", p.gke.clusterVersion);
        out << YAML::Key << "network_policy" << YAML::Value << p.gke.networkPolicy;
        break;
    case ClusterKind::K3s:
        out << YAML::Key << "project" << YAML::Value << str(p.k3s.project);
        putIfSet(out, "region", p.k3s.region);
        out << YAML::Key << "zone" << YAML::Value << str(p.k3s.zone);
        out << YAML::Key << "cluster_name" << YAML::Value << str(p.k3s.clusterName);
        out << YAML::Key << "masters" << YAML::Value << p.k3s.masters;
        out << YAML::Key << "workers" << YAML::Value << p.k3s.workers;
        out << YAML::Key << "machine_type" << YAML::Value << str(p.k3s.machineType);
        out << YAML::Key << "ssh_user" << YAML::Value << str(p.k3s.sshUser);
        out << YAML::Key << "ssh_public_key" << YAML::Value << str(p.k3s.sshPublicKeyPath);
        out << YAML::Key << "spot" << YAML::Value << p.k3s.spot;
        break;
    case ClusterKind::Sandbox:
    case ClusterKind::ExistingContext:
        break;
    }
    putIfSet(out, "context", p.context);
    putIfSet(out, "kubeconfig", p.kubeconfig);
    out << YAML::EndMap;
}

ClusterProfile parseProfile(const YAML::Node &node)
{
    if (!node.IsMap())
        throw YAML::Exception(node.Mark(), "each profile must be a mapping");
    ClusterProfile p;
    p.name = text(node, "name");
    const QString kindName = text(node, "kind", u"gke"_s);
    const auto kind = clusterKindFromName(kindName);
    if (!kind)
        throw YAML::Exception(node["kind"].Mark(), "unknown kind '" + str(kindName) + "'");
    p.kind = *kind;
    switch (p.kind) {
    case ClusterKind::Gke: {
        GkeSettings &g = p.gke;
        g.project = text(node, "project");
        g.zone = text(node, "zone");
        g.region = text(node, "region");
        g.clusterName = text(node, "cluster_name");
        g.machineType = text(node, "machine_type", g.machineType);
        g.nodeCount = number(node, "node_count", g.nodeCount);
        g.clusterVersion = text(node, "cluster_version");
        g.networkPolicy = flag(node, "network_policy", g.networkPolicy);
        break;
    }
    case ClusterKind::K3s: {
        K3sSettings &k = p.k3s;
        k.project = text(node, "project");
        k.region = text(node, "region");
        k.zone = text(node, "zone");
        k.clusterName = text(node, "cluster_name", k.clusterName);
        k.masters = number(node, "masters", k.masters);
        k.workers = number(node, "workers", k.workers);
        k.machineType = text(node, "machine_type", k.machineType);
        k.sshUser = text(node, "ssh_user", k.sshUser);
        k.sshPublicKeyPath = text(node, "ssh_public_key");
        k.spot = flag(node, "spot", k.spot);
        break;
    }
    case ClusterKind::Sandbox:
    case ClusterKind::ExistingContext:
        break;
    }
    p.context = text(node, "context");
    p.kubeconfig = text(node, "kubeconfig");
    return p;
}

} // namespace

ProfileStore::ProfileStore(QString filePath)
    : m_filePath(std::move(filePath))
{ }

QString ProfileStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + u"/clusters.yaml"_s;
}

QByteArray ProfileStore::toYaml(const QList<ClusterProfile> &profiles)
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "version" << YAML::Value << 1;
    out << YAML::Key << "profiles" << YAML::Value << YAML::BeginSeq;
    for (const ClusterProfile &p : profiles)
        emitProfile(out, p);
    out << YAML::EndSeq << YAML::EndMap;
    QByteArray bytes(out.c_str(), qsizetype(out.size()));
    bytes.append('\n');
    return bytes;
}

Result<QList<ClusterProfile>> ProfileStore::fromYaml(const QByteArray &yaml)
{
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        QList<ClusterProfile> profiles;
        if (!root || root.IsNull())
            return profiles;
        if (!root.IsMap())
            return Error {Error::Kind::Invalid, u"The cluster profiles file is not a YAML mapping."_s};
        const YAML::Node list = root["profiles"];
        if (list && !list.IsNull() && !list.IsSequence())
            return Error {Error::Kind::Invalid, u"'profiles' in the cluster profiles file is not a list."_s};
        for (const YAML::Node &node : list)
            profiles.append(parseProfile(node));
        return profiles;
    } catch (const YAML::Exception &e) {
        return Error {Error::Kind::Invalid, u"The cluster profiles file could not be read."_s,
            QString::fromStdString(e.what())};
    }
}

Result<QList<ClusterProfile>> ProfileStore::load() const
{
    QFile file(m_filePath);
    if (!file.exists())
        return QList<ClusterProfile> {};
    if (!file.open(QIODevice::ReadOnly))
        return Error {Error::Kind::Failed, u"Cannot read %1: %2"_s.arg(m_filePath, file.errorString())};
    auto profiles = fromYaml(file.readAll());
    if (!profiles)
        return Error {profiles.error().kind, u"%1 (%2)"_s.arg(profiles.error().message, m_filePath),
            profiles.error().detail};
    return profiles;
}

Status ProfileStore::save(const QList<ClusterProfile> &profiles) const
{
    const QFileInfo info(m_filePath);
    if (!QDir().mkpath(info.absolutePath()))
        return Error {Error::Kind::Failed, u"Cannot create the folder %1."_s.arg(info.absolutePath())};
    QSaveFile file(m_filePath);
    if (!file.open(QIODevice::WriteOnly))
        return Error {Error::Kind::Failed, u"Cannot write %1: %2"_s.arg(m_filePath, file.errorString())};
    file.write(toYaml(profiles));
    if (!file.commit())
        return Error {Error::Kind::Failed, u"Cannot write %1: %2"_s.arg(m_filePath, file.errorString())};
    return ok();
}

Result<ClusterProfile> ProfileStore::find(const QString &name) const
{
    const auto profiles = load();
    if (!profiles)
        return profiles.error();
    for (const ClusterProfile &p : profiles.value()) {
        if (p.name == name)
            return p;
    }
    return Error {Error::Kind::NotFound, u"There is no cluster profile named '%1'."_s.arg(name)};
}

Status ProfileStore::upsert(const ClusterProfile &profile)
{
    if (Status valid = ProfileValidator::validate(profile); !valid)
        return valid;
    auto profiles = load();
    if (!profiles)
        return profiles.error();
    QList<ClusterProfile> list = profiles.value();
    const auto it = std::find_if(
        list.begin(), list.end(), [&](const ClusterProfile &p) { return p.name == profile.name; });
    if (it != list.end())
        *it = profile;
    else
        list.append(profile);
    return save(list);
}

Status ProfileStore::remove(const QString &name)
{
    auto profiles = load();
    if (!profiles)
        return profiles.error();
    QList<ClusterProfile> list = profiles.value();
    if (list.removeIf([&](const ClusterProfile &p) { return p.name == name; }) == 0)
        return Error {Error::Kind::NotFound, u"There is no cluster profile named '%1'."_s.arg(name)};
    return save(list);
}

} // namespace bc
