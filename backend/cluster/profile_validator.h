#pragma once

#include "backend/cluster/cluster_profile.h"
#include "backend/core/result.h"

#include <QString>

#include <optional>

namespace bc {

// What is wrong with one field of a profile. `field` is the profile's YAML key (project, zone,
// cluster_name, node_count, ...), so the CLI and the form can point at the right input.
struct FieldProblem
{
    QString field;
    QString message; // one sentence, naming the field and the rule
    bool operator==(const FieldProblem &) const = default;
};

// Checks a profile before anything runs: no gcloud, terraform or ansible call starts with input that
// the cloud would refuse minutes later.
class ProfileValidator
{
public:
    static std::optional<FieldProblem> check(const ClusterProfile &profile);
    static Status validate(const ClusterProfile &profile); // Error::Kind::Invalid, message "field: ..."

    // The single rules, for forms that check while the user types.
    static std::optional<FieldProblem> checkProfileName(const QString &name);
    static std::optional<FieldProblem> checkProjectId(const QString &project);
    static std::optional<FieldProblem> checkZone(const QString &zone);
    static std::optional<FieldProblem> checkRegion(const QString &region);
    static std::optional<FieldProblem> checkClusterName(const QString &name);
    static std::optional<FieldProblem> checkMachineType(const QString &machineType);
    static std::optional<FieldProblem> checkNodeCount(int nodes);
    static std::optional<FieldProblem> checkClusterVersion(const QString &version);

    static constexpr int kMinNodes = 1;
    static constexpr int kMaxNodes = 100;
    static constexpr int kMaxMasters = 9;
    static constexpr int kMaxClusterNameLength = 40;

private:
    static std::optional<FieldProblem> checkGke(const GkeSettings &gke);
    static std::optional<FieldProblem> checkK3s(const K3sSettings &k3s);
};

} // namespace bc
