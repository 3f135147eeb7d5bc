// Label and field selectors of the sandbox API (infra/sandbox/selector.cpp). The invalid-key cases
// are regressions from the sandbox_selector fuzz target: the sandbox took any bytes as a label key,
// where the API server answers 400.

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/selector.h"

#include <QtTest/QTest>

using bc::sandbox::ApiError;
using bc::sandbox::Json;
using bc::sandbox::Selector;

class TstSelector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void labelsMatch_data();
    void labelsMatch();
    void invalidLabelSelectorsAre400_data();
    void invalidLabelSelectorsAre400();
    void fieldsMatch();
    void emptyFieldPathIs400();
    void fieldValuesEscape();
    void invalidFieldSelectorsAre400_data();
    void invalidFieldSelectorsAre400();
};

void TstSelector::labelsMatch_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<bool>("matches");
    QTest::newRow("equals") << "app=frontend" << true;
    QTest::newRow("double equals") << "app==frontend" << true;
    QTest::newRow("not equals") << "tier!=web" << false;
    QTest::newRow("in") << "version in (v1, v2)" << true;
    QTest::newRow("notin") << "version notin (v2)" << false;
    QTest::newRow("exists") << "tier" << true;
    QTest::newRow("not exists") << "!legacy" << true;
    QTest::newRow("prefixed key") << "app.kubernetes.io/name=shop" << true;
    QTest::newRow("empty value") << "release=" << false;
    QTest::newRow("several") << "app=frontend,tier=web,!legacy" << true;
}

void TstSelector::labelsMatch()
{
    QFETCH(QString, selector);
    QFETCH(bool, matches);
    const Json labels = {{"app", "frontend"}, {"tier", "web"}, {"version", "v2"}, {"app.kubernetes.io/name", "shop"}};
    const Selector s = Selector::parseLabels(selector.toStdString());
    QCOMPARE(s.matchesLabels(labels), matches);
    // What it prints parses to the same selector.
    QCOMPARE(Selector::parseLabels(s.toString()).toString(), s.toString());
}

void TstSelector::invalidLabelSelectorsAre400_data()
{
    QTest::addColumn<QByteArray>("selector");
    QTest::newRow("bytes from the fuzzer") << QByteArray("\xff\xff\xff" "1)n\0==k", 10);
    QTest::newRow("space in key") << QByteArray("a b=c");
    QTest::newRow("unbalanced paren") << QByteArray("x)=1");
    QTest::newRow("key too long") << QByteArray(64, 'k').append("=v");
    QTest::newRow("value too long") << QByteArray("k=").append(QByteArray(64, 'v'));
    QTest::newRow("value with slash") << QByteArray("k=a/b");
    QTest::newRow("upper-case prefix") << QByteArray("Example.com/name=x");
    QTest::newRow("key ends with dash") << QByteArray("app-=x");
    QTest::newRow("bad value in set") << QByteArray("k in (a, b c)");
}

void TstSelector::invalidLabelSelectorsAre400()
{
    QFETCH(QByteArray, selector);
    try {
        (void)Selector::parseLabels(selector.toStdString());
        QFAIL("an invalid selector was accepted");
    } catch (const ApiError &e) {
        QCOMPARE(e.code(), 400);
        QVERIFY(QByteArray::fromStdString(e.status().dump(-1, ' ', false, Json::error_handler_t::replace))
                    .contains("unable to parse requirement"));
    }
}

void TstSelector::fieldsMatch()
{
    const Json pod = {{"metadata", {{"name", "frontend-1"}, {"namespace", "default"}}}, {"status", {{"phase", "Running"}}}};
    QVERIFY(Selector::parseFields("status.phase=Running").matchesFields(pod));
    QVERIFY(!Selector::parseFields("status.phase!=Running").matchesFields(pod));
    QVERIFY(Selector::parseFields("metadata.name=frontend-1,metadata.namespace=default").matchesFields(pod));
}

void TstSelector::emptyFieldPathIs400()
{
    QVERIFY_THROWS_EXCEPTION(ApiError, Selector::parseFields("=Running"));
}

void TstSelector::fieldValuesEscape()
{
    // apimachinery's escaping: \, \= and \\ in a value; what prints parses to the same selector.
    const Json object = {{"metadata", {{"name", "a,b=c"}}}};
    const Selector s = Selector::parseFields("metadata.name=a\\,b\\=c");
    QVERIFY(s.matchesFields(object));
    QCOMPARE(s.toString(), std::string("metadata.name=a\\,b\\=c"));
    QVERIFY(Selector::parseFields(s.toString()).matchesFields(object));
}

void TstSelector::invalidFieldSelectorsAre400_data()
{
    QTest::addColumn<QByteArray>("selector");
    // From the sandbox_selector fuzz target: the value took the second "==", and printed back it parsed
    // into another selector.
    QTest::newRow("two operators") << QByteArray("s.pha==s.phas==R");
    QTest::newRow("unescaped equals") << QByteArray("metadata.name=a=b");
    QTest::newRow("bad escape") << QByteArray("metadata.name=a\\x");
    QTest::newRow("bytes in the path") << QByteArray("s!lt\xffZ=x");
    QTest::newRow("no operator") << QByteArray("status.phase");
}

void TstSelector::invalidFieldSelectorsAre400()
{
    QFETCH(QByteArray, selector);
    try {
        (void)Selector::parseFields(selector.toStdString());
        QFAIL("an invalid field selector was accepted");
    } catch (const ApiError &e) {
        QCOMPARE(e.code(), 400);
    }
}

QTEST_GUILESS_MAIN(TstSelector)
#include "tst_selector.moc"
