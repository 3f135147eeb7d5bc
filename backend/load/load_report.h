#pragma once

#include "backend/load/load_history.h"
#include "backend/load/load_run_settings.h"
#include "backend/load/locust_stats.h"
#include "backend/timeline/pod_sample.h"

#include <QList>
#include <QPointF>
#include <QString>

#include <optional>

namespace bc {

// A self-contained HTML report of one run: settings, summary, per-endpoint and error tables, and
// inline SVG charts drawn from the history here (no script, no network resource). With the pod series
// taken while it ran, also the load and the pods' CPU on one clock (section "Load and pods").
QString renderLoadReport(const LoadRunSettings &settings, const QList<LoadSample> &samples,
                         const std::optional<StatsSnapshot> &final, const QList<PodSample> &pods = {});

struct ChartSeries
{
    QString name;
    QString color; // CSS colour
    QList<QPointF> points;
};

// One line chart as an <svg> element; x in seconds, y in the given unit. Empty series draw "no data".
QString svgLineChart(const QString &title, const QString &unit, const QList<ChartSeries> &series, int width = 860,
                     int height = 260);

} // namespace bc
