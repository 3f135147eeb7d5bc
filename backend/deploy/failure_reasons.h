#pragma once

#include "backend/kube/kube_objects.h"

#include <QHash>
#include <QList>
#include <QObject>

namespace bc {

struct WatchEvent;

struct FailureReason
{
    QString reason;  // ImagePullBackOff, ErrImagePull, CrashLoopBackOff, OOMKilled, FailedScheduling, Unhealthy
    QString message; // the kubelet's or the scheduler's words, with the last exit code for a crash loop
    bool isEmpty() const { return reason.isEmpty(); }
    bool operator==(const FailureReason &) const = default;
};

// Why the pods of each deployment do not run, from the pods' status and the cluster's Events, both fed by
// watches: the pull error of ImagePullBackOff/ErrImagePull, CrashLoopBackOff with the last exit code,
// OOMKilled, FailedScheduling with the scheduler's node counts, failed probes (Unhealthy). Keeps the
// latest Warning Event per pod and reason, so memory follows the pods, not the event history.
class FailureReasons : public QObject
{
    Q_OBJECT
public:
    explicit FailureReasons(QObject *parent = nullptr);

    void applyPodEvents(const QList<WatchEvent> &events);
    void applyClusterEvents(const QList<WatchEvent> &events); // core/v1 Event objects
    void clearPods(); // the pod watch restarted and repeats every pod
    void clear();

    FailureReason forDeployment(const QString &deployment) const;
    // The reason of one pod, given the Warning Events about it by reason.
    static FailureReason forPod(const Pod &pod, const QHash<QString, Event> &warnings);
    // The deployment a pod belongs to: its ReplicaSet owner without the pod-template-hash.
    static QString deploymentOf(const Pod &pod);

Q_SIGNALS:
    void changed();

private:
    QHash<QString, Pod> m_pods;                       // by pod name
    QHash<QString, QHash<QString, Event>> m_warnings; // pod name -> reason -> latest Warning Event
};

} // namespace bc
