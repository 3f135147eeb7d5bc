// Validation and conversion of Orderlog messages (orderlog/proto_convert.cpp). The cases are
// regressions from the orderlog_entry fuzz target.

#include "orderlog/proto_convert.h"

#include <QtTest/QTest>

using namespace bc::orderlog;

class TstProtoConvert : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyOrderIsRefused();
    void requestKeyFitsTheOrderIdLimit();
    void recordWithoutMoneyMakesAnAcceptedEntry();
    void recordWithOnlyShippingKeepsItsOrder();
};

namespace {
const OrderRecord *accepted(const Converted &c)
{
    if (const auto *why = std::get_if<std::string>(&c))
        qWarning("refused: %s", why->c_str());
    return std::get_if<OrderRecord>(&c);
}
} // namespace

void TstProtoConvert::emptyOrderIsRefused()
{
    // Entry{order: {}} was stored as a row with nothing in it.
    ::orderlog::Entry entry;
    entry.mutable_order();
    QVERIFY(entry.has_order());
    const Converted c = entryToRecord(entry, "");
    QVERIFY(std::holds_alternative<std::string>(c));
    QCOMPARE(std::get<std::string>(c), std::string("entry has neither content nor order"));
    entry.set_content("a lab entry");
    QVERIFY(accepted(entryToRecord(entry, "")));
}

void TstProtoConvert::requestKeyFitsTheOrderIdLimit()
{
    // The key is stored as the order id "request:KEY": a key of 121..128 bytes made an id over the limit
    // that the service refuses from any client.
    ::orderlog::Entry entry;
    entry.set_content("legacy entry");
    const size_t longest = kMaxIdBytes - kRequestKeyPrefix.size();
    entry.set_request_id(std::string(longest, 'k'));
    const Converted converted = entryToRecord(entry, "");
    const OrderRecord *record = accepted(converted);
    QVERIFY(record);
    QCOMPARE(record->orderId.size(), kMaxIdBytes);
    entry.set_request_id(std::string(longest + 1, 'k'));
    QVERIFY(std::holds_alternative<std::string>(entryToRecord(entry, "")));
    QVERIFY(std::holds_alternative<std::string>(entryToRecord(::orderlog::Entry(entry), std::string(longest + 1, 'm'))));
}

void TstProtoConvert::recordWithoutMoneyMakesAnAcceptedEntry()
{
    // A record with no money gives an entry without a total (an empty one is refused as a bad currency).
    OrderRecord r;
    r.userId = "u-1";
    r.email = "someone@example.com";
    ::orderlog::Entry entry;
    recordToEntry(r, &entry);
    QVERIFY(!entry.order().has_total());
    const Converted converted = entryToRecord(entry, "");
    const OrderRecord *back = accepted(converted);
    QVERIFY(back);
    QCOMPARE(back->userId, r.userId);
    QCOMPARE(back->email, r.email);
}

void TstProtoConvert::recordWithOnlyShippingKeepsItsOrder()
{
    // recordToEntry dropped an order that had only money and shipping: the entry came back empty.
    OrderRecord r;
    r.currencyCode = "USD";
    r.totalUnits = 5;
    r.shippingCity = "Paris";
    ::orderlog::Entry entry;
    recordToEntry(r, &entry);
    QVERIFY(entry.has_order());
    const Converted converted = entryToRecord(entry, "");
    const OrderRecord *back = accepted(converted);
    QVERIFY(back);
    QCOMPARE(back->totalUnits, 5);
    QCOMPARE(back->shippingCity, std::string("Paris"));
}

QTEST_GUILESS_MAIN(TstProtoConvert)
#include "tst_proto_convert.moc"
