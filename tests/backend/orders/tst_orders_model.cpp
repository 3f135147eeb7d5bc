// OrdersModel on a real PostgreSQL filled through orderlog-server: pages as the view asks, jumps to
// either end, shows new orders with auto-refresh, keeps a bounded window, and reports an outage once
// and recovers (the database is reached through a TCP relay the test cuts and restores, like a
// dropped kubectl port-forward).

#include "backend/orders/orders_model.h"
#include "backend/orders/orders_repository.h"
#include "tests/backend/orders/orders_fixture.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

// Relays 127.0.0.1:port() to the database port; stop() drops every connection and the listener.
class Relay : public QObject
{
public:
    explicit Relay(quint16 target)
        : m_target(target)
    {
    }
    bool listen(quint16 port = 0)
    {
        m_server = std::make_unique<QTcpServer>();
        QObject::connect(m_server.get(), &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *in = m_server->nextPendingConnection()) {
                auto *out = new QTcpSocket(this);
                in->setParent(this);
                out->connectToHost(QHostAddress::LocalHost, m_target);
                QObject::connect(in, &QTcpSocket::readyRead, out, [in, out] { out->write(in->readAll()); });
                QObject::connect(out, &QTcpSocket::readyRead, in, [in, out] { in->write(out->readAll()); });
                QObject::connect(in, &QTcpSocket::disconnected, out, &QTcpSocket::disconnectFromHost);
                QObject::connect(out, &QTcpSocket::disconnected, in, &QTcpSocket::disconnectFromHost);
                m_sockets << in << out;
            }
        });
        return m_server->listen(QHostAddress::LocalHost, port);
    }
    quint16 port() const { return m_server->serverPort(); }
    void stop()
    {
        m_server.reset();
        for (QTcpSocket *s : std::as_const(m_sockets))
            if (s)
                s->abort();
        m_sockets.clear();
    }

private:
    quint16 m_target;
    std::unique_ptr<QTcpServer> m_server;
    QList<QPointer<QTcpSocket>> m_sockets;
};

quint16 portOf(const QString &conninfo)
{
    const auto m = QRegularExpression(u"port=(\\d+)"_s).match(conninfo);
    return quint16(m.captured(1).toUInt());
}

} // namespace

class TestOrdersModel : public QObject
{
    Q_OBJECT

private:
    bc::test::OrdersFixture m_fixture;

private Q_SLOTS:
    void initTestCase()
    {
        const QString error = m_fixture.start("orders_model");
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString loaded = m_fixture.load(450, u"bulk"_s);
        QVERIFY2(loaded.isEmpty(), qPrintable(loaded));
    }

