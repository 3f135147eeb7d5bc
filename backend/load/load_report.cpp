#include "backend/load/load_report.h"

#include "backend/load/version_stats.h"
#include "backend/timeline/timeline_report.h"

#include <QLocale>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

QString fmt(double v, int decimals = 1)
{
    if (std::isnan(v))
        return u"–"_s;
    return QString::number(v, 'f', decimals);
}

double niceStep(double range, int ticks)
{
    if (range <= 0)
        return 1;
    const double raw = range / ticks;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double norm = raw / mag;
    const double nice = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
    return nice * mag;
}

QString tickLabel(double v)
{
    if (std::abs(v) >= 1000)
        return QString::number(v, 'f', 0);
    if (v == std::floor(v))
        return QString::number(qint64(v));
    return QString::number(v, 'g', 3);
}

} // namespace

QString svgLineChart(const QString &title, const QString &unit, const QList<ChartSeries> &series, int width,
                     int height)
{
    const double left = 60, right = 20, top = 30, bottom = 40;
    const double plotW = width - left - right, plotH = height - top - bottom;
    double xMin = 0, xMax = 0, yMax = 0;
    bool any = false;
    for (const ChartSeries &s : series) {
        for (const QPointF &p : s.points) {
            if (std::isnan(p.y()))
                continue;
            if (!any) {
                xMin = xMax = p.x();
                any = true;
            }
            xMin = std::min(xMin, p.x());
            xMax = std::max(xMax, p.x());
            yMax = std::max(yMax, p.y());
        }
    }
    QString svg = u"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%1\" height=\"%2\" viewBox=\"0 0 %1 %2\" "
                  "role=\"img\" aria-label=\"%3\">\n"_s.arg(width).arg(height).arg(esc(title));
    svg += u"<rect x=\"0\" y=\"0\" width=\"%1\" height=\"%2\" fill=\"#fff\"/>\n"_s.arg(width).arg(height);
    svg += u"<text x=\"%1\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%2</text>\n"_s.arg(left).arg(
        esc(title + (unit.isEmpty() ? QString() : u" ("_s + unit + u')')));
    if (!any) {
        svg += u"<text x=\"%1\" y=\"%2\" font-size=\"13\" fill=\"#888\">no data</text>\n</svg>\n"_s
                   .arg(left + plotW / 2 - 25)
                   .arg(top + plotH / 2);
        return svg;
    }
    if (xMax <= xMin)
        xMax = xMin + 1;
    // Some room above the highest point: a line at exactly the top would vanish under the frame.
    const double yStep = niceStep(yMax > 0 ? yMax * 1.05 : 1, 5);
    const double yTop = std::max(yStep, std::ceil((yMax > 0 ? yMax * 1.05 : 1) / yStep) * yStep);
    // The x axis starts and ends on a tick (a run's first poll comes a moment after 0 s).
    const double xStep = niceStep(xMax - xMin, 8);
    xMin = std::floor(xMin / xStep) * xStep;
    xMax = std::max(std::ceil(xMax / xStep - 1e-9) * xStep, xMin + xStep);
    auto px = [&](double x) { return left + (x - xMin) / (xMax - xMin) * plotW; };
    auto py = [&](double y) { return top + plotH - y / yTop * plotH; };

    svg += u"<g font-size=\"11\" fill=\"#555\" stroke=\"none\">\n"_s;
    for (double y = 0; y <= yTop + yStep / 2; y += yStep) {
        svg += u"<line x1=\"%1\" y1=\"%2\" x2=\"%3\" y2=\"%2\" stroke=\"#e4e4e4\"/>"_s.arg(left).arg(py(y), 0, 'f', 1).arg(
            left + plotW);
        svg += u"<text x=\"%1\" y=\"%2\" text-anchor=\"end\">%3</text>\n"_s.arg(left - 6).arg(py(y) + 4, 0, 'f', 1).arg(
            tickLabel(y));
    }
    for (double x = std::ceil(xMin / xStep) * xStep; x <= xMax + 1e-9; x += xStep) {
        svg += u"<text x=\"%1\" y=\"%2\" text-anchor=\"middle\">%3</text>\n"_s.arg(px(x), 0, 'f', 1)
                   .arg(top + plotH + 16)
                   .arg(tickLabel(x));
    }
    svg += u"<text x=\"%1\" y=\"%2\" text-anchor=\"middle\">elapsed (s)</text>\n"_s.arg(left + plotW / 2).arg(height - 6);
    svg += u"</g>\n<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\" fill=\"none\" stroke=\"#999\"/>\n"_s.arg(left)
               .arg(top)
               .arg(plotW)
               .arg(plotH);
    double legendX = left + plotW;
    for (qsizetype i = series.size() - 1; i >= 0; --i) {
        const ChartSeries &s = series[i];
        legendX -= 12 + 7 * s.name.size() + 16;
        svg += u"<rect x=\"%1\" y=\"8\" width=\"12\" height=\"12\" fill=\"%2\"/><text x=\"%3\" y=\"18\" "
               "font-size=\"12\">%4</text>\n"_s.arg(legendX, 0, 'f', 1)
                   .arg(esc(s.color))
                   .arg(legendX + 16, 0, 'f', 1)
                   .arg(esc(s.name));
    }
    for (const ChartSeries &s : series) {
        QString path;
        bool pen = false;
        for (const QPointF &p : s.points) {
            if (std::isnan(p.y())) {
                pen = false; // a gap where Locust had no value
                continue;
            }
            path += u"%1%2,%3 "_s.arg(QChar(pen ? u'L' : u'M')).arg(px(p.x()), 0, 'f', 1).arg(py(p.y()), 0, 'f', 1);
            pen = true;
        }
        if (!path.isEmpty())
            svg += u"<path d=\"%1\" fill=\"none\" stroke=\"%2\" stroke-width=\"1.8\"/>\n"_s.arg(path.trimmed(),
                                                                                             esc(s.color));
    }
    svg += u"</svg>\n"_s;
    return svg;
}

