#include "widgets/charts/live_chart.h"

#include <QApplication>
#include <QChart>
#include <QLineSeries>
#include <QValueAxis>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc {

LiveChart::LiveChart(const QString &title, const QString &yTitle, QWidget *parent)
    : QChartView(new QChart, parent), m_x(new QValueAxis), m_y(new QValueAxis)
{
    setRenderHint(QPainter::Antialiasing);
    chart()->setTitle(title);
    chart()->legend()->setAlignment(Qt::AlignBottom);
    chart()->setMargins(QMargins(4, 4, 4, 4));
    m_x->setTitleText(u"seconds"_s);
    m_x->setLabelFormat(u"%d"_s);
    m_y->setTitleText(yTitle);
    m_y->setLabelFormat(u"%g"_s);
    chart()->addAxis(m_x, Qt::AlignBottom);
    chart()->addAxis(m_y, Qt::AlignLeft);
    m_x->setRange(0, 60);
    m_y->setRange(0, 1);
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
    auto *series = new QLineSeries(this);
    series->setName(name);
    chart()->addSeries(series);
    series->attachAxis(m_x);
    series->attachAxis(m_y);
    if (style != Qt::SolidLine) {
        QPen pen = series->pen();
        pen.setStyle(style);
        series->setPen(pen);
    }
    m_bindings.append({series, std::move(source)});
    m_dirty = true;
    return series;
}

void LiveChart::removeSeries(QLineSeries *series)
{
    m_bindings.removeIf([series](const Binding &b) { return b.series == series; });
    chart()->removeSeries(series);
    series->deleteLater();
    m_dirty = true;
}

void LiveChart::refreshNow()
{
    double maxX = 60, maxY = 0, minX = 0;
    bool any = false;
    for (const Binding &b : std::as_const(m_bindings)) {
        QList<QPointF> points = b.source();
        points.removeIf([](const QPointF &p) { return std::isnan(p.y()) || std::isnan(p.x()); });
        for (const QPointF &p : std::as_const(points)) {
            if (!any || p.x() < minX)
                minX = any ? std::min(minX, p.x()) : p.x();
            maxX = std::max(maxX, p.x());
            maxY = std::max(maxY, p.y());
            any = true;
        }
        b.series->replace(points); // one repaint per series, however many points
    }
    m_x->setRange(any ? minX : 0, std::max(maxX, (any ? minX : 0) + 10));
    m_y->setRange(0, maxY > 0 ? maxY * 1.1 : 1);
    m_y->applyNiceNumbers(); // ticks at 0, 2, 4 ... rather than 1.86875
}

void LiveChart::updateColors()
{
    const QPalette pal = QApplication::palette(this);
    chart()->setBackgroundBrush(pal.base());
    chart()->setTitleBrush(pal.text());
    chart()->legend()->setLabelColor(pal.color(QPalette::Text));
    for (QValueAxis *axis : {m_x, m_y}) {
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
