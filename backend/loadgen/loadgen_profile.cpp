#include "backend/loadgen/loadgen_profile.h"

#include "backend/cluster/profile_store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>

#include <yaml-cpp/yaml.h>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

FieldProblem problem(const QString &field, const QString &message)
{
    return FieldProblem {field, u"%1: %2"_s.arg(field, message)};
}

bool fullMatch(const QString &pattern, const QString &value)
{
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern)).match(value).hasMatch();
}

} // namespace

QString LoadgenProfile::privateKeyPath() const
{
    return sshPublicKeyPath.endsWith(u".pub") ? sshPublicKeyPath.chopped(4) : sshPublicKeyPath;
}

std::optional<FieldProblem> LoadgenProfileValidator::checkWorkerNo(int workers)
{
    if (workers < 1 || workers > kMaxWorkers)
        return problem(
            u"worker_no"_s, u"%1 worker VMs: it must be between 1 and %2"_s.arg(workers).arg(kMaxWorkers));
    return std::nullopt;
}

std::optional<FieldProblem> LoadgenProfileValidator::checkSshPublicKey(const QString &path)
{
    if (path.isEmpty())
        return problem(u"ssh_public_key"_s, u"the public key file (.pub) for the VMs is required"_s);
    if (!path.endsWith(u".pub"))
        return problem(u"ssh_public_key"_s, u"'%1' is not a .pub file"_s.arg(path));
    if (!QFileInfo(path).isFile())
        return problem(u"ssh_public_key"_s, u"'%1' does not exist"_s.arg(path));
    if (!QFileInfo(path.chopped(4)).isFile())
        return problem(
            u"ssh_public_key"_s, u"the private key '%1' is not beside the public key"_s.arg(path.chopped(4)));
    return std::nullopt;
}

std::optional<FieldProblem> LoadgenProfileValidator::checkSshUser(const QString &user)
{
    if (!fullMatch(u"[a-z_][a-z0-9_-]{0,31}"_s, user))
        return problem(u"ssh_user"_s,
            u"'%1' must be 1-32 lowercase letters, digits, '_' or '-', not starting with a digit"_s.arg(
                user));
    return std::nullopt;
}

std::optional<FieldProblem> LoadgenProfileValidator::checkNamePrefix(const QString &prefix)
{
    // GCE names are [a-z]([-a-z0-9]*[a-z0-9])? up to 63; the longest suffix is "-worker-199".
    if (!fullMatch(u"[a-z]([-a-z0-9]{0,30}[a-z0-9])?"_s, prefix))
        return problem(u"name_prefix"_s,
            u"'%1' must be 1-32 lowercase letters, digits or '-', starting with a letter and not ending "
            u"with '-'"_s.arg(prefix));
    return std::nullopt;
}

std::optional<FieldProblem> LoadgenProfileValidator::check(const LoadgenProfile &p)
{
    if (auto f = ProfileValidator::checkProjectId(p.project))
        return f;
    if (auto f = ProfileValidator::checkZone(p.zone))
        return f;
    if (auto f = ProfileValidator::checkMachineType(p.machineType))
        return f;
    if (auto f = checkWorkerNo(p.workerNo))
        return f;
    if (auto f = checkSshUser(p.sshUser))
        return f;
    if (auto f = checkNamePrefix(p.namePrefix))
        return f;
    return checkSshPublicKey(p.sshPublicKeyPath);
}

Status LoadgenProfileValidator::validate(const LoadgenProfile &profile)
{
    if (const auto f = check(profile))
        return Error {Error::Kind::Invalid, f->message};
    return ok();
}

LoadgenProfileStore::LoadgenProfileStore(QString filePath)
    : m_filePath(std::move(filePath))
{ }

QString LoadgenProfileStore::defaultPath()
{
    return QFileInfo(ProfileStore::defaultPath()).absolutePath() + u"/loadgen.yaml"_s;
}

bool LoadgenProfileStore::exists() const
{
    return QFileInfo::exists(m_filePath);
}

QByteArray LoadgenProfileStore::toYaml(const LoadgenProfile &p)
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "project" << YAML::Value << p.project.toStdString();
    out << YAML::Key << "zone" << YAML::Value << p.zone.toStdString();
    out << YAML::Key << "machine_type" << YAML::Value << p.machineType.toStdString();
    out << YAML::Key << "worker_no" << YAML::Value << p.workerNo;
    out << YAML::Key << "spot" << YAML::Value << p.spot;
    out << YAML::Key << "ssh_public_key" << YAML::Value << p.sshPublicKeyPath.toStdString();
    out << YAML::Key << "ssh_user" << YAML::Value << p.sshUser.toStdString();
    out << YAML::Key << "name_prefix" << YAML::Value << p.namePrefix.toStdString();
    out << YAML::EndMap;
    return QByteArray(out.c_str()) + '\n';
}

Result<LoadgenProfile> LoadgenProfileStore::fromYaml(const QByteArray &yaml)
{
    LoadgenProfile p;
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        if (!root.IsMap())
            return Error {Error::Kind::Invalid, u"loadgen.yaml is not a map of settings"_s};
        const auto text = [&root](const char *key, QString &into) {
            if (root[key] && !root[key].IsNull())
                into = QString::fromStdString(root[key].as<std::string>());
        };
        text("project", p.project);
        text("zone", p.zone);
        text("machine_type", p.machineType);
        text("ssh_public_key", p.sshPublicKeyPath);
        text("ssh_user", p.sshUser);
        text("name_prefix", p.namePrefix);
        if (root["worker_no"])
            p.workerNo = root["worker_no"].as<int>();
        if (root["spot"])
            p.spot = root["spot"].as<bool>();
    } catch (const YAML::Exception &e) {
        return Error {Error::Kind::Invalid, u"loadgen.yaml: %1"_s.arg(QString::fromStdString(e.what()))};
    }
    return p;
}

Result<LoadgenProfile> LoadgenProfileStore::load() const
{
    QFile file(m_filePath);
    if (!file.exists())
        return LoadgenProfile {};
    if (!file.open(QIODevice::ReadOnly))
        return Error {Error::Kind::Failed, u"Cannot read %1: %2"_s.arg(m_filePath, file.errorString())};
    return fromYaml(file.readAll());
}

Status LoadgenProfileStore::save(const LoadgenProfile &profile) const
{
    if (Status s = LoadgenProfileValidator::validate(profile); !s)
        return s;
    QDir().mkpath(QFileInfo(m_filePath).absolutePath());
    QSaveFile file(m_filePath);
    if (!file.open(QIODevice::WriteOnly))
        return Error {Error::Kind::Failed, u"Cannot write %1: %2"_s.arg(m_filePath, file.errorString())};
    file.write(toYaml(profile));
    if (!file.commit())
        return Error {Error::Kind::Failed, u"Cannot write %1: %2"_s.arg(m_filePath, file.errorString())};
    return ok();
}

} // namespace bc
