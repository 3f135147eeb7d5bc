#include "widgets/pods/load_overlay.h"

#include <QChart>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

QValueAxis *makeAxis(QChart *chart, const QString &title, const QColor &color)
{
    auto *axis = new QValueAxis;
    axis->setTitleText(title);
    axis->setLabelFormat(u"%.0f"_s);
    axis->setTickCount(6);
    axis->setGridLineVisible(false); // the CPU axis's grid is the one to read against
    axis->setLabelsColor(color);
    axis->setTitleBrush(color);
    axis->setRange(0, 10);
    chart->addAxis(axis, Qt::AlignRight);
    return axis;
}

QLineSeries *makeSeries(const QString &name, const QColor &color)
{
    auto *series = new QLineSeries;
    series->setName(name);
    QPen pen(color);
    pen.setWidthF(2);
    pen.setStyle(Qt::DashLine);
    series->setPen(pen);
    return series;
}

void scale(QValueAxis *axis, const QList<QPointF> &points)
{
    double max = 10;
    for (const QPointF &p : points)
        max = std::max(max, p.y());
    axis->setRange(0, max * 1.15);
    axis->applyNiceNumbers();
}

} // namespace

LoadOverlay::LoadOverlay(QChart *chart)
    : m_chart(chart)
{
    // Dark blue and dark orange dashes: apart from the theme's pod colours and readable on light and dark.
    const QColor rpsColor(0x1f, 0x4e, 0x9c), p95Color(0xc0, 0x50, 0x00);
    m_rpsAxis = makeAxis(chart, QObject::tr("requests/s"), rpsColor);
    m_p95Axis = makeAxis(chart, QObject::tr("p95 ms"), p95Color);
    m_rps = makeSeries(QObject::tr("requests/s"), rpsColor);
    m_p95 = makeSeries(QObject::tr("p95 ms"), p95Color);
    show({}, {});
}

void LoadOverlay::show(const QList<QPointF> &rps, const QList<QPointF> &p95)
{
    const bool any = !rps.isEmpty() || !p95.isEmpty();
    for (QValueAxis *axis : {m_rpsAxis, m_p95Axis})
        axis->setVisible(any);
    // In the chart only while shown: its series() stay the pods' alone without a load run.
    if (any != isShown()) {
        for (const auto &[series, axis] : {std::pair{m_rps, m_rpsAxis}, std::pair{m_p95, m_p95Axis}}) {
            if (any) {
                m_chart->addSeries(series);
                series->attachAxis(m_chart->axes(Qt::Horizontal).value(0));
                series->attachAxis(axis);
            } else {
                m_chart->removeSeries(series); // back to us: we own it while it is out
            }
        }
    }
    m_rps->replace(rps);
    m_p95->replace(p95);
    scale(m_rpsAxis, rps);
    scale(m_p95Axis, p95);
}

LoadOverlay::~LoadOverlay()
{
    if (!isShown()) {
        delete m_rps;
        delete m_p95;
    }
}

bool LoadOverlay::isShown() const
{
    return m_rps->chart() == m_chart;
}

} // namespace bc
