#include "backend/kube/kube_objects.h"

#include "backend/kube/quantity.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

QJsonObject obj(const QJsonObject &o, QLatin1StringView key)
{
    return o.value(key).toObject();
}

QString str(const QJsonObject &o, QLatin1StringView key)
{
    return o.value(key).toString();
}

int integer(const QJsonObject &o, QLatin1StringView key, int fallback = 0)
{
    const QJsonValue v = o.value(key);
    return v.isDouble() ? v.toInt(fallback) : fallback;
}

QDateTime timestamp(const QString &text)
{
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(text, Qt::ISODate);
    return t;
}

Labels stringMap(const QJsonObject &o)
{
    Labels m;
    for (auto it = o.begin(); it != o.end(); ++it)
        m.insert(it.key(), it.value().toString());
    return m;
}

ResourceAmounts amounts(const QJsonObject &o)
{
    ResourceAmounts a;
    if (o.contains("cpu"_L1))
        a.cpuMillicores = parseCpuMillicores(str(o, "cpu"_L1));
    if (o.contains("memory"_L1))
        a.memoryBytes = parseMemoryBytes(str(o, "memory"_L1));
    return a;
}

QList<ContainerSpec> containersFromJson(const QJsonArray &array)
{
    QList<ContainerSpec> list;
    for (const QJsonValue &v : array) {
        const QJsonObject c = v.toObject();
        ContainerSpec spec{str(c, "name"_L1), str(c, "image"_L1), amounts(obj(obj(c, "resources"_L1), "requests"_L1)),
                           amounts(obj(obj(c, "resources"_L1), "limits"_L1)), {}};
        for (const QJsonValue &e : c.value("env"_L1).toArray()) {
            const QJsonObject env = e.toObject();
            if (env.contains("value"_L1))
                spec.env.insert(str(env, "name"_L1), str(env, "value"_L1));
        }
        list.append(spec);
    }
    return list;
}

QList<Condition> conditionsFromJson(const QJsonArray &array)
{
    QList<Condition> list;
    for (const QJsonValue &v : array) {
        const QJsonObject c = v.toObject();
        list.append({str(c, "type"_L1), str(c, "status"_L1), str(c, "reason"_L1), str(c, "message"_L1)});
    }
    return list;
}

void addAmounts(ResourceAmounts &total, const ResourceAmounts &part)
{
    if (part.cpuMillicores)
        total.cpuMillicores = total.cpuMillicores.value_or(0) + *part.cpuMillicores;
    if (part.memoryBytes)
        total.memoryBytes = total.memoryBytes.value_or(0) + *part.memoryBytes;
}

} // namespace

Result<QJsonObject> parseJsonObject(const QByteArray &json)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return Error{Error::Kind::Failed, u"kubectl printed JSON that could not be read: %1 at offset %2"_s.arg(
                                              error.errorString())
                                              .arg(error.offset)};
    if (!doc.isObject())
        return Error{Error::Kind::Failed, u"kubectl printed JSON that is not an object"_s};
    return doc.object();
}

ObjectMeta metaFromJson(const QJsonObject &o)
{
    const QJsonObject m = obj(o, "metadata"_L1);
    ObjectMeta meta{str(m, "name"_L1), str(m, "namespace"_L1), str(m, "uid"_L1), str(m, "resourceVersion"_L1),
                    timestamp(str(m, "creationTimestamp"_L1)), std::nullopt, stringMap(obj(m, "labels"_L1)), {}, {}};
    if (m.contains("deletionTimestamp"_L1))
        meta.deleted = timestamp(str(m, "deletionTimestamp"_L1));
    const QJsonArray owners = m.value("ownerReferences"_L1).toArray();
    if (!owners.isEmpty()) {
        meta.ownerKind = str(owners.first().toObject(), "kind"_L1);
        meta.ownerName = str(owners.first().toObject(), "name"_L1);
    }
    return meta;
}

