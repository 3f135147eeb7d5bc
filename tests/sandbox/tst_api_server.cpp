// The sandbox API's answers to undecodable requests, in-process through ApiServer::serve. Each case
// is a regression from the sandbox_request and sandbox_body fuzz targets: an error that quoted bytes
// that are not UTF-8 could not be serialized, so the client got an empty 500.

#include "infra/sandbox/api_server.h"
#include "infra/sandbox/cluster_simulator.h"
#include "infra/sandbox/json.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/resource_registry.h"

#include <QtTest/QTest>

#include <httplib.h>

using namespace bc::sandbox;

class TstApiServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void undecodableRequestsGetAStatus_data();
    void undecodableRequestsGetAStatus();
    void yamlThatIsNotUtf8IsNotStored();
    void secretStringDataIsFoldedIntoData();

private:
    httplib::Response serve(const std::string &method, const std::string &path, const std::string &contentType,
                            const std::string &body);
    ObjectStore m_store;
    ResourceRegistry m_registry;
    ClusterSimulator m_simulator{m_store, m_registry, SimulatorOptions{}};
    ApiServer m_api{m_store, m_registry, m_simulator};
};

void TstApiServer::initTestCase()
{
    m_simulator.bootstrap();
}

httplib::Response TstApiServer::serve(const std::string &method, const std::string &path,
                                      const std::string &contentType, const std::string &body)
{
    httplib::Request req;
    req.method = method;
    req.path = path;
    req.set_header("Content-Type", contentType);
    req.body = body;
    httplib::Response res;
    m_api.serve(req, res);
    return res;
}

void TstApiServer::undecodableRequestsGetAStatus_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("code");
    QTest::newRow("name that is not UTF-8") << QByteArray("GET") << QByteArray("/api/v1/namespaces/default/pods/\xff\xfe")
                                            << QByteArray("application/json") << QByteArray() << 404;
    QTest::newRow("namespace that is not UTF-8") << QByteArray("GET") << QByteArray("/api/v1/namespaces/\xc3(/configmaps/c")
                                                 << QByteArray("application/json") << QByteArray() << 404;
    QTest::newRow("random bytes as JSON") << QByteArray("POST") << QByteArray("/api/v1/namespaces/default/configmaps")
                                          << QByteArray("application/json") << QByteArray("\x93\xff{\x01\"", 5) << 400;
    QTest::newRow("YAML with a string that is not UTF-8")
        << QByteArray("POST") << QByteArray("/api/v1/namespaces/default/configmaps") << QByteArray("application/yaml")
        << QByteArray("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c\xff\xfe}\n") << 400;
}

void TstApiServer::undecodableRequestsGetAStatus()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(int, code);
    const httplib::Response res = serve(method.toStdString(), path.toStdString(), contentType.toStdString(),
                                        body.toStdString());
    QCOMPARE(res.status, code);
    const Json status = Json::parse(res.body, nullptr, false);
    QVERIFY2(!status.is_discarded(), res.body.c_str());
    QCOMPARE(str(status, "kind"), std::string("Status"));
    QCOMPARE(status["code"].get<int>(), code);
    QVERIFY(!str(status, "message").empty());
}

void TstApiServer::yamlThatIsNotUtf8IsNotStored()
{
    const std::string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bytes}\ndata: {k: \"\xff\"}\n";
    QCOMPARE(serve("POST", "/api/v1/namespaces/default/configmaps", "application/yaml", yaml).status, 400);
    QCOMPARE(serve("GET", "/api/v1/namespaces/default/configmaps/bytes", "application/json", "").status, 404);
    QCOMPARE(serve("GET", "/api/v1/namespaces/default/configmaps", "application/json", "").status, 200);
}

// As on a real API server, stringData is write-only: merged into data on create and on patch,
// never stored or returned (issue 20 point 1: a Secret keeps its values in data only).
void TstApiServer::secretStringDataIsFoldedIntoData()
{
    const std::string body = R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},)"
                             R"("data":{"a":"b2xk","keep":"eA=="},"stringData":{"a":"plain-pw"}})";
    const httplib::Response created = serve("POST", "/api/v1/namespaces/default/secrets", "application/json", body);
    QCOMPARE(created.status, 201);
    for (const httplib::Response &res :
         {created, serve("GET", "/api/v1/namespaces/default/secrets/s", "application/json", "")}) {
        const Json obj = Json::parse(res.body);
        QVERIFY2(!obj.contains("stringData"), res.body.c_str());
        QCOMPARE(obj["data"]["a"].get<std::string>(), std::string("cGxhaW4tcHc=")); // base64("plain-pw")
        QCOMPARE(obj["data"]["keep"].get<std::string>(), std::string("eA=="));
        QVERIFY(res.body.find("plain-pw") == std::string::npos);
    }
    const httplib::Response patched = serve("PATCH", "/api/v1/namespaces/default/secrets/s",
        "application/merge-patch+json", R"({"stringData":{"b":"two"}})");
    QCOMPARE(patched.status, 200);
    const Json obj = Json::parse(patched.body);
    QVERIFY(!obj.contains("stringData"));
    QCOMPARE(obj["data"]["b"].get<std::string>(), std::string("dHdv"));
    QCOMPARE(obj["data"]["a"].get<std::string>(), std::string("cGxhaW4tcHc="));
    const httplib::Response bad = serve("POST", "/api/v1/namespaces/default/secrets", "application/json",
        R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"t"},"stringData":{"a":1}})");
    QCOMPARE(bad.status, 422);
}

QTEST_GUILESS_MAIN(TstApiServer)
#include "tst_api_server.moc"