QString renderLoadReport(const LoadRunSettings &settings, const QList<LoadSample> &samples,
                         const std::optional<StatsSnapshot> &final, const QList<PodSample> &pods)
{
    ChartSeries rps{u"requests/s"_s, u"#1f77b4"_s, {}}, fails{u"failures/s"_s, u"#d62728"_s, {}};
    ChartSeries p50{u"p50 (current)"_s, u"#2ca02c"_s, {}}, p95{u"p95 (current)"_s, u"#ff7f0e"_s, {}};
    ChartSeries users{u"users"_s, u"#9467bd"_s, {}}, target{u"target users"_s, u"#bbbbbb"_s, {}};
    double peakRps = 0, sumRps = 0;
    int rpsCount = 0;
    for (const LoadSample &s : samples) {
        rps.points.append({s.elapsedS, s.rps});
        fails.points.append({s.elapsedS, s.failPerSec});
        p50.points.append({s.elapsedS, s.currentP50Ms});
        p95.points.append({s.elapsedS, s.currentP95Ms});
        users.points.append({s.elapsedS, double(s.userCount)});
        target.points.append({s.elapsedS, double(s.targetUsers)});
        peakRps = std::max(peakRps, s.rps);
        if (s.state == LocustState::Running) {
            sumRps += s.rps;
            ++rpsCount;
        }
    }
    const double durationS = samples.isEmpty() ? 0 : samples.last().elapsedS - samples.first().elapsedS;

    QString h;
    h += u"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Load test report</title>\n"_s;
    h += u"<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 20px}"
         "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;font-size:13px}th{background:#f2f2f2}"
         "td.l,th.l{text-align:left}h1{font-size:22px}h2{font-size:17px;margin-top:28px}svg{display:block;"
         "margin:8px 0}.bad{color:#b00}</style>\n</head><body>\n"_s;
    h += u"<h1>Load test report</h1>\n"_s;
    h += u"<table>\n"_s;
    auto kv = [&h](const QString &k, const QString &v) {
        h += u"<tr><th class=\"l\">%1</th><td class=\"l\">%2</td></tr>\n"_s.arg(esc(k), esc(v));
    };
    kv(u"Target"_s, settings.host.isEmpty() ? u"(the master's default)"_s : settings.host);
    if (!settings.attachUrl.isEmpty())
        kv(u"Locust master"_s, settings.attachUrl.toString());
    else
        kv(u"Workers"_s, QString::number(settings.workers));
    kv(u"Users"_s, settings.ramp ? u"ramp %1"_s.arg(settings.ramp->spec()) : QString::number(settings.users));
    kv(u"Spawn rate"_s, u"%1 users/s"_s.arg(settings.spawnRate));
    kv(u"Run time"_s, formatDuration(settings.duration));
    kv(u"Started (UTC)"_s, settings.startedAt.isValid() ? settings.startedAt.toUTC().toString(Qt::ISODate) : u"–"_s);
    kv(u"Finished (UTC)"_s, settings.finishedAt.isValid() ? settings.finishedAt.toUTC().toString(Qt::ISODate) : u"–"_s);
    kv(u"Outcome"_s, settings.outcome.isEmpty() ? u"unknown"_s : settings.outcome);
    h += u"</table>\n"_s;

    h += u"<h2>Summary</h2>\n<table>\n"_s;
    if (final) {
        const EndpointStats &t = final->total;
        kv(u"Requests"_s, QString::number(t.numRequests));
        kv(u"Failures"_s, u"%1 (%2 %)"_s.arg(t.numFailures).arg(fmt(final->failRatio * 100, 2)));
        kv(u"Average requests/s (whole run)"_s, fmt(durationS > 0 ? double(t.numRequests) / durationS : 0));
        kv(u"Median / average / p90 / p95 / p99 / max (ms)"_s,
           u"%1 / %2 / %3 / %4 / %5 / %6"_s.arg(fmt(t.medianMs, 0), fmt(t.avgMs), fmt(t.p90Ms, 0),
                                                t.p95Ms ? fmt(*t.p95Ms, 0) : u"–"_s, fmt(t.p99Ms, 0), fmt(t.maxMs, 0)));
    }
    kv(u"Peak current requests/s"_s, fmt(peakRps));
    kv(u"Mean current requests/s while running"_s, fmt(rpsCount ? sumRps / rpsCount : 0));
    kv(u"Samples"_s, u"%1 over %2 s"_s.arg(samples.size()).arg(fmt(durationS, 0)));
    h += u"</table>\n"_s;

    h += u"<h2>Charts</h2>\n"_s;
    h += svgLineChart(u"Throughput"_s, u"per second"_s, {rps, fails});
    h += svgLineChart(u"Response time, last ~10 s window"_s, u"ms"_s, {p50, p95});
    h += svgLineChart(u"Users"_s, QString(), {users, target});
    h += renderPodsSection(LoadTimeline(samples, pods));

    if (final) {
        h += u"<h2>Requests per endpoint</h2>\n<table>\n<tr><th class=\"l\">Method</th><th class=\"l\">Name</th>"
             "<th>Requests</th><th>Failures</th><th>Median ms</th><th>Average ms</th><th>p90 ms</th><th>p95 ms</th>"
             "<th>p99 ms</th><th>Min ms</th><th>Max ms</th><th>Avg size B</th><th>Current req/s</th></tr>\n"_s;
        QList<EndpointStats> rows = final->endpoints;
        rows.append(final->total);
        for (const EndpointStats &e : rows) {
            h += u"<tr><td class=\"l\">%1</td><td class=\"l\">%2</td><td>%3</td><td%4>%5</td>"_s
                     .arg(esc(e.method), esc(e.name))
                     .arg(e.numRequests)
                     .arg(e.numFailures ? u" class=\"bad\""_s : QString())
                     .arg(e.numFailures);
            h += u"<td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td><td>%8</td><td>%9</td>"
                 "</tr>\n"_s.arg(fmt(e.medianMs, 0), fmt(e.avgMs), fmt(e.p90Ms, 0),
                                 e.p95Ms ? fmt(*e.p95Ms, 0) : u"–"_s, fmt(e.p99Ms, 0), fmt(e.minMs, 0), fmt(e.maxMs, 0),
                                 fmt(e.avgContentLength, 0), fmt(e.currentRps));
        }
        h += u"</table>\n"_s;
        if (const QList<VersionFigures> versions = versionFigures(*final); !versions.isEmpty()) {
            // The canary product's pages again, by the version that answered (not part of the totals above).
            h += u"<h2>By version of productcatalogservice</h2>\n<table id=\"versions\">\n<tr><th class=\"l\">Version</th>"
                 "<th>Requests</th><th>Failures</th><th>Median ms</th><th>p95 ms</th></tr>\n"_s;
            for (const VersionFigures &v : versions)
                h += u"<tr><td class=\"l\">%1</td><td>%2</td><td%3>%4</td><td>%5</td><td>%6</td></tr>\n"_s
                         .arg(esc(v.version))
                         .arg(v.requests)
                         .arg(v.failures ? u" class=\"bad\""_s : QString())
                         .arg(v.failures)
                         .arg(fmt(v.medianMs, 0), v.p95Ms ? fmt(*v.p95Ms, 0) : u"–"_s);
            h += u"</table>\n"_s;
        }
        h += u"<h2>Errors</h2>\n"_s;
        if (final->errors.isEmpty()) {
            h += u"<p>None.</p>\n"_s;
        } else {
            h += u"<table>\n<tr><th class=\"l\">Method</th><th class=\"l\">Name</th><th class=\"l\">Error</th>"
                 "<th>Occurrences</th></tr>\n"_s;
            for (const ErrorStats &e : final->errors)
                h += u"<tr><td class=\"l\">%1</td><td class=\"l\">%2</td><td class=\"l\">%3</td><td>%4</td></tr>\n"_s
                         .arg(esc(e.method), esc(e.name), esc(e.error))
                         .arg(e.occurrences);
            h += u"</table>\n"_s;
        }
        if (final->isMaster) {
            h += u"<h2>Workers at the end</h2>\n<table>\n<tr><th class=\"l\">Id</th><th class=\"l\">State</th>"
                 "<th>Users</th><th>CPU %</th><th>Memory MiB</th></tr>\n"_s;
            for (const WorkerStats &w : final->workers)
                h += u"<tr><td class=\"l\">%1</td><td class=\"l\"%2>%3</td><td>%4</td><td>%5</td><td>%6</td></tr>\n"_s
                         .arg(esc(w.id), w.state == LocustState::Missing ? u" class=\"bad\""_s : QString(),
                              locustStateName(w.state))
                         .arg(w.userCount)
                         .arg(fmt(w.cpuPercent), fmt(double(w.memoryBytes) / (1024.0 * 1024.0)));
            h += u"</table>\n"_s;
        }
    } else {
        h += u"<p>No final statistics were received from Locust.</p>\n"_s;
    }
    h += u"<p style=\"color:#888;font-size:12px\">Generated by Boutique Control from the run's history (%1 samples). "
         "Percentiles per endpoint are Locust's cumulative ones (p95 from its CSV download).</p>\n"_s.arg(
             samples.size());
    h += u"</body></html>\n"_s;
    return h;
}

} // namespace bc
