#include "backend/timeline/timeline_report.h"

#include "backend/kube/quantity.h"

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

double niceStep(double range, int ticks)
{
    if (!(range > 0))
        return 1;
    const double raw = range / ticks;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double norm = raw / mag;
    return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

QString label(double v)
{
    return v == std::floor(v) && std::abs(v) < 1e12 ? QString::number(qint64(v)) : QString::number(v, 'g', 3);
}

struct Scale
{
    double top = 1;
    double step = 1;
};

Scale valueScale(const QList<ChartSeries> &series)
{
    double max = 0;
    for (const ChartSeries &s : series)
        for (const QPointF &p : s.points)
            if (!std::isnan(p.y()))
                max = std::max(max, p.y());
    const double padded = max > 0 ? max * 1.05 : 1;
    const double step = niceStep(padded, 5);
    return {std::max(step, std::ceil(padded / step) * step), step};
}

QString fmt(double v, int decimals)
{
    return std::isnan(v) ? u"–"_s : QString::number(v, 'f', decimals);
}

// Distinct from the load lines (blue, orange): the pods take greens, purples, browns, pinks.
const char *const kPodColors[] = {"#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"};

} // namespace

QString svgTwoAxisChart(const QString &id, const QString &title, const QString &leftUnit,
    const QList<ChartSeries> &left, const QString &rightUnit, const QList<ChartSeries> &right, int width, int height)
{
    const double l = 64, r = 64, top = 48, bottom = 40;
    const double plotW = width - l - r, plotH = height - top - bottom;
    double xMin = 0, xMax = 0;
    bool any = false;
    for (const QList<ChartSeries> *side : {&left, &right})
        for (const ChartSeries &s : *side)
            for (const QPointF &p : s.points) {
                if (std::isnan(p.y()))
                    continue;
                xMin = any ? std::min(xMin, p.x()) : p.x();
                xMax = any ? std::max(xMax, p.x()) : p.x();
                any = true;
            }
    QString svg = u"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"%1\" width=\"%2\" height=\"%3\" "
                  "viewBox=\"0 0 %2 %3\" role=\"img\" aria-label=\"%4\">\n"_s.arg(esc(id)).arg(width).arg(height).arg(esc(title));
    svg += u"<rect x=\"0\" y=\"0\" width=\"%1\" height=\"%2\" fill=\"#fff\"/>\n"_s.arg(width).arg(height);
    svg += u"<text x=\"%1\" y=\"16\" font-size=\"14\" font-weight=\"bold\">%2</text>\n"_s.arg(l).arg(esc(title));
    if (!any) {
        svg += u"<text x=\"%1\" y=\"%2\" font-size=\"13\" fill=\"#888\">no data</text>\n</svg>\n"_s.arg(l + plotW / 2 - 25)
                   .arg(top + plotH / 2);
        return svg;
    }
    const double xStep = niceStep(std::max(xMax - xMin, 1.0), 8);
    xMin = std::floor(xMin / xStep) * xStep;
    xMax = std::max(std::ceil(xMax / xStep - 1e-9) * xStep, xMin + xStep);
    const Scale ls = valueScale(left), rs = valueScale(right);
    const auto px = [&](double x) { return l + (x - xMin) / (xMax - xMin) * plotW; };
    const auto py = [&](double y, const Scale &s) { return top + plotH - y / s.top * plotH; };

    svg += u"<g font-size=\"11\" fill=\"#555\" stroke=\"none\">\n"_s;
    for (double y = 0; y <= ls.top + ls.step / 2; y += ls.step) {
        svg += u"<line x1=\"%1\" y1=\"%2\" x2=\"%3\" y2=\"%2\" stroke=\"#e4e4e4\"/>"_s.arg(l).arg(py(y, ls), 0, 'f', 1).arg(l + plotW);
        svg += u"<text x=\"%1\" y=\"%2\" text-anchor=\"end\">%3</text>\n"_s.arg(l - 6).arg(py(y, ls) + 4, 0, 'f', 1).arg(label(y));
    }
    for (double y = 0; y <= rs.top + rs.step / 2; y += rs.step)
        svg += u"<text x=\"%1\" y=\"%2\" text-anchor=\"start\">%3</text>\n"_s.arg(l + plotW + 6)
                   .arg(py(y, rs) + 4, 0, 'f', 1)
                   .arg(label(y));
    for (double x = xMin; x <= xMax + 1e-9; x += xStep)
        svg += u"<text x=\"%1\" y=\"%2\" text-anchor=\"middle\">%3</text>\n"_s.arg(px(x), 0, 'f', 1)
                   .arg(top + plotH + 16)
                   .arg(label(x));
    svg += u"<text x=\"%1\" y=\"%2\" text-anchor=\"middle\">elapsed (s)</text>\n"_s.arg(l + plotW / 2).arg(height - 6);
    svg += u"<text x=\"%1\" y=\"%2\" text-anchor=\"start\">%3</text>\n"_s.arg(4).arg(top - 8).arg(esc(leftUnit));
    svg += u"<text x=\"%1\" y=\"%2\" text-anchor=\"end\">%3</text>\n"_s.arg(width - 4).arg(top - 8).arg(esc(rightUnit));
    svg += u"</g>\n<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\" fill=\"none\" stroke=\"#999\"/>\n"_s.arg(l).arg(top).arg(plotW).arg(plotH);

    // Legend on one line under the title: load (solid) first, then pods (dashed).
    double legendX = l;
    const auto legend = [&](const ChartSeries &s, bool dashed) {
        svg += u"<line x1=\"%1\" y1=\"27\" x2=\"%2\" y2=\"27\" stroke=\"%3\" stroke-width=\"3\"%4/>"
               "<text x=\"%5\" y=\"31\" font-size=\"12\">%6</text>\n"_s.arg(legendX, 0, 'f', 1)
                   .arg(legendX + 16, 0, 'f', 1)
                   .arg(esc(s.color), dashed ? u" stroke-dasharray=\"4 2\""_s : QString())
                   .arg(legendX + 20, 0, 'f', 1)
                   .arg(esc(s.name));
        legendX += 20 + 6.5 * double(s.name.size()) + 14;
    };
    for (const ChartSeries &s : left)
        legend(s, false);
    for (const ChartSeries &s : right)
        legend(s, true);

    const auto path = [&](const ChartSeries &s, const Scale &scale, const QString &axis) {
        QString d;
        bool pen = false;
        for (const QPointF &p : s.points) {
            if (std::isnan(p.y())) {
                pen = false;
                continue;
            }
            d += u"%1%2,%3 "_s.arg(QChar(pen ? u'L' : u'M')).arg(px(p.x()), 0, 'f', 1).arg(py(p.y(), scale), 0, 'f', 1);
            pen = true;
        }
        if (d.isEmpty())
            return;
        svg += u"<path data-series=\"%1\" data-axis=\"%2\" d=\"%3\" fill=\"none\" stroke=\"%4\" stroke-width=\"1.8\"%5/>\n"_s
                   .arg(esc(s.name), axis, d.trimmed(), esc(s.color),
                       axis == u"right" ? u" stroke-dasharray=\"5 3\""_s : QString());
    };
    for (const ChartSeries &s : left)
        path(s, ls, u"left"_s);
    for (const ChartSeries &s : right)
        path(s, rs, u"right"_s);
    svg += u"</svg>\n"_s;
    return svg;
}

