// `boutique-control orders list|export` against a real PostgreSQL filled through orderlog-server.

#include "tests/backend/orders/orders_fixture.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

class TestOrdersCli : public QObject
{
    Q_OBJECT

private:
    bc::test::OrdersFixture m_fixture;

    struct Run
    {
        int code = -1;
        QString out;
        QString err;
    };
    Run run(const QStringList &args)
    {
        QProcess p;
        p.start(QStringLiteral(BC_APP_BINARY), QStringList {u"orders"_s} + args);
        Run r;
        if (!p.waitForFinished(30000))
            return r;
        r.code = p.exitCode();
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString error = m_fixture.start("orders_cli");
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString sent = m_fixture.send(bc::test::sampleOrders());
        QVERIFY2(sent.isEmpty(), qPrintable(sent));
    }

    void listsNewestOrOldestFirst()
    {
        const Run newest = run({u"list"_s, u"--db"_s, m_fixture.conninfo(), u"--limit"_s, u"5"_s});
        QVERIFY2(newest.code == 0, qPrintable(newest.err));
        QStringList lines = newest.out.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 6); // header + 5
        QVERIFY(lines.at(1).startsWith(u"2024-03-01 23:17:00"_s));
        const Run oldest = run({u"list"_s, u"--db"_s, m_fixture.conninfo(), u"--oldest"_s, u"--limit"_s, u"3"_s});
        QVERIFY2(oldest.code == 0, qPrintable(oldest.err));
        lines = oldest.out.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        QVERIFY(lines.at(1).startsWith(u"2024-03-01 00:00:00"_s));
        const Run eur = run({u"list"_s, u"--db"_s, m_fixture.conninfo(), u"--limit"_s, u"100"_s, u"--filter"_s,
            u"currency=EUR"_s, u"--filter"_s, u"min-total=50"_s});
        QVERIFY2(eur.code == 0, qPrintable(eur.err));
        const auto expected = m_fixture.ids(
            "SELECT id FROM logs WHERE currency_code = 'EUR' AND total_units + total_nanos / 1e9 >= 50");
        QCOMPARE(eur.out.split(u'\n', Qt::SkipEmptyParts).size() - 1, int(expected.size()));
        QVERIFY(!eur.out.contains(u" USD"_s));
    }

    void exportsEveryRow()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"all.csv"_s);
        const Run r = run({u"export"_s, u"--db"_s, m_fixture.conninfo(), u"--out"_s, path});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(u"exported 24 orders"_s));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().count('\n'), 25);
    }

    void badInputSaysWhy()
    {
        Run r = run({u"list"_s, u"--db"_s, m_fixture.conninfo(), u"--filter"_s, u"colour=red"_s});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains(u"unknown filter"_s));
        r = run({u"list"_s});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains(u"--db"_s));
        r = run({u"export"_s, u"--db"_s, m_fixture.conninfo()});
        QCOMPARE(r.code, 2);
        // A password in --db is warned about and never printed back.
        r = run({u"list"_s, u"--db"_s, u"host=127.0.0.1 port=1 user=x password=Hunter2pw connect_timeout=2"_s});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(u"prefer PGPASSWORD"_s));
        QVERIFY(r.err.contains(u"Cannot reach the order database"_s));
        QVERIFY2(!r.err.contains(u"Hunter2pw"_s) && !r.out.contains(u"Hunter2pw"_s), qPrintable(r.err));
    }

    // Last: it adds rows the tests above do not expect.
    void labContractOrdersShowTheirContents()
    {
        const QString sent = m_fixture.sendContentOnly(
            {u"order 7f3a: 2 x Sunglasses, ship to Zurich"_s, u"order 9c1d: 1 x Tank Top"_s});
        QVERIFY2(sent.isEmpty(), qPrintable(sent));
        const Run list = run({u"list"_s, u"--db"_s, m_fixture.conninfo(), u"--limit"_s, u"2"_s});
        QVERIFY2(list.code == 0, qPrintable(list.err));
        const QStringList lines = list.out.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines.at(0).trimmed().endsWith(u"CONTENTS"_s), qPrintable(lines.at(0)));
        QVERIFY2(lines.at(1).trimmed().endsWith(u"order 9c1d: 1 x Tank Top"_s), qPrintable(lines.at(1)));
        QVERIFY2(lines.at(2).trimmed().endsWith(u"order 7f3a: 2 x Sunglasses, ship to Zurich"_s), qPrintable(lines.at(2)));
        // The filter finds them by their text; the export carries it.
        const Run filtered = run({u"list"_s, u"--db"_s, m_fixture.conninfo(), u"--filter"_s, u"contents=sunGLASSES"_s});
        QVERIFY2(filtered.code == 0, qPrintable(filtered.err));
        QCOMPARE(filtered.out.split(u'\n', Qt::SkipEmptyParts).size(), 2);
        QVERIFY(filtered.out.contains(u"order 7f3a"_s));
        QTemporaryDir dir;
        const QString path = dir.filePath(u"lab.csv"_s);
        const Run exported = run({u"export"_s, u"--db"_s, m_fixture.conninfo(), u"--out"_s, path, u"--filter"_s,
            u"contents=order "_s});
        QVERIFY2(exported.code == 0, qPrintable(exported.err));
        QVERIFY(exported.out.contains(u"exported 2 orders"_s));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString csv = QString::fromUtf8(f.readAll());
        QVERIFY2(csv.startsWith(u"id,placed_at,order_id,user_id,email,currency,total,items,city,country,contents\n"_s),
            qPrintable(csv));
        QVERIFY2(csv.contains(u",\"order 7f3a: 2 x Sunglasses, ship to Zurich\"\n"_s), qPrintable(csv));
    }
};

QTEST_GUILESS_MAIN(TestOrdersCli)
#include "tst_orders_cli.moc"
