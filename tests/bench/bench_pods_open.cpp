// Opening the pod table on a big cluster (issue 18.3): the Deploy panel's pipeline (KubeWatch ->
// WorkloadsModel -> sorted proxy -> QTableView) against a running sandbox, timed from the watch's start to a
// full table. A 10 ms timer measures the longest time the event loop was blocked meanwhile (a frame).
// bench/pods-open runs it and sets it against `kubectl get pods -o json` in the same run.
//   bench_pods_open KUBECONFIG CACHE_DIR PODS [RESOURCE [DEADLINE_MS]]
// RESOURCE "pods" (default) reads the API's raw watch stream; "pod" is not a name KubeWatch maps to a path,
// so it measures the previous way, `kubectl get pod -w -o json --output-watch-events`. That way never
// fills a table of more than 500 pods: kubectl 1.32 prints its paged initial list as ADDED events that
// each wrap a whole PodList of 500, which no pod reader takes for a pod. At DEADLINE_MS (default 10
// minutes) the bench prints how many rows the table has and exits 3.
#include "backend/deploy/workloads_model.h"
#include "backend/kube/kube_watch.h"
#include "backend/process/run_context.h"
#include "tests/bench/sorted_pod_table.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTextStream>
#include <QTimer>

#include <ctime>

using namespace Qt::StringLiterals;

namespace {

qint64 guiThreadCpuMs() // CPU this thread used: a long frame with little of it was the machine, not us
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return qint64(t.tv_sec) * 1000 + t.tv_nsec / 1000000;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QTextStream out(stdout);
    if (argc < 4) {
        QTextStream(stderr) << "usage: bench_pods_open KUBECONFIG CACHE_DIR PODS [RESOURCE]\n";
        return 2;
    }
    const bc::KubeTarget target{QString::fromLocal8Bit(argv[1]), {}, u"default"_s, QString::fromLocal8Bit(argv[2])};
    const int expected = QString::fromLocal8Bit(argv[3]).toInt();
    const QString resource = argc > 4 ? QString::fromLocal8Bit(argv[4]) : u"pods"_s;
    const int deadlineMs = argc > 5 ? QString::fromLocal8Bit(argv[5]).toInt() : 600000;

    bc::RunContext context;
    SortedPodTable table(bc::WorkloadsModel::PodName, Qt::AscendingOrder);
    bc::WorkloadsModel &model = table.model;
    QTableView &view = table.view;

    bc::KubeWatch watch(&context, target, resource);
    QObject::connect(&watch, &bc::KubeWatch::resynced, &model, &bc::WorkloadsModel::beginResync);
    QObject::connect(&watch, &bc::KubeWatch::eventsReceived, &model, &bc::WorkloadsModel::applyEvents);
    int batches = 0;
    qint64 firstRowsMs = -1;
    QElapsedTimer clock;
    QObject::connect(&watch, &bc::KubeWatch::eventsReceived, &app, [&] {
        ++batches;
        if (firstRowsMs < 0)
            firstRowsMs = clock.elapsed();
    });

    qint64 longestFrameMs = 0;
    qint64 longestFrameCpuMs = 0; // the GUI thread's own CPU in the longest-CPU frame
    qint64 cpuAtTick = guiThreadCpuMs();
    QElapsedTimer sinceTick;
    QTimer ticker;
    ticker.setInterval(10);
    QObject::connect(&ticker, &QTimer::timeout, &app, [&] {
        longestFrameMs = std::max(longestFrameMs, sinceTick.restart());
        const qint64 cpu = guiThreadCpuMs();
        longestFrameCpuMs = std::max(longestFrameCpuMs, cpu - cpuAtTick);
        cpuAtTick = cpu;
        if (model.rowCount() >= expected)
            app.quit();
    });
    QTimer::singleShot(deadlineMs, &app, [&] { app.exit(3); });

    clock.start();
    sinceTick.start();
    ticker.start();
    watch.start();
    if (app.exec() != 0) {
        out << "open " << expected << " pods (" << resource << "): " << model.rowCount() << " rows after "
            << deadlineMs << " ms, " << batches << " batches" << Qt::endl;
        return 3;
    }
    const qint64 fullMs = clock.elapsed();
    view.viewport()->repaint();
    out << "open " << expected << " pods (" << resource << "): first rows " << firstRowsMs << " ms, full table "
        << fullMs << " ms, " << batches << " batches, longest frame " << longestFrameMs << " ms (most GUI-thread CPU in one frame: "
        << longestFrameCpuMs << " ms)" << Qt::endl;
    watch.stop();
    return 0;
}
