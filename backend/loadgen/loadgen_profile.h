#pragma once

#include "backend/cluster/profile_validator.h"
#include "backend/core/result.h"

#include <QString>

#include <optional>

namespace bc {

// The GCE load generator (infra/loadgen): a bastion, a Locust master and worker_no workers.
struct LoadgenProfile
{
    QString project;
    QString zone = QStringLiteral("us-central1-b");
    QString machineType = QStringLiteral("e2-small");
    int workerNo = 2;
    bool spot = true;
    QString sshPublicKeyPath; // the private key is the same path without ".pub"
    QString sshUser = QStringLiteral("locust");
    QString namePrefix = QStringLiteral("locust"); // prefix of every GCE resource

    QString region() const { return zone.section(u'-', 0, 1); }
    QString privateKeyPath() const;
    bool operator==(const LoadgenProfile &) const = default;
};

// Per-field checks with the cluster profiles' rules (FieldProblem::field is the YAML key).
class LoadgenProfileValidator
{
public:
    static constexpr int kMaxWorkers = 200; // infra/loadgen/terraform/variables.tf
    static std::optional<FieldProblem> check(const LoadgenProfile &profile);
    static Status validate(const LoadgenProfile &profile);
    static std::optional<FieldProblem> checkWorkerNo(int workers);
    static std::optional<FieldProblem> checkSshPublicKey(const QString &path);
    static std::optional<FieldProblem> checkSshUser(const QString &user);
    static std::optional<FieldProblem> checkNamePrefix(const QString &prefix);
};

// loadgen.yaml beside clusters.yaml (the cluster profiles) in the app's config location.
class LoadgenProfileStore
{
public:
    explicit LoadgenProfileStore(QString filePath = defaultPath());
    static QString defaultPath();
    const QString &filePath() const { return m_filePath; }
    bool exists() const;
    Result<LoadgenProfile>
    load() const; // no file yet: the defaults (not valid until project and key are set)
    Status save(const LoadgenProfile &profile) const; // validates first; atomic

    static QByteArray toYaml(const LoadgenProfile &profile);
    static Result<LoadgenProfile> fromYaml(const QByteArray &yaml);

private:
    QString m_filePath;
};

} // namespace bc
