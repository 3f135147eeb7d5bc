#pragma once

#include "backend/load/load_report.h"
#include "backend/timeline/load_timeline.h"

#include <QString>

namespace bc {

// One line chart with two value axes (left and right) as an <svg id="ID"> element, x in seconds of the
// run. Each line is a <path data-series="NAME" data-axis="left|right">, so a reader can take the report
// apart. Empty series draw "no data".
QString svgTwoAxisChart(const QString &id, const QString &title, const QString &leftUnit,
    const QList<ChartSeries> &left, const QString &rightUnit, const QList<ChartSeries> &right, int width = 860,
    int height = 280);

// The report's "Load and pods" section: requests/s and p95 against the CPU of the busiest pods on the
// run's clock, and a table of each pod's busiest moment with the load at that moment. Empty without
// pod samples.
QString renderPodsSection(const LoadTimeline &timeline, int chartedPods = 4);

} // namespace bc
