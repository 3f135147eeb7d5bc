#pragma once

#include "backend/cluster/cluster_profile.h"
#include "backend/process/command.h"

#include <chrono>

namespace bc {

// The gcloud command lines for one GKE profile, with exactly the profile's flags (a Standard cluster:
// `clusters create`, never `create-auto`).
class GkeCommandBuilder
{
public:
    static constexpr std::chrono::minutes kCreateTimeout {45};
    static constexpr std::chrono::minutes kDeleteTimeout {30};
    static constexpr std::chrono::minutes kCredentialsTimeout {2};

    explicit GkeCommandBuilder(GkeSettings settings)
        : m_settings(std::move(settings))
    { }

    Command create() const;
    Command getCredentials() const;
    Command remove() const; // `clusters delete ... --quiet`

    // The kubeconfig context name gcloud writes: gke_PROJECT_LOCATION_NAME.
    QString contextName() const;

private:
    Command gcloud(QStringList arguments, std::chrono::milliseconds timeout) const;
    QStringList scope() const; // --project P --zone Z | --region R

    GkeSettings m_settings;
};

} // namespace bc
