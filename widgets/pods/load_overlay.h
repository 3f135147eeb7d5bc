#pragma once

#include <QList>
#include <QPointF>

class QChart;
class QLineSeries;
class QValueAxis;

namespace bc {

// Requests/s and p95 of a load run on a chart whose x axis is wall time (a QDateTimeAxis in ms since the
// epoch, as the Pods charts are): two value axes at the right, one per unit, that show only while there
// is load to draw.
class LoadOverlay
{
public:
    explicit LoadOverlay(QChart *chart); // the chart outlives the overlay
    ~LoadOverlay();
    LoadOverlay(const LoadOverlay &) = delete;
    LoadOverlay &operator=(const LoadOverlay &) = delete;

    // x in ms since the epoch; empty lists hide the overlay.
    void show(const QList<QPointF> &rps, const QList<QPointF> &p95);
    bool isShown() const;
    QLineSeries *rpsSeries() const { return m_rps; }
    QLineSeries *p95Series() const { return m_p95; }

private:
    QChart *m_chart;
    QValueAxis *m_rpsAxis;
    QValueAxis *m_p95Axis;
    QLineSeries *m_rps;
    QLineSeries *m_p95;
};

} // namespace bc
