#pragma once

#include "backend/core/result.h"
#include "backend/kube/kube_objects.h"

#include <QList>
#include <QString>

#include <optional>

namespace bc {

// One side of a canary: a deployment and what the panel shows of it.
struct CanaryVersion
{
    QString deployment;
    int desired = 0;
    int ready = 0;
    int available = 0;
    QString image;
    QString versionLabel; // the pod template's "version" label, empty without one
    bool settled = false; // every desired replica updated and available
    bool operator==(const CanaryVersion &) const = default;
};

struct CanaryState
{
    QString service;
    std::optional<CanaryVersion> v1;
    std::optional<CanaryVersion> v2;
    bool complete() const { return v1.has_value() && v2.has_value(); }
    int totalDesired() const { return (v1 ? v1->desired : 0) + (v2 ? v2->desired : 0); }
    // v2's share of the ready pods (what kube-proxy gives it), 0 without ready pods.
    double readyV2Percent() const;
    QString summary() const; // "v1 productcatalogservice 3/3 ready (image) · v2 ... 1/1 ready (image)"
};

// Finds the two versions of a service among deployments: those whose pod template has label
// app=<service> (or whose name starts with the service name). v2 is the one labelled version=v2 or named
// "<service>-v2"; v1 the one labelled version=v1, else the one named exactly <service>.
class CanaryDetector
{
public:
    static constexpr auto kDefaultService = "productcatalogservice";
    static Result<CanaryState> detect(const QList<Deployment> &deployments, const QString &service);
    static CanaryVersion versionOf(const Deployment &deployment);
    // The two deployments as `deploy --with-canary` creates them: v1 with one pod, v2 with none, both
    // labelled by version. What a plan is made against when nothing can be read (a dry run).
    static CanaryState shipped(const QString &service);
};

} // namespace bc