QString renderPodsSection(const LoadTimeline &timeline, int chartedPods)
{
    if (!timeline.hasPods())
        return {};
    const qint64 origin = timeline.originMs() >= 0 ? timeline.originMs() : 0;
    const QList<LoadTimeline::Peak> peaks = timeline.peaks();
    QList<ChartSeries> cpu, share;
    for (qsizetype i = 0; i < peaks.size() && i < chartedPods; ++i) {
        const QString color = QString::fromLatin1(kPodColors[size_t(i) % std::size(kPodColors)]);
        cpu.append({peaks[i].pod, color, LoadTimeline::elapsed(timeline.cpu(peaks[i].pod), origin)});
        QList<QPointF> ofLimit;
        for (const PodSample &s : timeline.samples(peaks[i].pod))
            if (const auto of = s.cpuOfLimit())
                ofLimit.append({(double(s.timestampMs) - double(origin)) / 1000.0, 100.0 * *of});
        if (!ofLimit.isEmpty())
            share.append({peaks[i].pod, color, ofLimit});
    }
    const ChartSeries rps{u"requests/s"_s, u"#1f77b4"_s, LoadTimeline::elapsed(timeline.rps(), origin)};
    const ChartSeries p95{u"p95 (current)"_s, u"#ff7f0e"_s, LoadTimeline::elapsed(timeline.p95(), origin)};
    const ChartSeries users{u"users"_s, u"#7f7f7f"_s, LoadTimeline::elapsed(timeline.users(), origin)};

    QString h = u"<h2 id=\"pods\">Load and pods</h2>\n"_s;
    h += u"<p>The CPU of the busiest pods (by share of their CPU limit), scraped from the metrics API while the run "
         "went on, on the same clock as the load (dashed, right axis).</p>\n"_s;
    h += svgTwoAxisChart(u"load-and-pods"_s, u"Requests/s and pod CPU"_s, u"per second"_s, {rps}, u"millicores"_s, cpu);
    h += svgTwoAxisChart(u"latency-and-pods"_s, u"Response time and pod CPU against its limit"_s, u"ms"_s, {p95},
        u"% of CPU limit"_s, share);
    h += svgTwoAxisChart(u"users-and-pods"_s, u"Users and pod CPU"_s, u"users"_s, {users}, u"millicores"_s, cpu);
    h += u"<table id=\"pod-peaks\">\n<tr><th class=\"l\">Pod</th><th class=\"l\">Deployment</th><th>Peak CPU</th>"
         "<th>CPU limit</th><th>Peak % of limit</th><th>Mean CPU</th><th>Peak memory MiB</th><th>At (s)</th>"
         "<th>Users then</th><th>Requests/s then</th><th>p95 ms then</th></tr>\n"_s;
    for (const LoadTimeline::Peak &p : peaks) {
        const bool hot = p.peakOfLimit && *p.peakOfLimit >= 0.9;
        h += u"<tr><td class=\"l\">%1</td><td class=\"l\">%2</td><td>%3</td><td>%4</td><td%5>%6</td><td>%7</td><td>%8</td>"
             "<td>%9</td>"_s.arg(esc(p.pod), esc(p.deployment), esc(formatMillicores(p.peakCpu)),
                 p.cpuLimit ? esc(formatMillicores(*p.cpuLimit)) : u"–"_s, hot ? u" class=\"bad\""_s : QString(),
                 p.peakOfLimit ? fmt(100 * *p.peakOfLimit, 0) + u" %"_s : u"–"_s, esc(formatMillicores(p.meanCpu)),
                 fmt(p.peakMemoryBytes / (1024.0 * 1024.0), 0), fmt((double(p.atMs) - double(origin)) / 1000.0, 0));
        if (p.loadThen)
            h += u"<td>%1</td><td>%2</td><td>%3</td></tr>\n"_s.arg(p.loadThen->userCount)
                     .arg(fmt(p.loadThen->rps, 1), fmt(p.loadThen->currentP95Ms, 0));
        else
            h += u"<td>–</td><td>–</td><td>–</td></tr>\n"_s;
    }
    h += u"</table>\n"_s;
    return h;
}

} // namespace bc
