#include "widgets/charts/live_chart.h"

#include <QApplication>
#include <QChart>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc {

LiveChart::LiveChart(const QString &title, const QString &yTitle, QWidget *parent)
    : QChartView(new QChart, parent), m_x(new QValueAxis), m_y(new QValueAxis), m_y2(new QValueAxis)
{
    setRenderHint(QPainter::Antialiasing);
    chart()->setTitle(title);
    chart()->legend()->setAlignment(Qt::AlignBottom);
    chart()->setMargins(QMargins(4, 4, 4, 4));
    // The unit rides on the labels: an axis title costs a line of the plot, which a short chart lacks.
    m_x->setLabelFormat(u"%ds"_s);
    m_y->setTitleText(yTitle);
    m_y->setLabelFormat(u"%g"_s);
    chart()->addAxis(m_x, Qt::AlignBottom);
    chart()->addAxis(m_y, Qt::AlignLeft);
    chart()->addAxis(m_y2, Qt::AlignRight);
    m_y2->setLabelFormat(u"%g"_s);
    m_y2->setGridLineVisible(false); // the left axis's grid is the one to read against
    m_y2->setVisible(false);
    m_x->setRange(0, 60);
    m_y->setRange(0, 1);
    m_y2->setRange(0, 1);
    for (QValueAxis *axis : {m_x, m_y, m_y2}) {
        axis->setTickType(QValueAxis::TicksDynamic); // labels at multiples of the interval, from 0
        axis->setTickAnchor(0);
    }
    m_x->setTickInterval(10);
    m_y->setTickInterval(0.2);
    m_y2->setTickInterval(0.2);
    updateColors();
    setMinimumHeight(180);
    m_flush.setInterval(250ms);
    connect(&m_flush, &QTimer::timeout, this, [this] {
        if (std::exchange(m_dirty, false))
            refreshNow();
    });
    m_flush.start();
}

QLineSeries *LiveChart::addSeries(const QString &name, Source source, Qt::PenStyle style)
{
    return bind(name, std::move(source), style, false);
}

QLineSeries *LiveChart::addRightSeries(const QString &name, Source source, Qt::PenStyle style)
{
    m_y2->setVisible(true);
    return bind(name, std::move(source), style, true);
}

void LiveChart::setRightTitle(const QString &title)
{
    m_y2->setTitleText(title);
}

QLineSeries *LiveChart::bind(const QString &name, Source source, Qt::PenStyle style, bool right)
{
    auto *series = new QLineSeries(this);
    series->setName(name);
    chart()->addSeries(series);
    series->attachAxis(m_x);
    series->attachAxis(right ? m_y2 : m_y);
    // One pixel wide: the raster engine draws such lines on its fast path; wider ones go through a
    // path stroker that costs several times more per point.
    QPen pen = series->pen();
    pen.setWidthF(1);
    pen.setStyle(style);
    series->setPen(pen);
    m_bindings.append({series, std::move(source), right});
    m_dirty = true;
    return series;
}

void LiveChart::removeSeries(QLineSeries *series)
{
    m_bindings.removeIf([series](const Binding &b) { return b.series == series; });
    m_y2->setVisible(std::any_of(m_bindings.cbegin(), m_bindings.cend(), [](const Binding &b) { return b.right; }));
    chart()->removeSeries(series);
    series->deleteLater();
    m_dirty = true;
}

QList<QPointF> LiveChart::thinToColumns(const QList<QPointF> &points, double xMin, double xMax, int columns)
{
    if (columns <= 0 || points.size() <= 2 * qsizetype(columns) + 2 || !(xMax > xMin))
        return points;
    QList<QPointF> out;
    out.reserve(2 * columns + 2);
    const double scale = columns / (xMax - xMin);
    qsizetype low = 0, high = 0;
    int column = -1;
    const auto keep = [&](qsizetype i) {
        if (out.isEmpty() || out.last() != points.at(i))
            out.append(points.at(i));
    };
    const auto flush = [&] {
        keep(std::min(low, high));
        keep(std::max(low, high));
    };
    keep(0);
    for (qsizetype i = 0; i < points.size(); ++i) {
        const int c = std::clamp(int((points.at(i).x() - xMin) * scale), 0, columns - 1);
        if (c != column) {
            if (column >= 0)
                flush();
            column = c;
            low = high = i;
            continue;
        }
        if (points.at(i).y() < points.at(low).y())
            low = i;
        if (points.at(i).y() > points.at(high).y())
            high = i;
    }
    flush();
    keep(points.size() - 1);
    return out;
}

