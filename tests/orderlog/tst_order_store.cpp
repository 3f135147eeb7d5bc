// bc::orderlog::OrderStore against a real PostgreSQL: migrations (including a lab database with
// rows), batch insert semantics, keyset paging; plus its pure helpers.

#include "orderlog/order_store.h"
#include "tests/support/pg_test_db.h"

#include <QtTest/QTest>

#include <set>

class TstOrderStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void redactsConninfo_data();
    void redactsConninfo();
    void pageKeyRoundTrip();
    void upgradesLabDatabaseInPlace();
    void batchWithDuplicatesInsertsEachIdOnce();
    void pagesByKeyWithoutGapsOrRepeats();
    void unreachableDatabaseIsUnavailable();
};

void TstOrderStore::redactsConninfo_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("key=value") << "host=db password=s3cret user=log"
                               << "host=db password=*** user=log";
    QTest::newRow("spaces around =") << "password = s3cret host=db"
                                     << "password = *** host=db";
    QTest::newRow("quoted") << "password='a b\\'c' dbname=log"
                            << "password=*** dbname=log";
    QTest::newRow("uri") << "postgresql://log:s3cret@db:5432/log"
                         << "postgresql://log:***@db:5432/log";
    QTest::newRow("no password") << "host=db user=log"
                                 << "host=db user=log";
}

void TstOrderStore::redactsConninfo()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(bc::orderlog::redactConninfo(input.toStdString())), expected);
}

void TstOrderStore::pageKeyRoundTrip()
{
    const bc::orderlog::PageKey key {1700000000123456, 42};
    QCOMPARE(bc::orderlog::decodePageKey(bc::orderlog::encodePageKey(key)), std::optional(key));
    const bc::orderlog::PageKey negative {-5, 7};
    QCOMPARE(bc::orderlog::decodePageKey(bc::orderlog::encodePageKey(negative)), std::optional(negative));
    for (const char *bad : {"", ".", "12", "12.", ".3", "a.b", "1.2.3", "1 .2"})
        QVERIFY2(!bc::orderlog::decodePageKey(bad), bad);
}

void TstOrderStore::upgradesLabDatabaseInPlace()
{
    const std::string conninfo = bc::test::createTestDatabase("orderlog_lab");
    {
        // Exactly what the lab's Go service created and wrote.
        pqxx::connection c(conninfo);
        pqxx::work tx(c);
        tx.exec("CREATE TABLE logs (id serial primary key, contents varchar(1000))");
        tx.exec("INSERT INTO logs (contents) VALUES ('order from the lab')");
        tx.commit();
    }
    bc::orderlog::OrderStore store(conninfo);
    const auto opened = store.open();
    QVERIFY2(bool(opened), opened ? "" : opened.error().message.c_str());
    QCOMPARE(store.schemaVersion().value(), bc::orderlog::OrderStore::kSchemaVersion);

    const auto page = store.list({});
    QVERIFY(bool(page));
    QCOMPARE(page.value().rows.size(), std::size_t(1));
    QCOMPARE(page.value().rows[0].content, std::string("order from the lab"));
    QCOMPARE(page.value().rows[0].id, std::int64_t(1));

    // A second open (another replica, a restart) finds nothing to do.
    bc::orderlog::OrderStore again(conninfo);
    QVERIFY(bool(again.open()));
    pqxx::connection c(conninfo);
    pqxx::read_transaction tx(c);
    QCOMPARE(tx.exec1("SELECT count(*) FROM schema_version")[0].as<int>(), 2);
    QCOMPARE(std::string(tx.exec1("SELECT data_type FROM information_schema.columns"
                                  " WHERE table_name = 'logs' AND column_name = 'id'")[0]
                             .c_str()),
        std::string("bigint"));
}

void TstOrderStore::batchWithDuplicatesInsertsEachIdOnce()
{
    bc::orderlog::OrderStore store(bc::test::createTestDatabase("orderlog_batch"));
    QVERIFY(bool(store.open()));
    using bc::orderlog::OrderRecord;
    using bc::orderlog::WriteOutcome;
    OrderRecord a;
    a.orderId = "a";
    a.content = "quote \" backslash \\ brace } comma , NULL";
    a.items = {{"P\"1", 1}, {"P\\2", 2}};
    OrderRecord legacy;
    legacy.content = "no id";
    const auto first = store.insertBatch({a, a, legacy, legacy});
    QVERIFY(bool(first));
    QCOMPARE(first.value(),
        (std::vector {WriteOutcome::Inserted, WriteOutcome::Duplicate, WriteOutcome::Inserted,
            WriteOutcome::Inserted}));
    const auto second = store.insertBatch({a});
    QCOMPARE(second.value(), std::vector {WriteOutcome::Duplicate});

    const auto page = store.list({});
    QCOMPARE(page.value().rows.size(), std::size_t(3));
    const auto &stored = page.value().rows.back(); // oldest last
    QCOMPARE(stored.content, a.content); // array literal escaping survived
    QCOMPARE(stored.items, a.items);
}

void TstOrderStore::pagesByKeyWithoutGapsOrRepeats()
{
    bc::orderlog::OrderStore store(bc::test::createTestDatabase("orderlog_pages"));
    QVERIFY(bool(store.open()));
    std::vector<bc::orderlog::OrderRecord> rows;
    for (int i = 0; i < 25; ++i) {
        bc::orderlog::OrderRecord r;
        r.orderId = "p" + std::to_string(i);
        r.placedAtMicros = 1000000 * (i / 5); // ties: five rows per instant
        rows.push_back(r);
    }
    QVERIFY(bool(store.insertBatch(rows)));
    bc::orderlog::ListQuery q;
    q.limit = 7;
    std::vector<std::string> seen;
    for (int pages = 0; pages < 10; ++pages) {
        const auto page = store.list(q);
        QVERIFY(bool(page));
        for (const auto &r : page.value().rows)
            seen.push_back(r.orderId);
        if (!page.value().next)
            break;
        q.after = page.value().next;
    }
    QCOMPARE(seen.size(), std::size_t(25));
    QCOMPARE(std::set<std::string>(seen.begin(), seen.end()).size(), std::size_t(25));
    QCOMPARE(seen.front(), std::string("p24"));
    QCOMPARE(seen.back(), std::string("p0"));
}

void TstOrderStore::unreachableDatabaseIsUnavailable()
{
    // Port 1 on loopback: nothing listens there.
    bc::orderlog::OrderStore store("host=127.0.0.1 port=1 user=nobody password=hunter2 connect_timeout=2");
    const auto opened = store.open();
    QVERIFY(!opened);
    QCOMPARE(opened.error().kind, bc::orderlog::StoreError::Kind::Unavailable);
    QVERIFY(opened.error().message.find("hunter2") == std::string::npos);
    QVERIFY(!store.isOpen());
    const auto write = store.insertBatch({bc::orderlog::OrderRecord {}});
    QCOMPARE(write.error().kind, bc::orderlog::StoreError::Kind::Unavailable);
}

QTEST_GUILESS_MAIN(TstOrderStore)
#include "tst_order_store.moc"
