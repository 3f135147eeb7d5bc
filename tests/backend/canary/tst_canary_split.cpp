// CanaryDetector over deployment shapes, the VirtualService weight patch, the Wilson interval, and the
// SplitVerifier against a small HTTP server on 127.0.0.1 that answers like the storefront.
#include "backend/canary/canary_controller.h"
#include "backend/canary/canary_detector.h"
#include "backend/canary/split_verifier.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

bc::Deployment deployment(const QString &name, const QString &version, int desired, int ready, const QString &image)
{
    bc::Deployment d;
    d.meta.name = name;
    d.templateLabels = {{u"app"_s, u"productcatalogservice"_s}};
    if (!version.isEmpty())
        d.templateLabels.insert(u"version"_s, version);
    d.desiredReplicas = desired;
    d.readyReplicas = ready;
    d.availableReplicas = ready;
    d.updatedReplicas = desired;
    bc::ContainerSpec c;
    c.name = u"server"_s;
    c.image = image;
    d.containers = {c};
    return d;
}

// Every `period`-th answer is v2; every `errorEvery`-th is a 500.
class FakeStorefront : public QObject
{
public:
    int period = 4;
    int errorEvery = 0;
    int served = 0;
    QTcpServer server;
    FakeStorefront()
    {
        QObject::connect(&server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = server.nextPendingConnection()) {
                QObject::connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    if (!s->readAll().contains("\r\n\r\n"))
                        return;
                    const int n = ++served;
                    QByteArray body;
                    QByteArray status = "200 OK";
                    if (errorEvery > 0 && n % errorEvery == 0) {
                        status = "500 Internal Server Error";
                        body = "<h1>Uh, oh!</h1>";
                    } else {
                        body = n % period == 0 ? "<h2>SunglassesV2</h2>" : "<h2>Sunglasses</h2>";
                    }
                    s->write("HTTP/1.1 " + status + "\r\nContent-Type: text/html\r\nContent-Length: "
                             + QByteArray::number(body.size()) + "\r\n\r\n" + body);
                });
                QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    QUrl url() const { return QUrl(u"http://127.0.0.1:%1/product/OLJCESPC7Z"_s.arg(server.serverPort())); }
};

} // namespace