namespace {

// The smallest 1, 2 or 5 times a power of ten that is at least `raw` (> 0).
double niceStep(double raw)
{
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0, 10.0})
        if (m * magnitude >= raw * (1 - 1e-9))
            return m * magnitude;
    return 10 * magnitude;
}

// An axis change re-lays out the whole chart and recomputes every series: only when the range moves. Of
// range and tick interval, the change that lowers the tick count goes first: the other order can ask
// for a tick every 0.2 s over two hours for a moment, and the axis builds every one of those ticks.
void setAxis(QValueAxis *axis, double from, double to, double tick)
{
    if (axis->tickInterval() < tick)
        axis->setTickInterval(tick);
    if (axis->min() != from || axis->max() != to)
        axis->setRange(from, to);
    if (axis->tickInterval() != tick)
        axis->setTickInterval(tick);
}

} // namespace

void LiveChart::refreshNow()
{
    double maxX = 60, maxY = 0, maxY2 = 0, minX = 0;
    bool any = false;
    QList<QList<QPointF>> all;
    all.reserve(m_bindings.size());
    for (const Binding &b : std::as_const(m_bindings)) {
        QList<QPointF> points = b.source();
        points.removeIf([](const QPointF &p) { return std::isnan(p.y()) || std::isnan(p.x()); });
        for (const QPointF &p : std::as_const(points)) {
            minX = any ? std::min(minX, p.x()) : p.x();
            maxX = std::max(maxX, p.x());
            double &top = b.right ? maxY2 : maxY;
            top = std::max(top, p.y());
            any = true;
        }
        all.append(std::move(points));
    }
    // Both ranges snap to round steps, so that most new samples change no axis: a new sample then costs
    // only the series it adds to (and the x range the thinning works on stays put).
    const double spanX = std::max(maxX - (any ? minX : 0), 10.0);
    const double snapX = niceStep(spanX / 10);
    const double xFrom = any ? std::floor(minX / snapX) * snapX : 0;
    const double xTo = std::max(std::ceil(maxX / snapX) * snapX, xFrom + snapX);
    // As many value labels as fit (a label needs ~28 px): past that the chart elides every one of them.
    const double plotHeight = chart()->plotArea().height() > 0 ? chart()->plotArea().height() : 140;
    const int yTicks = std::clamp(int(plotHeight / 28), 1, 5);
    const double tickY = niceStep((maxY > 0 ? maxY * 1.05 : 1.0) / yTicks);
    const double yTo = maxY > 0 ? std::ceil(maxY * 1.05 / tickY) * tickY : tickY * yTicks;
    setAxis(m_x, xFrom, xTo, niceStep((xTo - xFrom) / 6));
    setAxis(m_y, 0, yTo, tickY);
    if (m_y2->isVisible()) {
        const double tick2 = niceStep((maxY2 > 0 ? maxY2 * 1.05 : 1.0) / yTicks);
        setAxis(m_y2, 0, maxY2 > 0 ? std::ceil(maxY2 * 1.05 / tick2) * tick2 : tick2 * yTicks, tick2);
    }
    const int columns = int(chart()->plotArea().width() > 0 ? chart()->plotArea().width() : width()) / 3;
    for (qsizetype i = 0; i < m_bindings.size(); ++i)
        m_bindings[i].series->replace(thinToColumns(all[i], xFrom, xTo, columns)); // one repaint per series
}

void LiveChart::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    m_dirty = true; // the number of value labels that fit may have changed
}

void LiveChart::updateColors()
{
    const QPalette pal = QApplication::palette(this);
    chart()->setBackgroundBrush(pal.base());
    chart()->setTitleBrush(pal.text());
    chart()->legend()->setLabelColor(pal.color(QPalette::Text));
    for (QValueAxis *axis : {m_x, m_y, m_y2}) {
        axis->setLabelsColor(pal.color(QPalette::Text));
        axis->setTitleBrush(pal.text());
        axis->setGridLineColor(pal.color(QPalette::Mid));
    }
}

void LiveChart::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        updateColors();
    QChartView::changeEvent(event);
}

} // namespace bc
