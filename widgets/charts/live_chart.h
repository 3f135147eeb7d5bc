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
// its points (copied from a ring buffer), and a timer replaces whole series when marked dirty.
class LiveChart : public QChartView
{
    Q_OBJECT
public:
    using Source = std::function<QList<QPointF>()>;

    LiveChart(const QString &title, const QString &yTitle, QWidget *parent = nullptr);

    QLineSeries *addSeries(const QString &name, Source source, Qt::PenStyle style = Qt::SolidLine);
    void removeSeries(QLineSeries *series);
    void markDirty() { m_dirty = true; }
    void refreshNow();
    int seriesCount() const { return int(m_bindings.size()); }

private:
    struct Binding
    {
        QLineSeries *series;
        Source source;
    };
    void updateColors();
    void changeEvent(QEvent *event) override;

    QList<Binding> m_bindings;
    QValueAxis *m_x;
    QValueAxis *m_y;
    QTimer m_flush;
    bool m_dirty = false;
};

} // namespace bc