class TstCanarySplit : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<bc::SplitStats>(); }

    void detectsByVersionLabel()
    {
        const QList<bc::Deployment> list{deployment(u"productcatalogservice-v2"_s, u"v2"_s, 1, 1, u"img:v2.1"_s),
                                         deployment(u"productcatalogservice"_s, u"v1"_s, 3, 2, u"img:v0.10"_s)};
        const auto state = bc::CanaryDetector::detect(list, u"productcatalogservice"_s);
        QVERIFY(state);
        QVERIFY(state.value().complete());
        QCOMPARE(state.value().v1->deployment, u"productcatalogservice"_s);
        QCOMPARE(state.value().v1->desired, 3);
        QCOMPARE(state.value().v1->ready, 2);
        QCOMPARE(state.value().v2->image, u"img:v2.1"_s);
        QCOMPARE(state.value().totalDesired(), 4);
        QCOMPARE(qRound(state.value().readyV2Percent()), 33);
    }

    void detectsByNameSuffixWithoutLabels()
    {
        const QList<bc::Deployment> list{deployment(u"productcatalogservice"_s, {}, 1, 1, u"a"_s),
                                         deployment(u"productcatalogservice-v2"_s, {}, 0, 0, u"b"_s),
                                         deployment(u"frontend"_s, {}, 1, 1, u"c"_s)};
        const auto state = bc::CanaryDetector::detect(list, u"productcatalogservice"_s);
        QVERIFY(state);
        QCOMPARE(state.value().v1->deployment, u"productcatalogservice"_s);
        QCOMPARE(state.value().v2->deployment, u"productcatalogservice-v2"_s);
    }

    void missingIsAClearError()
    {
        const auto none = bc::CanaryDetector::detect({deployment(u"frontend"_s, {}, 1, 1, u"c"_s)}, u"x"_s);
        QVERIFY(!none);
        QCOMPARE(none.error().kind, bc::Error::Kind::NotFound);
        const auto onlyV1 = bc::CanaryDetector::detect({deployment(u"productcatalogservice"_s, u"v1"_s, 1, 1, u"a"_s)},
                                                       u"productcatalogservice"_s);
        QVERIFY(onlyV1);
        QVERIFY(!onlyV1.value().complete());
        QVERIFY(onlyV1.value().summary().contains(u"v2 not found"_s));
    }

    void weightPatchNamesBothSubsets()
    {
        const auto doc = QJsonDocument::fromJson(bc::CanaryController::weightPatch(u"productcatalogservice"_s, 75, 25));
        const auto route = doc[u"spec"_s][u"http"_s][0][u"route"_s];
        QCOMPARE(route[0][u"destination"_s][u"subset"_s].toString(), u"v1"_s);
        QCOMPARE(route[0][u"weight"_s].toInt(), 75);
        QCOMPARE(route[1][u"destination"_s][u"subset"_s].toString(), u"v2"_s);
        QCOMPARE(route[1][u"weight"_s].toInt(), 25);
        QCOMPARE(route[1][u"destination"_s][u"host"_s].toString(), u"productcatalogservice"_s);
    }

    void wilsonInterval()
    {
        bc::SplitStats s;
        s.v2 = 500;
        s.v1 = 1500;
        const auto [lo, hi] = s.interval(1.96);
        // Wilson 95 % for 500/2000: [23.151, 26.944]
        QVERIFY2(qAbs(lo - 23.151) < 0.01, qPrintable(QString::number(lo)));
        QVERIFY2(qAbs(hi - 26.944) < 0.01, qPrintable(QString::number(hi)));
        // The verdict's 99.9 %: [21.954, 28.315]
        const auto [vlo, vhi] = s.interval();
        QVERIFY2(qAbs(vlo - 21.954) < 0.01, qPrintable(QString::number(vlo)));
        QVERIFY2(qAbs(vhi - 28.315) < 0.01, qPrintable(QString::number(vhi)));
        s.expectedPercent = 25;
        QVERIFY(s.expectedWithin());
        s.expectedPercent = 27.5;
        QVERIFY(!s.expectedWithin(1.96));
        QVERIFY(s.expectedWithin());
        s.expectedPercent = 28.5;
        QVERIFY(!s.expectedWithin());
        bc::SplitStats all;
        all.v2 = 100;
        QCOMPARE(all.interval().second, 100.0);
        QVERIFY(all.interval(1.96).first > 96 && all.interval(1.96).first < 97);
        QVERIFY(all.interval().first < all.interval(1.96).first);
        bc::SplitStats none;
        QCOMPARE(none.interval(), std::make_pair(0.0, 100.0));
    }

    void productUrlNeedsAnAddress()
    {
        QVERIFY(!bc::SplitVerifier::productUrl({}));
        QVERIFY(!bc::SplitVerifier::productUrl(u"ftp://x"_s));
        QCOMPARE(bc::SplitVerifier::productUrl(u"http://127.0.0.5"_s).value().toString(),
                 u"http://127.0.0.5/product/OLJCESPC7Z"_s);
    }

    void badArgumentsAreRefused()
    {
        bc::SplitVerifier v;
        QVERIFY(!v.start(QUrl(u"http://127.0.0.1:1/"_s), 0, 4));
        QVERIFY(!v.start(QUrl(u"http://127.0.0.1:1/"_s), 10, 0));
        QVERIFY(!v.isRunning());
    }

    void countsVersionsLive()
    {
        FakeStorefront shop;
        QVERIFY(shop.server.listen(QHostAddress::LocalHost));
        bc::SplitVerifier v;
        QSignalSpy progress(&v, &bc::SplitVerifier::progress);
        QSignalSpy finished(&v, &bc::SplitVerifier::finished);
        QVERIFY(v.start(shop.url(), 400, 8, 25));
        QVERIFY(finished.wait(30000));
        const auto stats = finished.first().first().value<bc::SplitStats>();
        QCOMPARE(stats.completed, 400);
        QCOMPARE(stats.v2, 100);
        QCOMPARE(stats.v1, 300);
        QCOMPARE(stats.errors, 0);
        QCOMPARE(stats.observedPercent(), 25.0);
        QVERIFY(stats.expectedWithin());
        QCOMPARE(stats.v2Latency.count, 100);
        QVERIFY(stats.v1Latency.p95 >= stats.v1Latency.p50);
        QVERIFY(!progress.isEmpty());
        QVERIFY2(stats.summary().contains(u"v2 25.0%"_s), qPrintable(stats.summary()));
    }

    void errorThresholdStopsEarly()
    {
        FakeStorefront shop;
        shop.errorEvery = 3; // 33 % errors
        QVERIFY(shop.server.listen(QHostAddress::LocalHost));
        bc::SplitVerifier v;
        v.setErrorThreshold(10, 30);
        QSignalSpy exceeded(&v, &bc::SplitVerifier::errorThresholdExceeded);
        QSignalSpy finished(&v, &bc::SplitVerifier::finished);
        QVERIFY(v.start(shop.url(), 1000, 4));
        QVERIFY(finished.wait(30000));
        QCOMPARE(exceeded.size(), 1);
        const auto stats = finished.first().first().value<bc::SplitStats>();
        QVERIFY(stats.completed < 1000);
        QVERIFY(stats.errorPercent() > 10);
        QVERIFY(stats.lastError.contains(u"500"_s) || !stats.lastError.isEmpty());
    }

    void thresholdJudgesV2sOwnErrorRate()
    {
        // 10 % canary; every 25th page fails: 4 % of all requests, but a third of what v2 would serve.
        FakeStorefront shop;
        shop.period = 10;
        shop.errorEvery = 25;
        QVERIFY(shop.server.listen(QHostAddress::LocalHost));
        bc::SplitVerifier v;
        v.setErrorThreshold(10, 200);
        QSignalSpy exceeded(&v, &bc::SplitVerifier::errorThresholdExceeded);
        QSignalSpy finished(&v, &bc::SplitVerifier::finished);
        QVERIFY(v.start(shop.url(), 1000, 4));
        QVERIFY(finished.wait(30000));
        QCOMPARE(exceeded.size(), 1);
        const auto stats = exceeded.first().first().value<bc::SplitStats>();
        QVERIFY2(stats.errorPercent() < 10, qPrintable(stats.summary()));
        QVERIFY2(stats.v2ErrorPercent() > 25 && stats.v2ErrorPercent() < 40, qPrintable(stats.summary()));

        // The same overall error rate with v2 at half the traffic stays under the threshold.
        FakeStorefront even;
        even.period = 2;
        even.errorEvery = 25;
        QVERIFY(even.server.listen(QHostAddress::LocalHost));
        bc::SplitVerifier w;
        w.setErrorThreshold(10, 200);
        QSignalSpy exceededEven(&w, &bc::SplitVerifier::errorThresholdExceeded);
        QSignalSpy finishedEven(&w, &bc::SplitVerifier::finished);
        QVERIFY(w.start(even.url(), 600, 4));
        QVERIFY(finishedEven.wait(30000));
        QCOMPARE(exceededEven.size(), 0);
        QCOMPARE(finishedEven.first().first().value<bc::SplitStats>().completed, 600);
    }

    void refusedConnectionsAreErrors()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        bc::SplitVerifier v;
        QSignalSpy finished(&v, &bc::SplitVerifier::finished);
        QVERIFY(v.start(QUrl(u"http://127.0.0.1:%1/product/OLJCESPC7Z"_s.arg(port)), 5, 2));
        QVERIFY(finished.wait(30000));
        const auto stats = finished.first().first().value<bc::SplitStats>();
        QCOMPARE(stats.errors, 5);
        QCOMPARE(stats.classified(), 0);
    }
};

QTEST_GUILESS_MAIN(TstCanarySplit)
#include "tst_canary_split.moc"
