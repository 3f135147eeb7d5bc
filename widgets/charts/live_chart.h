#pragma once

#include <QChartView>
#include <QList>
#include <QPointF>
#include <QTimer>

#include <functional>

class QLineSeries;
class QValueAxis;

namespace bc {

// A line chart that redraws at most a few times a second: each series is bound to a function returning
// its points (copied from a ring buffer), and a timer replaces whole series when marked dirty. Long
// histories are thinned to a few points per pixel column before they reach the series, so an update
// costs the same for one minute or two hours of samples.
class LiveChart : public QChartView
{
    Q_OBJECT
public:
    using Source = std::function<QList<QPointF>()>;

    LiveChart(const QString &title, const QString &yTitle, QWidget *parent = nullptr);

    QLineSeries *addSeries(const QString &name, Source source, Qt::PenStyle style = Qt::SolidLine);
    // On a second value axis at the right, in another unit (the CPU of pods beside requests/s); the axis
    // shows while it has a series.
    QLineSeries *addRightSeries(const QString &name, Source source, Qt::PenStyle style = Qt::DashLine);
    void setRightTitle(const QString &title);
    QValueAxis *rightAxis() const { return m_y2; }
    void removeSeries(QLineSeries *series);
    void markDirty() { m_dirty = true; }
    void refreshNow();
    int seriesCount() const { return int(m_bindings.size()); }

    // Points ordered by x, thinned to the lowest and highest point of each of `columns` equal slices of
    // [xMin, xMax], plus the first and the last point: the polyline drawn at that width looks the same.
    // Returned unchanged when it has no more than 2 points per column.
    static QList<QPointF> thinToColumns(const QList<QPointF> &points, double xMin, double xMax, int columns);

private:
    struct Binding
    {
        QLineSeries *series;
        Source source;
        bool right = false;
    };
    QLineSeries *bind(const QString &name, Source source, Qt::PenStyle style, bool right);
    void updateColors();
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

    QList<Binding> m_bindings;
    QValueAxis *m_x;
    QValueAxis *m_y;
    QValueAxis *m_y2;
    QTimer m_flush;
    bool m_dirty = false;
};

} // namespace bc