Pod podFromJson(const QJsonObject &o)
{
    Pod pod;
    pod.meta = metaFromJson(o);
    const QJsonObject spec = obj(o, "spec"_L1);
    const QJsonObject status = obj(o, "status"_L1);
    const QString phase = str(status, "phase"_L1);
    pod.phase = phase == u"Pending"   ? Pod::Phase::Pending
        : phase == u"Running"         ? Pod::Phase::Running
        : phase == u"Succeeded"       ? Pod::Phase::Succeeded
        : phase == u"Failed"          ? Pod::Phase::Failed
                                      : Pod::Phase::Unknown;
    pod.nodeName = str(spec, "nodeName"_L1);
    pod.podIp = str(status, "podIP"_L1);
    pod.reason = str(status, "reason"_L1);
    pod.message = str(status, "message"_L1);
    pod.containers = containersFromJson(spec.value("containers"_L1).toArray());
    for (const Condition &c : conditionsFromJson(status.value("conditions"_L1).toArray())) {
        if (c.type == u"Ready")
            pod.ready = c.status == u"True";
        if (c.type == u"PodScheduled" && c.status == u"False") {
            pod.scheduled = false;
            if (pod.reason.isEmpty())
                pod.reason = c.reason;
            if (pod.message.isEmpty())
                pod.message = c.message;
        }
    }
    for (const QJsonValue &v : status.value("containerStatuses"_L1).toArray()) {
        const QJsonObject cs = v.toObject();
        ContainerState st;
        st.name = str(cs, "name"_L1);
        st.ready = cs.value("ready"_L1).toBool();
        st.restartCount = integer(cs, "restartCount"_L1);
        const QJsonObject state = obj(cs, "state"_L1);
        for (const auto key : {"running"_L1, "waiting"_L1, "terminated"_L1}) {
            if (state.contains(key)) {
                st.state = key;
                st.reason = str(obj(state, key), "reason"_L1);
                st.message = str(obj(state, key), "message"_L1);
            }
        }
        const QJsonObject last = obj(obj(cs, "lastState"_L1), "terminated"_L1);
        if (!last.isEmpty()) {
            st.lastTerminatedReason = str(last, "reason"_L1);
            if (last.value("exitCode"_L1).isDouble())
                st.lastExitCode = last.value("exitCode"_L1).toInt();
            const QDateTime at = timestamp(str(last, "finishedAt"_L1));
            if (at.isValid())
                st.lastTerminatedAt = at;
        }
        pod.containerStates.append(st);
    }
    return pod;
}

int Pod::restarts() const
{
    int n = 0;
    for (const ContainerState &c : containerStates)
        n += c.restartCount;
    return n;
}

int Pod::readyContainers() const
{
    int n = 0;
    for (const ContainerState &c : containerStates)
        n += c.ready ? 1 : 0;
    return n;
}

QString Pod::displayStatus() const
{
    if (meta.deleted)
        return u"Terminating"_s;
    if (!reason.isEmpty() && phase != Phase::Pending)
        return reason;
    for (const ContainerState &c : containerStates) {
        if (c.state == u"waiting" && !c.reason.isEmpty())
            return c.reason;
        if (c.state == u"terminated" && !c.reason.isEmpty())
            return c.reason;
    }
    switch (phase) {
    case Phase::Pending: return u"Pending"_s;
    case Phase::Running: return u"Running"_s;
    case Phase::Succeeded: return u"Completed"_s;
    case Phase::Failed: return u"Failed"_s;
    case Phase::Unknown: return u"Unknown"_s;
    }
    return u"Unknown"_s;
}

ResourceAmounts Pod::totalRequests() const
{
    ResourceAmounts total;
    for (const ContainerSpec &c : containers)
        addAmounts(total, c.requests);
    return total;
}

ResourceAmounts Pod::totalLimits() const
{
    ResourceAmounts total;
    for (const ContainerSpec &c : containers)
        addAmounts(total, c.limits);
    return total;
}

Deployment deploymentFromJson(const QJsonObject &o)
{
    Deployment d;
    d.meta = metaFromJson(o);
    const QJsonObject spec = obj(o, "spec"_L1);
    const QJsonObject status = obj(o, "status"_L1);
    d.selector = stringMap(obj(obj(spec, "selector"_L1), "matchLabels"_L1));
    d.desiredReplicas = integer(spec, "replicas"_L1, 1);
    d.currentReplicas = integer(status, "replicas"_L1);
    d.readyReplicas = integer(status, "readyReplicas"_L1);
    d.updatedReplicas = integer(status, "updatedReplicas"_L1);
    d.availableReplicas = integer(status, "availableReplicas"_L1);
    d.unavailableReplicas = integer(status, "unavailableReplicas"_L1);
    d.generation = qint64(obj(o, "metadata"_L1).value("generation"_L1).toDouble());
    d.observedGeneration = qint64(status.value("observedGeneration"_L1).toDouble());
    d.conditions = conditionsFromJson(status.value("conditions"_L1).toArray());
    const QJsonObject podTemplate = obj(spec, "template"_L1);
    d.templateLabels = stringMap(obj(obj(podTemplate, "metadata"_L1), "labels"_L1));
    d.containers = containersFromJson(obj(podTemplate, "spec"_L1).value("containers"_L1).toArray());
    return d;
}

bool Deployment::available() const
{
    // The same test `kubectl rollout status` applies.
    return observedGeneration >= generation && updatedReplicas >= desiredReplicas
        && currentReplicas <= updatedReplicas && availableReplicas >= updatedReplicas;
}

std::optional<Condition> Deployment::condition(const QString &type) const
{
    for (const Condition &c : conditions)
        if (c.type == type)
            return c;
    return std::nullopt;
}

Service serviceFromJson(const QJsonObject &o)
{
    Service s;
    s.meta = metaFromJson(o);
    const QJsonObject spec = obj(o, "spec"_L1);
    s.type = str(spec, "type"_L1);
    if (s.type.isEmpty())
        s.type = u"ClusterIP"_s;
    s.clusterIp = str(spec, "clusterIP"_L1);
    s.selector = stringMap(obj(spec, "selector"_L1));
    for (const QJsonValue &v : spec.value("ports"_L1).toArray()) {
        const QJsonObject p = v.toObject();
        const QJsonValue target = p.value("targetPort"_L1);
        s.ports.append({str(p, "name"_L1), integer(p, "port"_L1), target.isDouble() ? target.toInt() : 0,
                        integer(p, "nodePort"_L1), str(p, "protocol"_L1)});
    }
    for (const QJsonValue &v : obj(obj(o, "status"_L1), "loadBalancer"_L1).value("ingress"_L1).toArray()) {
        const QJsonObject ingress = v.toObject();
        const QString address = ingress.contains("ip"_L1) ? str(ingress, "ip"_L1) : str(ingress, "hostname"_L1);
        if (!address.isEmpty())
            s.loadBalancerAddresses.append(address);
    }
    return s;
}

