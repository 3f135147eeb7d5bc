#include "backend/canary/canary_planner.h"

#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;
using bc::CanaryPlanner;

class TstCanaryPlanner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void examples_data()
    {
        QTest::addColumn<int>("percent");
        QTest::addColumn<int>("budget");
        QTest::addColumn<int>("v1");
        QTest::addColumn<int>("v2");
        QTest::newRow("lab canary 25% of 4") << 25 << 4 << 3 << 1;
        QTest::newRow("1% needs 99:1") << 1 << 100 << 99 << 1;
        QTest::newRow("1% in 10 pods is 10%") << 1 << 10 << 9 << 1;
        QTest::newRow("0% keeps v1 only") << 0 << 4 << 4 << 0;
        QTest::newRow("100% is v2 only") << 100 << 3 << 0 << 3;
        QTest::newRow("50% in 5 pods") << 50 << 5 << 2 << 2;
        QTest::newRow("one pod, low share") << 10 << 1 << 1 << 0;
        QTest::newRow("one pod, high share") << 90 << 1 << 0 << 1;
        QTest::newRow("99% in 10 pods") << 99 << 10 << 1 << 9;
    }
    void examples()
    {
        QFETCH(int, percent);
        QFETCH(int, budget);
        QFETCH(int, v1);
        QFETCH(int, v2);
        const auto plan = CanaryPlanner::planReplicas(percent, budget);
        QVERIFY(plan);
        QCOMPARE(plan.value().v1, v1);
        QCOMPARE(plan.value().v2, v2);
    }

    void summaryAndExplanation()
    {
        const auto exact = CanaryPlanner::planReplicas(25, 4);
        QCOMPARE(exact.value().summary(), u"v1=3 v2=1 achieved=25%"_s);
        QVERIFY(exact.value().exact());
        QVERIFY(exact.value().explanation().isEmpty());

        const auto nearest = CanaryPlanner::planReplicas(1, 10);
        QCOMPARE(nearest.value().summary(), u"v1=9 v2=1 achieved=10%"_s);
        QVERIFY(!nearest.value().exact());
        QVERIFY2(nearest.value().explanation().contains(u"needs 100 pods (99:1)"_s),
                 qPrintable(nearest.value().explanation()));
    }

    // Every percentage 0-100 and every budget 1-100, against an independent brute force over all splits.
    void exhaustive()
    {
        for (int budget = 1; budget <= 100; ++budget) {
            for (int percent = 0; percent <= 100; ++percent) {
                const auto result = CanaryPlanner::planReplicas(percent, budget);
                QVERIFY(result);
                const bc::ReplicaPlan &plan = result.value();
                const QByteArray where = QByteArray::number(percent) + "% budget " + QByteArray::number(budget);
                QVERIFY2(plan.v1 >= 0 && plan.v2 >= 0, where.constData());
                QVERIFY2(plan.total() >= 1, QByteArray("zero pods at " + where).constData());
                QVERIFY2(plan.total() <= budget, QByteArray("over budget at " + where).constData());
                if (budget >= 2 && percent > 0)
                    QVERIFY2(plan.v2 >= 1, QByteArray("a requested canary has no v2 pod at " + where).constData());
                if (budget >= 2 && percent < 100)
                    QVERIFY2(plan.v1 >= 1, QByteArray("v1 dropped to zero below 100% at " + where).constData());

                double bestError = 1e9;
                for (int n = 1; n <= budget; ++n)
                    for (int v2 = 0; v2 <= n; ++v2) {
                        const int v1 = n - v2;
                        if (budget >= 2 && ((percent > 0 && v2 == 0) || (percent < 100 && v1 == 0)))
                            continue;
                        bestError = std::min(bestError, std::abs(100.0 * v2 / n - percent));
                    }
                QVERIFY2(std::abs(std::abs(plan.achievedPercent() - percent) - bestError) < 1e-9,
                         QByteArray("not the closest share at " + where).constData());
                QCOMPARE(plan.exactV1 + plan.exactV2, plan.exactBudget);
                QCOMPARE(plan.exactV2 * 100, percent * plan.exactBudget);
                QCOMPARE(plan.exact(), plan.exactBudget <= budget);
            }
        }
    }

    void rejectsOutOfRange()
    {
        QCOMPARE(CanaryPlanner::planReplicas(101, 4).error().kind, bc::Error::Kind::Invalid);
        QCOMPARE(CanaryPlanner::planReplicas(-1, 4).error().kind, bc::Error::Kind::Invalid);
        QCOMPARE(CanaryPlanner::planReplicas(50, 0).error().kind, bc::Error::Kind::Invalid);
        QVERIFY(CanaryPlanner::planReplicas(50, 0).error().message.contains(u"budget"_s));
    }

    void weightsAreExact()
    {
        for (int p = 0; p <= 100; ++p) {
            const auto w = CanaryPlanner::planWeights(p);
            QCOMPARE(w.value().v2Weight, p);
            QCOMPARE(w.value().v1Weight + w.value().v2Weight, 100);
        }
    }
};

QTEST_GUILESS_MAIN(TstCanaryPlanner)
#include "tst_canary_planner.moc"
