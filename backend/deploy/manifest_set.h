#pragma once

#include "backend/core/result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace bc {

// One object a manifest declares.
struct ManifestObject
{
    QString apiVersion;
    QString kind;
    QString name;
    QString ns; // empty: the target namespace
    int replicas = -1; // Deployments: spec.replicas (-1 when unset, i.e. 1)
    bool operator==(const ManifestObject &) const = default;
};

// The manifests the product ships (manifests/) and what each declares. Reading a manifest before
// applying it turns a malformed file into a message with the file and line, and gives the list of
// deployments a rollout must wait for.
class ManifestSet
{
public:
    enum class Edition { Minimal, Full };

    // The folder holding the shipped manifests: BC_MANIFEST_DIR, then the installed share folder, then
    // the source tree this binary was built from.
    static QString manifestDirectory();
    static Result<Edition> editionFromName(const QString &name); // "minimal" | "full"
    // Files to apply, in order: the edition, then optional parts. withOrderLog adds orderlog.yaml:
    // orderlog-server with its checkout tap in front of checkoutservice (see checkoutTapWiring).
    static QStringList files(Edition edition, bool withCanary, bool withOrderLog = false);
    static QString orderLogFile(); // manifests/orderlog.yaml

    // The checkout tap's wiring: a deploy whose manifests declare both the frontend and the orderlog
    // Deployments points the frontend's checkout at the tap after the apply (kubectl set env), the
    // same on GKE and on the sandbox. The shop's manifests carry checkoutservice:5050, so applying
    // them without orderlog.yaml points it back at checkoutservice.
    static constexpr const char *kFrontendDeployment = "frontend";
    static constexpr const char *kCheckoutVariable = "CHECKOUT_SERVICE_ADDR";
    static constexpr const char *kCheckoutTapAddress = "orderlog:50051";
    static constexpr const char *kCheckoutServiceAddress = "checkoutservice:5050";
    static bool wiresCheckoutTap(const QList<ManifestObject> &objects);

    static Result<QList<ManifestObject>> inspect(const QString &path);
    static Result<QList<ManifestObject>> inspectAll(const QStringList &paths);
    static QStringList deploymentNames(const QList<ManifestObject> &objects);
};

} // namespace bc
