// backend/core/result: the Result/Status every fallible call returns, and the names errors show.
#include "backend/core/result.h"

#include <QTest>

using namespace bc;

class TstResult : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void valueIsTrueAndKeepsTheValue()
    {
        Result<QString> r(QStringLiteral("node-1"));
        QVERIFY(bool(r));
        QCOMPARE(r.value(), QStringLiteral("node-1"));
        r.value() += QStringLiteral("-a");
        QCOMPARE(r.value(), QStringLiteral("node-1-a"));
    }
    void errorIsFalseAndKeepsKindMessageDetail()
    {
        const Result<int> r(Error{Error::Kind::NotFound, QStringLiteral("no such pod"), QStringLiteral("NotFound")});
        QVERIFY(!r);
        QCOMPARE(r.error().kind, Error::Kind::NotFound);
        QCOMPARE(r.error().message, QStringLiteral("no such pod"));
        QCOMPARE(r.error().detail, QStringLiteral("NotFound"));
    }
    void defaultIsAFailureWithNoMessage()
    {
        const Result<int> r;
        QVERIFY(!r);
        QCOMPARE(r.error().kind, Error::Kind::Failed);
        QVERIFY(r.error().message.isEmpty());
    }
    void okIsASuccessfulStatus()
    {
        QVERIFY(bool(ok()));
        const Status failed(Error{Error::Kind::Timeout, QStringLiteral("gave up")});
        QVERIFY(!failed);
        QVERIFY(failed.error().detail.isEmpty());
    }
    void everyKindHasItsOwnName()
    {
        QCOMPARE(errorKindName(Error::Kind::Invalid), QStringLiteral("invalid"));
        QCOMPARE(errorKindName(Error::Kind::NotFound), QStringLiteral("not found"));
        QCOMPARE(errorKindName(Error::Kind::Unavailable), QStringLiteral("unavailable"));
        QCOMPARE(errorKindName(Error::Kind::Timeout), QStringLiteral("timed out"));
        QCOMPARE(errorKindName(Error::Kind::Cancelled), QStringLiteral("cancelled"));
        QCOMPARE(errorKindName(Error::Kind::Failed), QStringLiteral("failed"));
    }
};

QTEST_GUILESS_MAIN(TstResult)
#include "tst_result.moc"
