// LiveChart's thinning of long histories: the drawn line keeps every column's extremes and ends.
#include "widgets/charts/live_chart.h"

#include <QChart>
#include <QLineSeries>
#include <QValueAxis>
#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;

class TstLiveChart : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void shortSeriesAreUntouched()
    {
        const QList<QPointF> points{{0, 1}, {1, 5}, {2, 3}};
        QCOMPARE(bc::LiveChart::thinToColumns(points, 0, 2, 100), points);
    }

    void longSeriesKeepEachColumnsExtremes()
    {
        QList<QPointF> points;
        for (int i = 0; i < 3600; ++i)
            points.append({i * 2.0, std::sin(i * 0.37) * 100 + (i == 1234 ? 900 : 0)});
        const int columns = 100;
        const QList<QPointF> thin = bc::LiveChart::thinToColumns(points, 0, 7198, columns);
        QVERIFY(thin.size() <= 2 * columns + 2);
        QVERIFY(thin.size() >= columns);
        QCOMPARE(thin.first(), points.first());
        QCOMPARE(thin.last(), points.last());
        QVERIFY(thin.contains(points.at(1234))); // the spike survives
        for (qsizetype i = 1; i < thin.size(); ++i)
            QVERIFY(thin[i].x() > thin[i - 1].x()); // still in time order, no duplicates
        // Per column, the same highest and lowest value as the full series.
        for (int c = 0; c < columns; ++c) {
            double hiAll = -1e9, loAll = 1e9, hiThin = -1e9, loThin = 1e9;
            const auto column = [&](const QPointF &p) { return std::min(int(p.x() * columns / 7198), columns - 1); };
            for (const QPointF &p : points)
                if (column(p) == c) {
                    hiAll = std::max(hiAll, p.y());
                    loAll = std::min(loAll, p.y());
                }
            for (const QPointF &p : thin)
                if (column(p) == c) {
                    hiThin = std::max(hiThin, p.y());
                    loThin = std::min(loThin, p.y());
                }
            QCOMPARE(hiThin, hiAll);
            QCOMPARE(loThin, loAll);
        }
    }

    void chartThinsWhatItDraws()
    {
        bc::LiveChart chart(u"t"_s, u"ms"_s);
        chart.resize(400, 300);
        chart.show();
        QList<QPointF> points;
        for (int i = 0; i < 3600; ++i)
            points.append({i * 2.0, double(i % 17)});
        QLineSeries *series = chart.addSeries(u"s"_s, [&points] { return points; });
        chart.refreshNow();
        QVERIFY(series->count() > 0);
        QVERIFY2(series->count() <= 2 * 400 + 2, qPrintable(QString::number(series->count())));
    }

    // From an empty chart to two hours of samples in the thousands: at no moment may an axis ask for more
    // than a few dozen ticks (each one is a graphics item; 0.2 ms ticks over 2 h froze the panel).
    void axesNeverAskForThousandsOfTicks()
    {
        bc::LiveChart chart(u"t"_s, u"ms"_s);
        chart.resize(400, 300);
        chart.show();
        QList<QPointF> points{{0, 0.5}};
        chart.addSeries(u"s"_s, [&points] { return points; });
        chart.refreshNow();
        double worst = 0;
        const auto axes = chart.chart()->axes();
        for (QAbstractAxis *a : axes) {
            auto *axis = qobject_cast<QValueAxis *>(a);
            QVERIFY(axis);
            const auto count = [axis, &worst] { worst = std::max(worst, (axis->max() - axis->min()) / axis->tickInterval()); };
            connect(axis, &QValueAxis::rangeChanged, this, count);
            connect(axis, &QValueAxis::tickIntervalChanged, this, count);
        }
        for (int i = 0; i < 3600; ++i)
            points.append({i * 2.0, 4000.0 + i % 100});
        chart.refreshNow();
        points = {{0, 0.5}, {1, 0.7}};
        chart.refreshNow();
        QVERIFY2(worst > 0 && worst <= 20, qPrintable(QString::number(worst)));
        for (QAbstractAxis *a : axes) {
            auto *axis = qobject_cast<QValueAxis *>(a);
            const double ticks = (axis->max() - axis->min()) / axis->tickInterval();
            QVERIFY2(ticks >= 2 && ticks <= 12, qPrintable(QString::number(ticks)));
        }
    }
};

QTEST_MAIN(TstLiveChart)
#include "tst_live_chart.moc"
