#pragma once

#include "backend/core/result.h"
#include "backend/kube/json_stream_splitter.h"
#include "backend/kube/kube_target.h"
#include "backend/process/run_context.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <deque>

namespace bc {

class RunContext;
class CommandRunner;

struct WatchEvent
{
    enum class Type { Added, Modified, Deleted, Error };
    Type type = Type::Added;
    QJsonObject object;
};

// A watch of one resource as a stream of typed events. The first events of each (re)started stream are the
// whole current state (resynced() comes before them), so a model can be fed by the watch alone and never
// re-lists. A stream that ends (network, server restart) is restarted with backoff.
//
// The built-in kinds are read as the API's own watch stream through `kubectl get --raw PATH?watch=1`: a
// watch without a resourceVersion starts with an ADDED event per existing object, and kubectl only copies
// the bytes (authentication stays kubectl's). `kubectl get -w -o json` decodes and prints every object
// again, which at 30,000 pods took as long as `kubectl get pods -o json` (issue 18). Other resources fall
// back to `kubectl get RESOURCE -w -o json --output-watch-events`, which has the same event format.
// Documents are parsed on the thread pool, in order. Events reach eventsReceived() in batches of at most
// kMaxBatch and at most one batch per kDeliveryIntervalMs unless a batch is full: a model's cost per
// update grows with its size (sorted proxy, header), so 30,000 initial pods must arrive as a few full
// pages, not as hundreds of small ones, and no single update may block the GUI thread for long.
class KubeWatch : public QObject
{
    Q_OBJECT
public:
    KubeWatch(RunContext *context, KubeTarget target, QString resource, QString selector = {},
              QObject *parent = nullptr);
    ~KubeWatch() override;

    static constexpr int kMaxBatch = 2000;
    static constexpr int kDeliveryIntervalMs = 250;

    QStringList arguments() const;
    // The API path of RESOURCE's collection in NAMESPACE ("/api/v1/namespaces/NS/pods"), or empty for a
    // resource that is not a built-in kind this class knows.
    static QString collectionPath(const QString &resource, const QString &ns);
    void start();
    void stop();
    bool isRunning() const { return m_wanted; }

Q_SIGNALS:
    void resynced();
    void eventsReceived(const QList<bc::WatchEvent> &events);
    void streamFailed(const bc::Error &error); // the stream ended; a restart is scheduled
    void streamStarted();

private:
    void launch();
    void onChunk(const QByteArray &bytes);
    void parseNext();
    void deliver(QList<WatchEvent> events);
    void flush();
    void emitBatch(QList<WatchEvent> events);

    QPointer<RunContext> m_context;
    KubeTarget m_target;
    QString m_resource;
    QString m_selector;
    CommandRunner *m_runner = nullptr;
    JsonStreamSplitter m_splitter;
    std::deque<QList<QByteArray>> m_pending;
    QFutureWatcher<QList<WatchEvent>> *m_parsing = nullptr;
    QList<WatchEvent> m_ready; // parsed, waiting for the next delivery
    QTimer m_deliver;
    QElapsedTimer m_sinceDelivery;
    QTimer m_restart;
    int m_failures = 0;
    bool m_wanted = false;
};

} // namespace bc

Q_DECLARE_METATYPE(bc::WatchEvent)
