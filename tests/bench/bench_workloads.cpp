// Workloads table at scale (issue 7): 30,000 pods in WorkloadsModel behind the sorted proxy and the
// QTableView the Deploy panel uses; then batches of watch events (modify, add, delete) are applied and the
// time until the table has repainted is measured. Printed as one line per figure; bench/workloads runs it.
#include "backend/deploy/workloads_model.h"
#include "backend/kube/kube_watch.h"
#include "tests/bench/sorted_pod_table.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QTextStream>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

QJsonObject pod(const QString &name, int restarts, bool ready)
{
    return QJsonObject {
        {u"kind"_s, u"Pod"_s},
        {u"metadata"_s,
            QJsonObject {{u"name"_s, name}, {u"namespace"_s, u"default"_s}, {u"uid"_s, name},
                {u"creationTimestamp"_s, u"2026-01-01T00:00:00Z"_s}}},
        {u"spec"_s,
            QJsonObject {{u"nodeName"_s, u"node-%1"_s.arg(qHash(name) % 300)},
                {u"containers"_s, QJsonArray {QJsonObject {{u"name"_s, u"server"_s}}}}}},
        {u"status"_s,
            QJsonObject {{u"phase"_s, u"Running"_s},
                {u"containerStatuses"_s,
                    QJsonArray {QJsonObject {{u"name"_s, u"server"_s}, {u"ready"_s, ready},
                        {u"restartCount"_s, restarts}, {u"state"_s, QJsonObject {{u"running"_s, QJsonObject {}}}}}}}}},
    };
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QTextStream out(stdout);
    const int total = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 30000;

    SortedPodTable table(bc::WorkloadsModel::PodRestarts, Qt::DescendingOrder);
    bc::WorkloadsModel &model = table.model;
    QTableView &view = table.view;

    QList<bc::WatchEvent> initial;
    initial.reserve(total);
    for (int i = 0; i < total; ++i)
        initial.append({bc::WatchEvent::Type::Added, pod(u"pod-%1"_s.arg(i), 0, true)});
    QElapsedTimer clock;
    clock.start();
    model.applyEvents(initial);
    QCoreApplication::processEvents();
    view.viewport()->repaint();
    out << "initial load of " << total << " pods: " << clock.elapsed() << " ms" << Qt::endl;

    QList<qint64> times;
    int serial = 0;
    for (int round = 0; round < 20; ++round) {
        QList<bc::WatchEvent> batch;
        for (int i = 0; i < 100; ++i) // restarts change: rows move in the sorted view
            batch.append({bc::WatchEvent::Type::Modified,
                pod(u"pod-%1"_s.arg((round * 7919 + i * 263) % total), round + 1, i % 2 == 0)});
        for (int i = 0; i < 10; ++i)
            batch.append({bc::WatchEvent::Type::Added, pod(u"new-%1"_s.arg(serial++), 0, false)});
        for (int i = 0; i < 10; ++i)
            batch.append({bc::WatchEvent::Type::Deleted, pod(model.nameAt((round * 131 + i * 2011) % model.rowCount()), 0, true)});
        clock.restart();
        model.applyEvents(batch);
        QCoreApplication::processEvents();
        view.viewport()->repaint();
        times.append(clock.nsecsElapsed() / 1000);
    }
    std::sort(times.begin(), times.end());
    out << "batch of 120 events (100 modified, 10 added, 10 deleted) on " << model.rowCount()
        << " pods, until the sorted table repainted: median " << times.at(times.size() / 2) / 1000.0
        << " ms, max " << times.last() / 1000.0 << " ms (20 rounds)" << Qt::endl;

    clock.restart();
    model.applyEvents({{bc::WatchEvent::Type::Modified, pod(u"pod-1"_s, 99, false)}});
    QCoreApplication::processEvents();
    view.viewport()->repaint();
    out << "single event on " << model.rowCount() << " pods until repainted: " << clock.nsecsElapsed() / 1e6 << " ms"
        << Qt::endl;
    return 0;
}
