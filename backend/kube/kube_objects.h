#pragma once

#include "backend/core/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>

#include <optional>

// Kubernetes objects as the app uses them, parsed once from `kubectl ... -o json`. Widgets never see JSON.
namespace bc {

using Labels = QMap<QString, QString>;

struct ObjectMeta
{
    QString name;
    QString ns;
    QString uid;
    QString resourceVersion;
    QDateTime created;
    std::optional<QDateTime> deleted; // deletionTimestamp: terminating
    Labels labels;
    QString ownerKind;
    QString ownerName;
    bool operator==(const ObjectMeta &) const = default;
};

struct ResourceAmounts
{
    std::optional<double> cpuMillicores;
    std::optional<double> memoryBytes;
    bool operator==(const ResourceAmounts &) const = default;
};

struct ContainerSpec
{
    QString name;
    QString image;
    ResourceAmounts requests;
    ResourceAmounts limits;
    QMap<QString, QString> env; // literal values only (valueFrom is not resolved)
    bool operator==(const ContainerSpec &) const = default;
};

struct ContainerState
{
    QString name;
    bool ready = false;
    int restartCount = 0;
    QString state;         // running, waiting, terminated
    QString reason;        // current waiting/terminated reason (ImagePullBackOff, CrashLoopBackOff, ...)
    QString message;
    QString lastTerminatedReason; // lastState.terminated.reason (OOMKilled, Error, ...)
    std::optional<int> lastExitCode; // lastState.terminated.exitCode
    std::optional<QDateTime> lastTerminatedAt;
    bool operator==(const ContainerState &) const = default;
};

struct Pod
{
    enum class Phase { Pending, Running, Succeeded, Failed, Unknown };
    ObjectMeta meta;
    Phase phase = Phase::Unknown;
    QString nodeName;
    QString podIp;
    QString reason;  // status.reason (Evicted, ...)
    QString message; // status.message or the PodScheduled condition's message
    bool scheduled = true;
    bool ready = false;
    QList<ContainerSpec> containers;
    QList<ContainerState> containerStates;

    int restarts() const;
    int readyContainers() const;
    // What `kubectl get pods` shows in STATUS: Running, Pending, ContainerCreating, CrashLoopBackOff,
    // OOMKilled, Terminating, ...
    QString displayStatus() const;
    ResourceAmounts totalRequests() const;
    ResourceAmounts totalLimits() const;
    bool operator==(const Pod &) const = default;
};

struct Condition
{
    QString type;
    QString status; // "True", "False", "Unknown"
    QString reason;
    QString message;
    bool operator==(const Condition &) const = default;
};

struct Deployment
{
    ObjectMeta meta;
    Labels selector; // matchLabels
    int desiredReplicas = 1;
    int currentReplicas = 0; // status.replicas: pods of every revision
    int readyReplicas = 0;
    int updatedReplicas = 0;
    int availableReplicas = 0;
    int unavailableReplicas = 0;
    qint64 generation = 0;
    qint64 observedGeneration = 0;
    QList<Condition> conditions;
    QList<ContainerSpec> containers;
    Labels templateLabels;

    bool available() const; // every desired replica is updated and available, and the spec is observed
    std::optional<Condition> condition(const QString &type) const;
    bool operator==(const Deployment &) const = default;
};

struct ServicePort
{
    QString name;
    int port = 0;
    int targetPort = 0;
    int nodePort = 0;
    QString protocol;
    bool operator==(const ServicePort &) const = default;
};

struct Service
{
    ObjectMeta meta;
    QString type; // ClusterIP, LoadBalancer, NodePort
    QString clusterIp;
    Labels selector;
    QList<ServicePort> ports;
    QStringList loadBalancerAddresses; // status.loadBalancer.ingress[].ip or hostname

    // "http://ADDRESS[:PORT]" of the first load-balancer address, empty while pending.
    QString externalUrl() const;
    bool operator==(const Service &) const = default;
};

// An Endpoints object: the pods its ready addresses point at (subsets[].addresses[].targetRef.name).
struct Endpoints
{
    ObjectMeta meta;
    QStringList addressTargets;
    bool operator==(const Endpoints &) const = default;
};

struct Node
{
    ObjectMeta meta;
    bool ready = false;
    ResourceAmounts capacity;
    ResourceAmounts allocatable;
    bool operator==(const Node &) const = default;
};

struct Event
{
    ObjectMeta meta;
    QString type; // Normal, Warning
    QString reason;
    QString message;
    QString objectKind;
    QString objectName;
    int count = 1;
    QDateTime lastSeen;
    bool operator==(const Event &) const = default;
};

struct ContainerUsage
{
    QString name;
    double cpuMillicores = 0;
    double memoryBytes = 0;
    bool operator==(const ContainerUsage &) const = default;
};

struct PodMetrics
{
    QString name;
    QString ns;
    QDateTime timestamp;
    QList<ContainerUsage> containers;
    double cpuMillicores() const;
    double memoryBytes() const;
    bool operator==(const PodMetrics &) const = default;
};

// Parsers: a single object or a List ("items"). Malformed input is an Error, never a crash.
Result<QJsonObject> parseJsonObject(const QByteArray &json);
Pod podFromJson(const QJsonObject &o);
Deployment deploymentFromJson(const QJsonObject &o);
Service serviceFromJson(const QJsonObject &o);
Node nodeFromJson(const QJsonObject &o);
Endpoints endpointsFromJson(const QJsonObject &o);
Event eventFromJson(const QJsonObject &o);
PodMetrics podMetricsFromJson(const QJsonObject &o);
ObjectMeta metaFromJson(const QJsonObject &o);

template <typename T>
using FromJson = T (*)(const QJsonObject &);

// Items of a List (or the object itself when it is not a List), converted with `convert`.
template <typename T>
Result<QList<T>> parseList(const QByteArray &json, FromJson<T> convert);

Result<QList<Pod>> parsePodList(const QByteArray &json);
Result<QList<Deployment>> parseDeploymentList(const QByteArray &json);
Result<QList<Service>> parseServiceList(const QByteArray &json);
Result<QList<Node>> parseNodeList(const QByteArray &json);
Result<QList<Endpoints>> parseEndpointsList(const QByteArray &json);
Result<QList<Event>> parseEventList(const QByteArray &json);
Result<QList<PodMetrics>> parsePodMetricsList(const QByteArray &json);

} // namespace bc

Q_DECLARE_METATYPE(bc::Pod)
Q_DECLARE_METATYPE(bc::Deployment)
Q_DECLARE_METATYPE(bc::Service)
