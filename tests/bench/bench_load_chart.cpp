// Load test charts at scale (issue 8): the Load test panel drawing 2 hours of 2-second polls (3,600
// samples) of a run with 50 endpoints. Times one live update, as a run makes every 2 s: a sample (with its
// 50 endpoint rows) appended to the history, the panel's four charts updated and repainted. Baseline in the
// same run: the same update with 1 minute of history. Budget: 16 ms (one frame at 60 Hz). For reference it
// also times a bare chart that draws all 50 endpoint lines (the panel draws the 8 slowest).
// bench/load-chart runs it.
#include "backend/load/load_history.h"
#include "backend/process/run_context.h"
#include "widgets/charts/live_chart.h"
#include "widgets/loadtest/load_test_panel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {

constexpr int kEndpoints = 50;
const int kRounds = qEnvironmentVariableIntValue("BC_BENCH_ROUNDS") > 0 ? qEnvironmentVariableIntValue("BC_BENCH_ROUNDS") : 101;

// Poll `i` of a run: noisy but plausible figures, so thinning has real peaks to keep.
bc::LoadSample sampleAt(int i, QList<bc::EndpointStats> *rows)
{
    const double t = i * 2.0;
    bc::LoadSample s;
    s.timestampMs = 1'800'000'000'000 + qint64(t * 1000);
    s.elapsedS = t;
    s.state = bc::LocustState::Running;
    s.userCount = 50 + (i / 30) % 700;
    s.targetUsers = s.userCount;
    s.rps = 80 + 20 * std::sin(i * 0.05) + (i * 7919 % 13);
    s.failPerSec = (i * 104729 % 17) / 10.0;
    s.currentP50Ms = 60 + 10 * std::sin(i * 0.01) + (i * 31 % 7);
    s.currentP95Ms = s.currentP50Ms * 3 + (i * 17 % 11);
    s.totalRequests = qint64(i) * 160;
    s.totalFailures = i / 3;
    s.medianMs = 65;
    s.avgMs = 80 + (i % 9);
    s.p90Ms = 180;
    s.p99Ms = 400 + (i % 23);
    s.maxMs = 2000;
    s.workersRunning = 4;
    rows->clear();
    for (int e = 0; e < kEndpoints; ++e) {
        bc::EndpointStats row;
        row.method = e % 3 == 0 ? u"POST"_s : u"GET"_s;
        row.name = u"/product/%1"_s.arg(e);
        row.numRequests = qint64(i + 1) * 3;
        row.avgMs = 20 + e * 3 + 15 * std::sin(i * 0.02 + e) + ((i * (e + 7)) % 13);
        rows->append(row);
    }
    return s;
}

void fill(bc::LoadHistory &history, int samples)
{
    QList<bc::EndpointStats> rows;
    for (int i = 0; i < samples; ++i) {
        const bc::LoadSample s = sampleAt(i, &rows);
        history.append(s, rows);
    }
}

struct Figures
{
    double medianMs = 0;
    double p95Ms = 0;
    double updateMedianMs = 0; // of which: history and series updated, before the repaint
};

double median(QList<double> ms)
{
    std::sort(ms.begin(), ms.end());
    return ms.at(ms.size() / 2);
}

Figures summarize(QList<double> ms, const QList<double> &updates)
{
    Figures f;
    f.updateMedianMs = median(updates);
    std::sort(ms.begin(), ms.end());
    f.medianMs = ms.at(ms.size() / 2);
    f.p95Ms = ms.at(qsizetype(std::ceil(ms.size() * 0.95)) - 1);
    return f;
}

