#pragma once

#include "backend/core/result.h"
#include "backend/kube/json_stream_splitter.h"
#include "backend/kube/kube_target.h"
#include "backend/process/run_context.h"

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

// `kubectl get RESOURCE -w -o json --output-watch-events` as a stream of typed events. The first events
// of each (re)started stream are the whole current state (resynced() comes before them), so a model can
// be fed by the watch alone and never re-lists. A stream that ends (network, server restart) is restarted
// with backoff. Documents are parsed on the thread pool, one batch at a time, in order.
class KubeWatch : public QObject
{
    Q_OBJECT
public:
    KubeWatch(RunContext *context, KubeTarget target, QString resource, QString selector = {},
              QObject *parent = nullptr);
    ~KubeWatch() override;

    QStringList arguments() const;
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

    QPointer<RunContext> m_context;
    KubeTarget m_target;
    QString m_resource;
    QString m_selector;
    CommandRunner *m_runner = nullptr;
    JsonStreamSplitter m_splitter;
    std::deque<QList<QByteArray>> m_pending;
    QFutureWatcher<QList<WatchEvent>> *m_parsing = nullptr;
    QTimer m_restart;
    int m_failures = 0;
    bool m_wanted = false;
};

} // namespace bc

Q_DECLARE_METATYPE(bc::WatchEvent)
