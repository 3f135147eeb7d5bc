#pragma once

#include "backend/core/result.h"
#include "backend/kube/kube_objects.h"
#include "backend/kube/kube_target.h"
#include "backend/process/run_context.h"
#include "backend/process/command.h"

#include <QObject>
#include <QPointer>

#include <chrono>
#include <functional>

namespace bc {

class RunContext;
class CommandRunner;

// Builds kubectl argument lists for one target and runs them through CommandRunner; machine-read
// output is `-o json`, parsed off the GUI thread into typed objects. Each call takes a completion
// callback that runs on this object's thread (and not at all if `this` is gone).
class KubeClient : public QObject
{
    Q_OBJECT
public:
    template <typename T>
    using Done = std::function<void(const Result<T> &)>;

    explicit KubeClient(RunContext *context, KubeTarget target = {}, QObject *parent = nullptr);

    const KubeTarget &target() const { return m_target; }
    void setTarget(const KubeTarget &target) { m_target = target; }
    RunContext *context() const { return m_context; }

    // Argument lists (public: the CLI's --dry-run and tests read them).
    QStringList getArguments(const QString &resource, const QString &selector = {}, bool allNamespaces = false) const;
    QStringList applyArguments(const QStringList &files, bool serverSide = false) const;
    QStringList scaleArguments(const QString &deployment, int replicas) const;

    void listPods(const QString &selector, Done<QList<Pod>> done);
    void listDeployments(const QString &selector, Done<QList<Deployment>> done);
    void listServices(const QString &selector, Done<QList<Service>> done);
    void listNodes(Done<QList<Node>> done);
    void getService(const QString &name, Done<Service> done);
    void getEndpoints(const QString &name, Done<Endpoints> done); // empty when there is none
    // The Istio VirtualService of that name: false when the CRD or the object is missing.
    void hasVirtualService(const QString &name, Done<bool> done);
    QStringList virtualServiceArguments(const QString &name) const;
    QStringList endpointsArguments(const QString &name) const;
    void podMetrics(Done<QList<PodMetrics>> done); // metrics.k8s.io through get --raw
    void getRaw(const QString &path, Done<QByteArray> done);
    void getYaml(const QString &resource, const QString &name, Done<QString> done);

    void apply(const QStringList &files, bool serverSide, Done<QString> done);
    void applyManifest(const QByteArray &yaml, bool serverSide, Done<QString> done); // from stdin
    void deleteFiles(const QStringList &files, Done<QString> done);
    void scale(const QString &deployment, int replicas, Done<QString> done);
    void rolloutRestart(const QString &deployment, Done<QString> done);
    void deleteObject(const QString &resource, const QString &name, Done<QString> done);
    void patch(const QString &resource, const QString &name, const QString &type, const QByteArray &patch,
               Done<QString> done);

    // A runner already started (e.g. `logs -f`): the caller reads its lines and cancels it.
    CommandRunner *streamLogs(const QString &pod, int tailLines, bool follow, QObject *owner);

    // Runs a complete kubectl argument list as given (the caller includes the target's arguments, e.g.
    // from target().namespacedArguments()) and returns stdout.
    void run(const QStringList &arguments, std::chrono::milliseconds timeout, Done<QByteArray> done,
             const QByteArray &standardInput = {});

private:
    template <typename T>
    void runParsed(const QStringList &arguments, Result<T> (*parse)(const QByteArray &), Done<T> done);

    QPointer<RunContext> m_context;
    KubeTarget m_target;
};

} // namespace bc