// One live update of the panel per round: append, refresh its charts, repaint them.
Figures timePanel(bc::LoadTestPanel &panel, int historySamples)
{
    bc::LoadHistory history;
    fill(history, historySamples);
    panel.showHistory(&history);
    QCoreApplication::processEvents();
    const QList<bc::LiveChart *> charts{panel.rpsChart(), panel.latencyChart(), panel.usersChart(), panel.endpointChart()};
    QList<double> times, updates;
    QList<bc::EndpointStats> rows;
    for (int round = 0; round < kRounds; ++round) {
        const bc::LoadSample s = sampleAt(historySamples + round, &rows);
        QElapsedTimer clock;
        clock.start();
        history.append(s, rows);
        panel.refreshCharts();
        QCoreApplication::processEvents();
        updates.append(double(clock.nsecsElapsed()) / 1e6);
        for (bc::LiveChart *c : charts)
            c->viewport()->repaint();
        times.append(double(clock.nsecsElapsed()) / 1e6);
    }
    if (const QString dir = qEnvironmentVariable("BC_SCREENSHOT_DIR"); !dir.isEmpty()) // to look at the thinning
        panel.grab().save(u"%1/loadtest-bench-%2-samples.png"_s.arg(dir).arg(historySamples));
    panel.showHistory(nullptr);
    return summarize(times, updates);
}

// The same with one bare chart drawing every endpoint's line.
Figures timeAllEndpoints(const QSize &size, int historySamples)
{
    bc::LoadHistory history;
    fill(history, historySamples);
    bc::LiveChart chart(u"All endpoints"_s, u"ms"_s);
    for (qsizetype e = 0; e < kEndpoints; ++e)
        chart.addSeries(history.endpointTraces().at(e).key,
                        [&history, e] { return history.endpointTraces().at(e).avgMs.ordered(); });
    chart.resize(size);
    chart.show();
    chart.refreshNow();
    QCoreApplication::processEvents();
    QList<double> times, updates;
    QList<bc::EndpointStats> rows;
    for (int round = 0; round < kRounds; ++round) {
        const bc::LoadSample s = sampleAt(historySamples + round, &rows);
        QElapsedTimer clock;
        clock.start();
        history.append(s, rows);
        chart.refreshNow();
        QCoreApplication::processEvents();
        updates.append(double(clock.nsecsElapsed()) / 1e6);
        chart.viewport()->repaint();
        times.append(double(clock.nsecsElapsed()) / 1e6);
    }
    return summarize(times, updates);
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QTextStream out(stdout);
    bc::RunContext context;
    bc::LoadTestPanel panel(&context, nullptr);
    panel.resize(1280, 860);
    panel.show();
    QCoreApplication::processEvents();

    const int minute = 30, twoHours = 3600;
    if (argc > 1) { // for profiling: the panel only, with this many samples of history
        const Figures f = timePanel(panel, QString::fromLocal8Bit(argv[1]).toInt());
        out << "panel update: median " << f.medianMs << " ms, p95 " << f.p95Ms << " ms" << Qt::endl;
        return 0;
    }
    const auto print = [&out](const QString &what, const Figures &f) {
        out << what << ": median " << QString::number(f.medianMs, 'f', 2) << " ms, p95 "
            << QString::number(f.p95Ms, 'f', 2) << " ms (" << kRounds << " updates; median "
            << QString::number(f.updateMedianMs, 'f', 2) << " ms before the repaint)" << Qt::endl;
    };
    const Figures base = timePanel(panel, minute);
    print(u"panel update, 1 min x 50 endpoints of history (baseline)"_s, base);
    const Figures big = timePanel(panel, twoHours);
    print(u"panel update, 2 h x 50 endpoints of history"_s, big);
    const QSize chartSize = panel.endpointChart()->size();
    const Figures allBase = timeAllEndpoints(chartSize, minute);
    print(u"bare chart of all 50 endpoint lines, 1 min of history"_s, allBase);
    const Figures all = timeAllEndpoints(chartSize, twoHours);
    print(u"bare chart of all 50 endpoint lines, 2 h of history"_s, all);
    out << "budget 16 ms: panel p95 " << (big.p95Ms < 16 ? "within" : "OVER") << Qt::endl;
    out << "2h/1min ratio (panel, median): " << QString::number(big.medianMs / base.medianMs, 'f', 2) << Qt::endl;
    return big.p95Ms < 16 ? 0 : 1;
}
