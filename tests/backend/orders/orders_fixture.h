#pragma once

// Order data for backend/orders tests, made the way production makes it: the built orderlog-server
// runs against a fresh database of the `pg` fixture and orders arrive through orderlog-cli (gRPC).
// Needs BC_ORDERLOG_SERVER and BC_ORDERLOG_CLI (see tests/backend/orders/CMakeLists.txt).

#include "tests/orderlog/server_process.h"
#include "tests/support/pg_test_db.h"

#include <QtCore/QProcess>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <pqxx/pqxx>

#include <memory>
#include <string>
#include <vector>

namespace bc::test {

struct SampleOrder
{
    QString orderId;
    QString user;
    QString email;
    QString total; // "12.50"
    QString currency;
    QString placedAt; // ISO or Unix seconds; empty: now
    QStringList items; // "PRODUCT:QTY"
    QString city = QStringLiteral("Zurich");
};

class OrdersFixture
{
public:
    // Creates the database and starts orderlog-server on it. Returns an error text, empty on success.
    QString start(const std::string &prefix)
    {
        try {
            m_conninfo = createTestDatabase(prefix);
        } catch (const std::exception &e) {
            return QString::fromUtf8(e.what());
        }
        m_server = std::make_unique<ServerProcess>();
        if (!m_server->start(m_conninfo))
            return QStringLiteral("orderlog-server did not start: ") + m_server->errorOutput();
        return {};
    }

    QString conninfo() const { return QString::fromStdString(m_conninfo); }
    std::string address() const { return m_server->address(); }

    static QStringList logArguments(const std::string &address, const SampleOrder &o)
    {
        QStringList args {QStringLiteral("--server"), QString::fromStdString(address), QStringLiteral("log"),
            QStringLiteral("--order-id"), o.orderId, QStringLiteral("--user"), o.user, QStringLiteral("--email"),
            o.email, QStringLiteral("--total"), o.total, QStringLiteral("--currency"), o.currency,
            QStringLiteral("--city"), o.city, QStringLiteral("--country"), QStringLiteral("CH")};
        if (!o.placedAt.isEmpty())
            args << QStringLiteral("--placed-at") << o.placedAt;
        for (const QString &item : o.items)
            args << QStringLiteral("--item") << item;
        return args;
    }

    // Sends the orders through orderlog-cli, a few processes at a time. Returns an error text.
    QString send(const std::vector<SampleOrder> &orders)
    {
        constexpr size_t kParallel = 8;
        for (size_t i = 0; i < orders.size(); i += kParallel) {
            std::vector<std::unique_ptr<QProcess>> running;
            for (size_t j = i; j < std::min(orders.size(), i + kParallel); ++j) {
                auto p = std::make_unique<QProcess>();
                p->setProcessChannelMode(QProcess::MergedChannels);
                p->start(QStringLiteral(BC_ORDERLOG_CLI), logArguments(address(), orders[j]));
                running.push_back(std::move(p));
            }
            for (auto &p : running) {
                if (!p->waitForFinished(30000) || p->exitCode() != 0)
                    return QStringLiteral("orderlog-cli log failed: ") + QString::fromUtf8(p->readAll());
            }
        }
        return {};
    }

    // Lab-contract entries: what the lab's checkoutservice sends, Entry{content} and nothing else.
    QString sendContentOnly(const QStringList &contents)
    {
        for (const QString &text : contents) {
            QProcess p;
            p.setProcessChannelMode(QProcess::MergedChannels);
            p.start(QStringLiteral(BC_ORDERLOG_CLI),
                {QStringLiteral("--server"), QString::fromStdString(address()), QStringLiteral("log"),
                    QStringLiteral("--content"), text});
            if (!p.waitForFinished(30000) || p.exitCode() != 0)
                return QStringLiteral("orderlog-cli log --content failed: ") + QString::fromUtf8(p.readAll());
        }
        return {};
    }

    // Many orders at once through orderlog-cli's load generator (ids PREFIX-0..N-1, user load-user, USD).
    QString load(int count, const QString &prefix)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral(BC_ORDERLOG_CLI),
            {QStringLiteral("--server"), QString::fromStdString(address()), QStringLiteral("load"),
                QStringLiteral("--count"), QString::number(count), QStringLiteral("--concurrency"),
                QStringLiteral("16"), QStringLiteral("--prefix"), prefix});
        if (!p.waitForFinished(60000) || p.exitCode() != 0)
            return QStringLiteral("orderlog-cli load failed: ") + QString::fromUtf8(p.readAll());
        return {};
    }

    // Row ids the given SQL (SELECT l.id FROM logs l ...) returns: the oracle the tests compare with.
    std::vector<qint64> ids(const std::string &sql) const
    {
        pqxx::connection c(m_conninfo);
        pqxx::read_transaction tx(c);
        std::vector<qint64> out;
        for (const auto &row : tx.exec(sql))
            out.push_back(row[0].as<qint64>());
        return out;
    }

    // The server stays up until the fixture goes.
    ServerProcess &server() { return *m_server; }

private:
    std::string m_conninfo;
    std::unique_ptr<ServerProcess> m_server;
};

// The standard sample: 3 currencies, 4 users, totals 1..99, placed over two days, items.
inline std::vector<SampleOrder> sampleOrders()
{
    std::vector<SampleOrder> v;
    const QStringList currencies {QStringLiteral("USD"), QStringLiteral("EUR"), QStringLiteral("CHF")};
    for (int i = 0; i < 24; ++i) {
        SampleOrder o;
        o.orderId = QStringLiteral("ord-%1-%2").arg(i % 3 == 0 ? QStringLiteral("a") : QStringLiteral("b")).arg(i, 2, 10, QLatin1Char('0'));
        o.user = QStringLiteral("user-%1").arg(i % 4);
        o.email = QStringLiteral("Shopper%1@Example.COM").arg(i % 5);
        o.total = QStringLiteral("%1.%2").arg(1 + (i * 37) % 99).arg((i * 13) % 100, 2, 10, QLatin1Char('0'));
        o.currency = currencies.at(i % 3);
        // 2024-03-01 00:00 UTC + i * 2 h 7 min, some at the same second to exercise the id tie-break
        o.placedAt = QString::number(1709251200 + (i / 2) * 7620);
        o.items = {QStringLiteral("OLJCESPC7Z:%1").arg(1 + i % 3), QStringLiteral("66VCHSJNUP:1")};
        v.push_back(o);
    }
    return v;
}

} // namespace bc::test
