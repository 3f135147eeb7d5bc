// backend/orders against a real PostgreSQL filled by the real orderlog-server (orders sent with
// orderlog-cli): every page, filter and sort is compared with what plain SQL returns.

#include "backend/orders/orders_database.h"
#include "backend/orders/orders_repository.h"
#include "tests/backend/orders/orders_fixture.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;
using bc::OrderFilter;
using bc::OrderSort;

Q_DECLARE_METATYPE(bc::OrderSort)

class TestOrdersRepository : public QObject
{
    Q_OBJECT

private:
    bc::test::OrdersFixture m_fixture;
    std::unique_ptr<bc::OrdersDatabase> m_db;

    std::vector<qint64> allIds(const OrderFilter &filter, OrderSort sort, int pageSize)
    {
        std::vector<qint64> out;
        bc::OrderPageRequest request;
        request.filter = filter;
        request.sort = sort;
        request.limit = pageSize;
        for (int guard = 0; guard < 10000; ++guard) {
            const auto page = m_db->page(request);
            if (!page) {
                qWarning() << page.error().message << page.error().detail;
                return {};
            }
            for (const auto &row : page.value().rows)
                out.push_back(row.id);
            if (!page.value().more)
                break;
            request.after = page.value().rows.last().cursor();
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString error = m_fixture.start("orders_repo");
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString sent = m_fixture.send(bc::test::sampleOrders());
        QVERIFY2(sent.isEmpty(), qPrintable(sent));
        const QString loaded = m_fixture.load(300, u"bulk"_s);
        QVERIFY2(loaded.isEmpty(), qPrintable(loaded));
        m_db = std::make_unique<bc::OrdersDatabase>(m_fixture.conninfo());
        QVERIFY(m_db->open());
    }

    void pagingMatchesSql_data()
    {
        QTest::addColumn<OrderSort>("sort");
        QTest::addColumn<QString>("orderBy");
        QTest::newRow("newest") << OrderSort::NewestFirst << u"WHERE true ORDER BY placed_at DESC, id DESC"_s;
        QTest::newRow("oldest") << OrderSort::OldestFirst << u"WHERE true ORDER BY placed_at, id"_s;
        QTest::newRow("order id asc") << OrderSort::OrderIdAscending << u"WHERE order_id IS NOT NULL ORDER BY order_id"_s;
        QTest::newRow("order id desc") << OrderSort::OrderIdDescending << u"WHERE order_id IS NOT NULL ORDER BY order_id DESC"_s;
    }

    void pagingMatchesSql()
    {
        QFETCH(OrderSort, sort);
        QFETCH(QString, orderBy);
        const auto expected = m_fixture.ids("SELECT id FROM logs " + orderBy.toStdString());
        QCOMPARE(expected.size(), size_t(324));
        QCOMPARE(allIds({}, sort, 7), expected);
        QCOMPARE(allIds({}, sort, 1000), expected);
    }

    void filtersMatchSql_data()
    {
        QTest::addColumn<OrderFilter>("filter");
        QTest::addColumn<QString>("where");
        OrderFilter f;
        f.userId = u"user-1"_s;
        QTest::newRow("user") << f << u"user_id = 'user-1'"_s;
        f = {};
        f.email = u"shopper3@example"_s;
        QTest::newRow("email, any case") << f << u"email ILIKE '%shopper3@example%'"_s;
        f = {};
        f.orderId = u"ord-a"_s;
        QTest::newRow("order id prefix") << f << u"order_id LIKE 'ord-a%'"_s;
        f = {};
        f.orderId = u"ord_"_s; // '_' is literal, not a wildcard
        QTest::newRow("order id, literal underscore") << f << u"false"_s;
        f = {};
        f.currency = u"eur"_s;
        QTest::newRow("currency") << f << u"currency_code = 'EUR'"_s;
        f = {};
        f.minTotal = 50.5;
        QTest::newRow("minimum total") << f << u"total_units + total_nanos / 1e9 >= 50.5"_s;
        f = {};
        f.from = QDateTime::fromString(u"2024-03-01T06:00:00Z"_s, Qt::ISODate);
        f.to = QDateTime::fromString(u"2024-03-01T18:00:00Z"_s, Qt::ISODate);
        QTest::newRow("time range")
            << f << u"placed_at >= '2024-03-01T06:00:00Z' AND placed_at < '2024-03-01T18:00:00Z'"_s;
        f.currency = u"USD"_s;
        f.minTotal = 10;
        QTest::newRow("combined") << f
                                  << u"placed_at >= '2024-03-01T06:00:00Z' AND placed_at < '2024-03-01T18:00:00Z'"
                                     " AND currency_code = 'USD' AND total_units + total_nanos / 1e9 >= 10"_s;
        f = {};
        f.userId = u"load-user"_s;
        QTest::newRow("bulk user") << f << u"user_id = 'load-user'"_s;
    }

    void filtersMatchSql()
    {
        QFETCH(OrderFilter, filter);
        QFETCH(QString, where);
        for (const auto &[sort, order] : {std::pair {OrderSort::NewestFirst, "placed_at DESC, id DESC"},
                 std::pair {OrderSort::OldestFirst, "placed_at, id"}}) {
            const auto expected
                = m_fixture.ids("SELECT id FROM logs WHERE " + where.toStdString() + " ORDER BY " + order);
            QCOMPARE(allIds(filter, sort, 5), expected);
        }
        const auto countRows = m_fixture.ids("SELECT count(*) FROM logs WHERE " + where.toStdString());
        const auto summary = m_db->summary(filter);
        QVERIFY(summary);
        QCOMPARE(summary.value().orders, countRows.at(0));
    }

    void detailsHaveItems()
    {
        OrderFilter f;
        f.orderId = u"ord-a-03"_s;
        bc::OrderPageRequest request;
        request.filter = f;
        const auto page = m_db->page(request);
        QVERIFY(page);
        QCOMPARE(page.value().rows.size(), 1);
        const bc::OrderRow row = page.value().rows.first();
        QCOMPARE(row.userId, u"user-3"_s);
        QCOMPARE(row.currency, u"USD"_s);
        QCOMPARE(row.itemCount, 2); // OLJCESPC7Z:1 + 66VCHSJNUP:1
        QCOMPARE(row.placedAt(), QDateTime::fromSecsSinceEpoch(1709251200 + 7620, Qt::UTC));
        const auto details = m_db->details(row.id);
        QVERIFY(details);
        QCOMPARE(details.value().items.size(), 2);
        QCOMPARE(details.value().items.at(0).productId, u"OLJCESPC7Z"_s);
        QCOMPARE(details.value().items.at(0).quantity, 1);
        QCOMPARE(details.value().row.city, u"Zurich"_s);
        QCOMPARE(m_db->details(-1).error().kind, bc::Error::Kind::NotFound);
    }

    void summaryRevenueMatchesSql()
    {
        const auto summary = m_db->summary({});
        QVERIFY(summary);
        pqxx::connection c(m_fixture.conninfo().toStdString());
        pqxx::read_transaction tx(c);
        const auto r = tx.exec("SELECT currency_code, count(*), sum(total_units + total_nanos / 1e9)::float8"
                               " FROM logs GROUP BY 1 ORDER BY 1");
        QCOMPARE(summary.value().revenue.size(), qsizetype(r.size()));
        for (int i = 0; i < int(r.size()); ++i) {
            QCOMPARE(summary.value().revenue.at(i).currency, QString::fromStdString(r[i][0].c_str()));
            QCOMPARE(summary.value().revenue.at(i).orders, r[i][1].as<qint64>());
            QVERIFY(qAbs(summary.value().revenue.at(i).total - r[i][2].as<double>()) < 1e-6);
        }
        qint64 perMinute = 0;
        for (const auto &m : summary.value().perMinute)
            perMinute += m.orders;
        QCOMPARE(perMinute, qint64(324));
    }

    void exportWritesEveryMatchingRow()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"orders.csv"_s);
        bc::OrdersRepository repository;
        repository.setConnection(m_fixture.conninfo());
        QSignalSpy finished(&repository, &bc::OrdersRepository::exportFinished);
        QSignalSpy progress(&repository, &bc::OrdersRepository::exportProgress);
        OrderFilter f;
        f.currency = u"USD"_s;
        QVERIFY(repository.startExport(f, OrderSort::NewestFirst, path));
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).value<bc::Error>().message));
        const auto expected
            = m_fixture.ids("SELECT id FROM logs WHERE currency_code = 'USD' ORDER BY placed_at DESC, id DESC");
        QCOMPARE(finished.at(0).at(0).toLongLong(), qint64(expected.size()));
        QVERIFY(!progress.isEmpty());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.first(), bc::OrdersDatabase::csvHeader().trimmed().toUtf8());
        std::vector<qint64> ids;
        for (qsizetype i = 1; i < lines.size(); ++i)
            if (!lines.at(i).isEmpty())
                ids.push_back(lines.at(i).split(',').first().toLongLong());
        QCOMPARE(ids, expected);
    }

    void csvKeepsFieldsIntact()
    {
        bc::OrderRow row;
        row.id = 7;
        row.placedAtMicros = 1709251200123456;
        row.orderId = u"a,b"_s;
        row.email = u"=cmd()"_s;
        row.city = u"say \"hi\""_s;
        row.totalUnits = 3;
        row.totalNanos = 50000000;
        row.contents = u"+1 x Mug, to Bern"_s;
        QCOMPARE(bc::OrdersDatabase::csvLine(row),
            u"7,2024-03-01T00:00:00.123456Z,\"a,b\",,'=cmd(),,3.05,0,\"say \"\"hi\"\"\",,\"'+1 x Mug, to Bern\"\n"_s);
    }

    void unreachableDatabaseSaysSo()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        bc::OrdersDatabase db(u"host=127.0.0.1 port=%1 user=postgres dbname=postgres connect_timeout=2"_s.arg(port),
            u"s3cret-pw"_s);
        const auto page = db.page({});
        QVERIFY(!page);
        QCOMPARE(page.error().kind, bc::Error::Kind::Unavailable);
        QVERIFY2(page.error().message.contains(u"Cannot reach the order database"_s), qPrintable(page.error().message));
        QVERIFY(!page.error().message.contains(u"s3cret-pw"_s));
        QVERIFY(!page.error().detail.contains(u"s3cret-pw"_s));
    }

    void badConnectionStringSaysSo()
    {
        bc::OrdersDatabase db(u"this is not a conninfo"_s);
        const auto page = db.page({});
        QVERIFY(!page);
        QCOMPARE(page.error().kind, bc::Error::Kind::Invalid);
    }

    void missingTableSaysSo()
    {
        bc::OrdersDatabase db(QString::fromStdString(bc::test::createTestDatabase("orders_empty")));
        const auto page = db.page({});
        QVERIFY(!page);
        QCOMPARE(page.error().kind, bc::Error::Kind::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestOrdersRepository)
#include "tst_orders_repository.moc"
