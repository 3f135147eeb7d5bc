#include "backend/canary/canary_detector.h"

using namespace Qt::StringLiterals;

namespace bc {

double CanaryState::readyV2Percent() const
{
    const int a = v1 ? v1->ready : 0;
    const int b = v2 ? v2->ready : 0;
    return a + b == 0 ? 0.0 : 100.0 * b / (a + b);
}

QString CanaryState::summary() const
{
    const auto line = [](const char *label, const std::optional<CanaryVersion> &v) {
        if (!v)
            return u"%1 not found"_s.arg(QLatin1String(label));
        return u"%1 %2 %3/%4 ready (%5)"_s.arg(QLatin1String(label), v->deployment).arg(v->ready).arg(v->desired).arg(v->image);
    };
    return line("v1", v1) + u"\n"_s + line("v2", v2);
}

CanaryVersion CanaryDetector::versionOf(const Deployment &d)
{
    CanaryVersion v;
    v.deployment = d.meta.name;
    v.desired = d.desiredReplicas;
    v.ready = d.readyReplicas;
    v.available = d.availableReplicas;
    v.image = d.containers.isEmpty() ? QString() : d.containers.first().image;
    v.versionLabel = d.templateLabels.value(u"version"_s);
    v.settled = d.available() && d.readyReplicas == d.desiredReplicas;
    return v;
}

Result<CanaryState> CanaryDetector::detect(const QList<Deployment> &deployments, const QString &service)
{
    if (service.isEmpty())
        return Error{Error::Kind::Invalid, u"No service named for the canary."_s};
    CanaryState state;
    state.service = service;
    const Deployment *v1 = nullptr;
    const Deployment *v2 = nullptr;
    const Deployment *plain = nullptr;
    for (const Deployment &d : deployments) {
        const bool member = d.templateLabels.value(u"app"_s) == service || d.meta.name == service
                            || d.meta.name.startsWith(service + u'-');
        if (!member)
            continue;
        const QString version = d.templateLabels.value(u"version"_s, d.meta.labels.value(u"version"_s));
        if (version == u"v2" || (version.isEmpty() && d.meta.name == service + u"-v2"_s))
            v2 = v2 ? v2 : &d;
        else if (version == u"v1")
            v1 = v1 ? v1 : &d;
        else if (d.meta.name == service)
            plain = &d;
    }
    if (!v1)
        v1 = plain;
    if (v1)
        state.v1 = versionOf(*v1);
    if (v2)
        state.v2 = versionOf(*v2);
    if (!v1 && !v2)
        return Error{Error::Kind::NotFound,
                     u"No deployment of %1 found: deploy the demo and %1-v2 first (Deploy panel, with the canary)."_s.arg(service)};
    return state;
}

CanaryState CanaryDetector::shipped(const QString &service)
{
    CanaryState state;
    state.service = service;
    state.v1 = CanaryVersion{service, 1, 1, 1, {}, u"v1"_s, true};
    state.v2 = CanaryVersion{service + u"-v2"_s, 0, 0, 0, {}, u"v2"_s, true};
    return state;
}

} // namespace bc
