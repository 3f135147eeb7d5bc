// Paged lists and watch options in-process through ApiServer::serve (part of the ASan+UBSan pass):
// continue tokens over a consistent snapshot, 410 Expired once a token is too old (with a token that
// continues), bad tokens and options as the API server refuses them, and a watch from a
// resourceVersion older than the kept history: an ERROR event with 410 "too old resource version".
#include "infra/sandbox/api_server.h"
#include "infra/sandbox/cluster_simulator.h"
#include "infra/sandbox/json.h"
#include "infra/sandbox/list_paging.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/resource_registry.h"

#include <QtTest/QTest>

#include <httplib.h>

using namespace bc::sandbox;

class TstListPaging : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void pagesCoverTheSnapshot();
    void expiredTokenGets410WithAToken();
    void refusedOptions_data();
    void refusedOptions();
    void watchFromTooOldVersion();
    void watchInitialEventsEndWithABookmark();

private:
    httplib::Response get(const std::string &path, const httplib::Params &params);
    static std::string readStream(httplib::Response &res, const std::string &until);
    ObjectStore m_store{50}; // a short watch history, so that a version falls out of it
    ResourceRegistry m_registry;
    ClusterSimulator m_simulator{m_store, m_registry, SimulatorOptions{}};
    ApiServer m_api{m_store, m_registry, m_simulator};
};

void TstListPaging::initTestCase()
{
    m_simulator.bootstrap();
    for (int i = 0; i < 10; ++i)
        m_store.create("configmaps", {{"apiVersion", "v1"},
                                      {"kind", "ConfigMap"},
                                      {"metadata", {{"name", "cm-" + std::to_string(i)}, {"namespace", "default"}}}});
}

httplib::Response TstListPaging::get(const std::string &path, const httplib::Params &params)
{
    httplib::Request req;
    req.method = "GET";
    req.path = path;
    req.params = params;
    httplib::Response res;
    m_api.serve(req, res);
    if (res.content_provider_ && !params.count("watch")) // a list is streamed from the stored texts
        res.body = readStream(res, std::string(1, '\x01'));
    return res;
}

std::string TstListPaging::readStream(httplib::Response &res, const std::string &until)
{
    std::string out;
    bool done = false;
    httplib::DataSink sink;
    sink.write = [&](const char *d, size_t n) {
        out.append(d, n);
        return true;
    };
    sink.done = [&] { done = true; };
    for (int i = 0; i < 40 && !done && out.find(until) == std::string::npos; ++i)
        res.content_provider_(out.size(), 0, sink);
    return out;
}

void TstListPaging::pagesCoverTheSnapshot()
{
    httplib::Response res = get("/api/v1/namespaces/default/configmaps", {{"limit", "4"}});
    QCOMPARE(res.status, 200);
    Json page = Json::parse(res.body);
    std::vector<std::string> names;
    const std::string rv = str(page["metadata"], "resourceVersion");
    QCOMPARE(page["metadata"]["remainingItemCount"].get<int>(), 6);
    for (const auto &i : page["items"])
        names.push_back(str(i["metadata"], "name"));
    m_store.remove("configmaps", "default", "cm-9"); // after the first page: not seen by this list
    std::string token = str(page["metadata"], "continue");
    QVERIFY(!token.empty());
    while (!token.empty()) {
        res = get("/api/v1/namespaces/default/configmaps", {{"limit", "4"}, {"continue", token}});
        QCOMPARE(res.status, 200);
        page = Json::parse(res.body);
        QCOMPARE(str(page["metadata"], "resourceVersion"), rv);
        for (const auto &i : page["items"])
            names.push_back(str(i["metadata"], "name"));
        token = str(page["metadata"], "continue");
    }
    QCOMPARE(names.size(), size_t(10));
    QCOMPARE(names.back(), std::string("cm-9"));
    QVERIFY(!page["metadata"].contains("remainingItemCount"));
    m_store.create("configmaps", {{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                                  {"metadata", {{"name", "cm-9"}, {"namespace", "default"}}}});
}

void TstListPaging::expiredTokenGets410WithAToken()
{
    m_api.setContinueTokenTtl(std::chrono::seconds(0));
    httplib::Response res = get("/api/v1/namespaces/default/configmaps", {{"limit", "3"}});
    const std::string token = str(Json::parse(res.body)["metadata"], "continue");
    res = get("/api/v1/namespaces/default/configmaps", {{"limit", "3"}, {"continue", token}});
    m_api.setContinueTokenTtl(std::chrono::minutes(5));
    QCOMPARE(res.status, 410);
    const Json status = Json::parse(res.body);
    QCOMPARE(str(status, "reason"), std::string("Expired"));
    QVERIFY(str(status, "message").find("The provided continue parameter is too old") == 0);
    const std::string next = str(status["metadata"], "continue");
    QVERIFY(!next.empty());
    long long rv = 0;
    std::string start;
    ListPager::decodeToken(next, rv, start);
    QCOMPARE(rv, -1LL);
    res = get("/api/v1/namespaces/default/configmaps", {{"limit", "100"}, {"continue", next}});
    QCOMPARE(res.status, 200);
    const Json rest = Json::parse(res.body);
    QCOMPARE(rest["items"].size(), size_t(7)); // the list goes on after the third item, as it is now
    QCOMPARE(str(rest["items"][0]["metadata"], "name"), std::string("cm-3"));
}

void TstListPaging::refusedOptions_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("name2");
    QTest::addColumn<QString>("value2");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");
    QTest::newRow("limit not a number") << "limit" << "ten" << "" << "" << 400 << "strconv.ParseInt: parsing \"ten\": invalid syntax";
    QTest::newRow("continue not base64") << "continue" << "%%%" << "" << "" << 400 << "invalid continue token";
    QTest::newRow("continue base64 of junk") << "continue" << "aGVsbG8=" << "" << "" << 400 << "invalid continue token";
    QTest::newRow("match without version") << "resourceVersionMatch" << "Exact" << "" << "" << 422
                                           << "resourceVersionMatch is forbidden unless resourceVersion is provided";
    QTest::newRow("match unknown") << "resourceVersionMatch" << "Newest" << "resourceVersion" << "5" << 422
                                   << "Unsupported value: \"Newest\"";
    QTest::newRow("exact 0") << "resourceVersionMatch" << "Exact" << "resourceVersion" << "0" << 422
                             << "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"";
    QTest::newRow("version from the future") << "resourceVersionMatch" << "NotOlderThan" << "resourceVersion"
                                             << "99999999" << 504 << "Too large resource version";
    QTest::newRow("resourceVersion not a number") << "resourceVersion" << "latest" << "" << "" << 400 << "invalid syntax";
    QTest::newRow("watch: timeout not a number") << "watch" << "true" << "timeoutSeconds" << "soon" << 400 << "invalid syntax";
    QTest::newRow("watch: bookmarks not a bool") << "watch" << "true" << "allowWatchBookmarks" << "yes" << 400
                                                 << "strconv.ParseBool";
    QTest::newRow("watch: initial events need the match") << "watch" << "1" << "sendInitialEvents" << "true" << 422
                                                          << "sendInitialEvents requires setting resourceVersionMatch";
}