QString Service::externalUrl() const
{
    if (loadBalancerAddresses.isEmpty())
        return {};
    const int port = ports.isEmpty() ? 80 : ports.first().port;
    const QString host = loadBalancerAddresses.first().contains(u':') ? u'[' + loadBalancerAddresses.first() + u']'
                                                                      : loadBalancerAddresses.first();
    return port == 80 ? u"http://%1"_s.arg(host) : u"http://%1:%2"_s.arg(host).arg(port);
}

Node nodeFromJson(const QJsonObject &o)
{
    Node n;
    n.meta = metaFromJson(o);
    const QJsonObject status = obj(o, "status"_L1);
    n.capacity = amounts(obj(status, "capacity"_L1));
    n.allocatable = amounts(obj(status, "allocatable"_L1));
    for (const Condition &c : conditionsFromJson(status.value("conditions"_L1).toArray()))
        if (c.type == u"Ready")
            n.ready = c.status == u"True";
    return n;
}

Event eventFromJson(const QJsonObject &o)
{
    Event e;
    e.meta = metaFromJson(o);
    e.type = str(o, "type"_L1);
    e.reason = str(o, "reason"_L1);
    e.message = str(o, "message"_L1);
    const QJsonObject involved = obj(o, "involvedObject"_L1);
    e.objectKind = str(involved, "kind"_L1);
    e.objectName = str(involved, "name"_L1);
    e.count = integer(o, "count"_L1, 1);
    e.lastSeen = timestamp(str(o, "lastTimestamp"_L1));
    if (!e.lastSeen.isValid())
        e.lastSeen = timestamp(str(o, "eventTime"_L1));
    if (!e.lastSeen.isValid())
        e.lastSeen = e.meta.created;
    return e;
}

PodMetrics podMetricsFromJson(const QJsonObject &o)
{
    PodMetrics m;
    const ObjectMeta meta = metaFromJson(o);
    m.name = meta.name;
    m.ns = meta.ns;
    m.timestamp = timestamp(str(o, "timestamp"_L1));
    for (const QJsonValue &v : o.value("containers"_L1).toArray()) {
        const QJsonObject c = v.toObject();
        const ResourceAmounts usage = amounts(obj(c, "usage"_L1));
        m.containers.append({str(c, "name"_L1), usage.cpuMillicores.value_or(0), usage.memoryBytes.value_or(0)});
    }
    return m;
}

double PodMetrics::cpuMillicores() const
{
    double total = 0;
    for (const ContainerUsage &c : containers)
        total += c.cpuMillicores;
    return total;
}

double PodMetrics::memoryBytes() const
{
    double total = 0;
    for (const ContainerUsage &c : containers)
        total += c.memoryBytes;
    return total;
}

Endpoints endpointsFromJson(const QJsonObject &o)
{
    Endpoints e;
    e.meta = metaFromJson(o);
    for (const QJsonValue &subset : o.value("subsets"_L1).toArray())
        for (const QJsonValue &a : subset["addresses"_L1].toArray())
            e.addressTargets.append(a["targetRef"_L1]["name"_L1].toString());
    return e;
}

template <typename T>
Result<QList<T>> parseList(const QByteArray &json, FromJson<T> convert)
{
    const Result<QJsonObject> root = parseJsonObject(json);
    if (!root)
        return root.error();
    QList<T> items;
    if (!root.value().contains("items"_L1)) {
        items.append(convert(root.value()));
        return items;
    }
    const QJsonArray array = root.value().value("items"_L1).toArray();
    items.reserve(array.size());
    for (const QJsonValue &v : array)
        items.append(convert(v.toObject()));
    return items;
}

Result<QList<Pod>> parsePodList(const QByteArray &json) { return parseList<Pod>(json, podFromJson); }
Result<QList<Deployment>> parseDeploymentList(const QByteArray &json) { return parseList<Deployment>(json, deploymentFromJson); }
Result<QList<Service>> parseServiceList(const QByteArray &json) { return parseList<Service>(json, serviceFromJson); }
Result<QList<Node>> parseNodeList(const QByteArray &json) { return parseList<Node>(json, nodeFromJson); }
Result<QList<Endpoints>> parseEndpointsList(const QByteArray &json) { return parseList<Endpoints>(json, endpointsFromJson); }
Result<QList<Event>> parseEventList(const QByteArray &json) { return parseList<Event>(json, eventFromJson); }
Result<QList<PodMetrics>> parsePodMetricsList(const QByteArray &json) { return parseList<PodMetrics>(json, podMetricsFromJson); }

} // namespace bc