    void pagesAndJumps()
    {
        bc::OrdersRepository repository;
        repository.setConnection(m_fixture.conninfo());
        bc::OrdersModel model(&repository);
        model.setPageSize(100);
        QSignalSpy reloaded(&model, &bc::OrdersModel::reloaded);
        model.reload();
        QVERIFY(reloaded.wait(10000));
        QCOMPARE(model.rowCount(), 100);
        const auto newest = m_fixture.ids("SELECT id FROM logs ORDER BY placed_at DESC, id DESC");
        QCOMPARE(model.rowAt(0)->id, newest.front());
        QVERIFY(model.canFetchMore({}));
        while (model.canFetchMore({}) || model.loading()) {
            if (model.canFetchMore({}))
                model.fetchMore({});
            QTRY_VERIFY_WITH_TIMEOUT(!model.loading(), 10000);
        }
        QCOMPARE(model.rowCount(), 450);
        for (int i = 0; i < 450; ++i)
            QCOMPARE(model.rowAt(i)->id, newest.at(size_t(i)));

        model.jumpToOldest();
        QVERIFY(reloaded.wait(10000));
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.rowAt(99)->id, newest.back());
        QCOMPARE(model.rowAt(0)->id, newest.at(newest.size() - 100));
        QVERIFY(model.atEnd());
        QVERIFY(!model.atStart());
        QVERIFY(model.canFetchNewer());
        model.fetchNewer();
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 200, 10000);
        QCOMPARE(model.rowAt(0)->id, newest.at(newest.size() - 200));

        // Sorting by an indexed column from the view's header.
        model.sort(bc::OrdersModel::OrderId, Qt::AscendingOrder);
        QVERIFY(reloaded.wait(10000));
        const auto byId = m_fixture.ids("SELECT id FROM logs WHERE order_id IS NOT NULL ORDER BY order_id LIMIT 100");
        for (int i = 0; i < 100; ++i)
            QCOMPARE(model.rowAt(i)->id, byId.at(size_t(i)));
    }

    void windowStaysBounded()
    {
        bc::OrdersRepository repository;
        repository.setConnection(m_fixture.conninfo());
        bc::OrdersModel model(&repository);
        model.setPageSize(50);
        model.setWindowLimit(120);
        QSignalSpy reloaded(&model, &bc::OrdersModel::reloaded);
        model.reload();
        QVERIFY(reloaded.wait(10000));
        const auto newest = m_fixture.ids("SELECT id FROM logs ORDER BY placed_at DESC, id DESC");
        while (model.canFetchMore({}) || model.loading()) {
            if (model.canFetchMore({}))
                model.fetchMore({});
            QTRY_VERIFY_WITH_TIMEOUT(!model.loading(), 10000);
            QVERIFY(model.rowCount() <= 120);
        }
        QCOMPARE(model.rowAt(model.rowCount() - 1)->id, newest.back());
        QVERIFY(!model.atStart());
        // Scrolling back up fetches the dropped rows again, in order.
        while (model.canFetchNewer() || model.loading()) {
            if (model.canFetchNewer())
                model.fetchNewer();
            QTRY_VERIFY_WITH_TIMEOUT(!model.loading(), 10000);
        }
        QCOMPARE(model.rowAt(0)->id, newest.front());
        for (int i = 0; i < model.rowCount(); ++i)
            QCOMPARE(model.rowAt(i)->id, newest.at(size_t(i)));
    }

    void autoRefreshShowsNewOrders()
    {
        bc::OrdersRepository repository;
        repository.setConnection(m_fixture.conninfo());
        bc::OrdersModel model(&repository);
        QSignalSpy reloaded(&model, &bc::OrdersModel::reloaded);
        QSignalSpy arrived(&model, &bc::OrdersModel::newOrders);
        model.reload();
        QVERIFY(reloaded.wait(10000));
        model.setAutoRefreshInterval(200);
        bc::test::SampleOrder o {u"fresh-1"_s, u"u9"_s, u"fresh@example.com"_s, u"5.00"_s, u"EUR"_s, {}, {u"OLJCESPC7Z:1"_s}};
        bc::test::SampleOrder o2 = o;
        o2.orderId = u"fresh-2"_s;
        QCOMPARE(m_fixture.send({o, o2}), QString());
        QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() > 0 && model.rowAt(0)->orderId.startsWith(u"fresh-"_s)
                && model.rowAt(1)->orderId.startsWith(u"fresh-"_s),
            10000);
        QVERIFY(!arrived.isEmpty());
        const auto newest = m_fixture.ids("SELECT id FROM logs ORDER BY placed_at DESC, id DESC LIMIT 3");
        for (int i = 0; i < 3; ++i)
            QCOMPARE(model.rowAt(i)->id, newest.at(size_t(i)));
    }

    void outageIsReportedOnceThenRecovers()
    {
        Relay relay(portOf(m_fixture.conninfo()));
        QVERIFY(relay.listen());
        const quint16 port = relay.port();
        QString conninfo = m_fixture.conninfo();
        conninfo.replace(QRegularExpression(u"port=\\d+"_s), u"port=%1"_s.arg(port));
        bc::OrdersRepository repository;
        repository.setConnection(conninfo + u" connect_timeout=2"_s);
        bc::OrdersModel model(&repository);
        model.setRetryInterval(200);
        QSignalSpy reloaded(&model, &bc::OrdersModel::reloaded);
        QSignalSpy failed(&model, &bc::OrdersModel::failed);
        QSignalSpy recovered(&model, &bc::OrdersModel::recovered);
        model.reload();
        QVERIFY(reloaded.wait(10000));

        relay.stop(); // the port-forward drops
        model.reload();
        QVERIFY(failed.wait(10000));
        const auto error = failed.at(0).at(0).value<bc::Error>();
        QCOMPARE(error.kind, bc::Error::Kind::Unavailable);
        QVERIFY(model.currentError());
        // Retries keep failing quietly (one report per outage), and the GUI thread never blocks.
        QTRY_VERIFY_WITH_TIMEOUT(!model.loading(), 5000);
        QCOMPARE(failed.size(), 1);

        QVERIFY(relay.listen(port)); // it comes back on the same port
        QVERIFY(recovered.wait(15000));
        QVERIFY(!model.currentError());
        QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() > 0, 5000);
    }
};

QTEST_GUILESS_MAIN(TestOrdersModel)
#include "tst_orders_model.moc"
