// What a read of Service frontend-external means for the storefront's address (StorefrontAddress::urlFrom):
// the address, or an error that says why there is none. The waits on a real sandbox are in tst_cli_deploy.

#include "backend/deploy/storefront_address.h"
#include "backend/kube/kube_objects.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

bc::Service service(const char *json)
{
    return bc::serviceFromJson(QJsonDocument::fromJson(json).object());
}

} // namespace

class TstStorefrontAddress : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loadBalancerAddressIsTheUrl()
    {
        const auto url = bc::StorefrontAddress::urlFrom(
            service(
                R"({"metadata":{"name":"frontend-external"},"spec":{"type":"LoadBalancer","ports":[{"port":80}]},
                        "status":{"loadBalancer":{"ingress":[{"ip":"127.0.0.7"}]}}})"),
            u"default"_s);
        QVERIFY(url);
        QCOMPARE(url.value(), u"http://127.0.0.7"_s);
        const auto withPort = bc::StorefrontAddress::urlFrom(
            service(
                R"({"metadata":{"name":"frontend-external"},"spec":{"type":"LoadBalancer","ports":[{"port":8080}]},
                        "status":{"loadBalancer":{"ingress":[{"hostname":"shop.example"}]}}})"),
            u"default"_s);
        QCOMPARE(withPort.value(), u"http://shop.example:8080"_s);
    }

    void noAddressSaysWhy()
    {
        const auto pending = bc::StorefrontAddress::urlFrom(
            service(
                R"({"metadata":{"name":"frontend-external"},"spec":{"type":"LoadBalancer"},"status":{"loadBalancer":{}}})"),
            u"default"_s);
        QCOMPARE(pending.error().kind, bc::Error::Kind::Unavailable);
        QVERIFY(pending.error().message.contains(u"has no external address yet"_s));

        const auto clusterIp = bc::StorefrontAddress::urlFrom(
            service(R"({"metadata":{"name":"frontend-external"},"spec":{"type":"ClusterIP"}})"),
            u"default"_s);
        QCOMPARE(clusterIp.error().kind, bc::Error::Kind::Invalid);
        QVERIFY(clusterIp.error().message.contains(u"of type ClusterIP"_s));

        const bc::Result<bc::Service> missing(
            bc::Error {bc::Error::Kind::Failed, u"kubectl failed (exit 1)"_s,
                u"Error from server (NotFound): services \"frontend-external\" not found"_s});
        const auto notFound = bc::StorefrontAddress::urlFrom(missing, u"shop"_s);
        QCOMPARE(notFound.error().kind, bc::Error::Kind::NotFound);
        QCOMPARE(notFound.error().message,
            u"Service frontend-external does not exist in namespace shop: deploy Online Boutique first."_s);

        const bc::Result<bc::Service> unreachable(bc::Error {bc::Error::Kind::Unavailable,
            u"kubectl failed (exit 1)"_s, u"dial tcp 127.0.0.1:9: connect: connection refused"_s});
        QCOMPARE(bc::StorefrontAddress::urlFrom(unreachable, u"default"_s).error().kind,
            bc::Error::Kind::Unavailable);
    }
};

QTEST_GUILESS_MAIN(TstStorefrontAddress)
#include "tst_storefront_address.moc"