void TstListPaging::refusedOptions()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(QString, name2);
    QFETCH(QString, value2);
    QFETCH(int, code);
    QFETCH(QString, message);
    httplib::Params params{{name.toStdString(), value.toStdString()}};
    if (!name2.isEmpty())
        params.emplace(name2.toStdString(), value2.toStdString());
    const httplib::Response res = get("/api/v1/namespaces/default/configmaps", params);
    QCOMPARE(res.status, code);
    const Json status = Json::parse(res.body, nullptr, false);
    QCOMPARE(str(status, "kind"), std::string("Status"));
    QVERIFY2(str(status, "message").find(message.toStdString()) != std::string::npos, str(status, "message").c_str());
}

void TstListPaging::watchFromTooOldVersion()
{
    for (int i = 0; i < 60; ++i) // more writes than the 50 events kept
        m_store.mutate("configmaps", "default", "cm-0", [i](Json &o) {
            o["data"] = {{"n", std::to_string(i)}};
            return true;
        });
    httplib::Response res = get("/api/v1/namespaces/default/configmaps", {{"watch", "true"}, {"resourceVersion", "2"}});
    QCOMPARE(res.status, 200);
    QVERIFY(res.content_provider_ != nullptr);
    const std::string line = readStream(res, "\n");
    const Json event = Json::parse(line.substr(0, line.find('\n')));
    QCOMPARE(str(event, "type"), std::string("ERROR"));
    QCOMPARE(event["object"]["code"].get<int>(), 410);
    QCOMPARE(str(event["object"], "reason"), std::string("Expired"));
    QVERIFY2(str(event["object"], "message").rfind("too old resource version: 2 (", 0) == 0,
             str(event["object"], "message").c_str());
}

void TstListPaging::watchInitialEventsEndWithABookmark()
{
    httplib::Response res = get("/api/v1/namespaces/default/configmaps",
                                {{"watch", "true"}, {"sendInitialEvents", "true"}, {"allowWatchBookmarks", "true"},
                                 {"resourceVersionMatch", "NotOlderThan"}, {"timeoutSeconds", "3"}});
    QCOMPARE(res.status, 200);
    const std::string stream = readStream(res, "BOOKMARK");
    std::vector<Json> events;
    for (size_t pos = 0, nl; (nl = stream.find('\n', pos)) != std::string::npos; pos = nl + 1)
        events.push_back(Json::parse(stream.substr(pos, nl - pos)));
    QCOMPARE(events.size(), size_t(11)); // ten ADDED, then the end of the initial events
    QCOMPARE(str(events[0], "type"), std::string("ADDED"));
    QCOMPARE(str(events.back(), "type"), std::string("BOOKMARK"));
    QCOMPARE(str(events.back()["object"]["metadata"]["annotations"], "k8s.io/initial-events-end"), std::string("true"));
    QCOMPARE(str(events.back()["object"], "kind"), std::string("ConfigMap"));
}

QTEST_GUILESS_MAIN(TstListPaging)
#include "tst_list_paging.moc"
