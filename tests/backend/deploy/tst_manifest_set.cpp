#include "backend/deploy/manifest_set.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using bc::ManifestSet;

namespace {
QString write(const QTemporaryDir &dir, const QString &name, const QByteArray &content)
{
    QFile f(dir.filePath(name));
    f.open(QIODevice::WriteOnly);
    f.write(content);
    return f.fileName();
}
} // namespace

class TstManifestSet : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void shippedMinimalDeclaresTheLabsServices()
    {
        const QStringList files = ManifestSet::files(ManifestSet::Edition::Minimal, true);
        QCOMPARE(files.size(), 2);
        const auto objects = ManifestSet::inspectAll(files);
        QVERIFY2(objects, qPrintable(objects ? QString() : objects.error().message));
        QStringList names = ManifestSet::deploymentNames(objects.value());
        names.sort();
        QCOMPARE(names, (QStringList{u"cartservice"_s, u"checkoutservice"_s, u"currencyservice"_s, u"frontend"_s,
                                     u"paymentservice"_s, u"productcatalogservice"_s, u"productcatalogservice-v2"_s,
                                     u"redis-cart"_s, u"shippingservice"_s}));
        const auto lb = std::find_if(objects.value().cbegin(), objects.value().cend(),
                                     [](const bc::ManifestObject &o) { return o.name == u"frontend-external"; });
        QVERIFY(lb != objects.value().cend());
        QCOMPARE(lb->kind, u"Service"_s);
        const auto v2 = std::find_if(objects.value().cbegin(), objects.value().cend(),
                                     [](const bc::ManifestObject &o) { return o.name == u"productcatalogservice-v2"; });
        QCOMPARE(v2->replicas, 0);
    }

    void shippedFullIsTheUpstreamRelease()
    {
        const auto objects = ManifestSet::inspectAll(ManifestSet::files(ManifestSet::Edition::Full, false));
        QVERIFY(objects);
        QCOMPARE(ManifestSet::deploymentNames(objects.value()).size(), 12); // 11 services + loadgenerator
    }

    void theOrderLogWiresTheCheckoutTap()
    {
        // Both editions with orderlog.yaml: the frontend is pointed at the tap; without it, it is not.
        for (const auto edition : {ManifestSet::Edition::Minimal, ManifestSet::Edition::Full}) {
            const QStringList files = ManifestSet::files(edition, false, true);
            QCOMPARE(files.last(), ManifestSet::orderLogFile());
            const auto with = ManifestSet::inspectAll(files);
            QVERIFY(with);
            QVERIFY(ManifestSet::wiresCheckoutTap(with.value()));
            const auto without = ManifestSet::inspectAll(ManifestSet::files(edition, true, false));
            QVERIFY(without);
            QVERIFY(!ManifestSet::wiresCheckoutTap(without.value()));
        }
        const auto alone = ManifestSet::inspect(ManifestSet::orderLogFile()); // no frontend to point
        QVERIFY(alone);
        QVERIFY(!ManifestSet::wiresCheckoutTap(alone.value()));
        // The tap in front of the unchanged upstream checkoutservice, at the address set env gives.
        QFile orderlog(ManifestSet::orderLogFile());
        QVERIFY(orderlog.open(QIODevice::ReadOnly));
        const QByteArray yaml = orderlog.readAll();
        QVERIFY(yaml.contains("\"--checkout-upstream=checkoutservice:5050\""));
        QVERIFY(yaml.contains("port: 50051"));
        QCOMPARE(QLatin1String(ManifestSet::kCheckoutTapAddress), u"orderlog:50051"_s);
        for (const auto edition : {ManifestSet::Edition::Minimal, ManifestSet::Edition::Full}) {
            QFile shop(ManifestSet::files(edition, false).first());
            QVERIFY(shop.open(QIODevice::ReadOnly));
            const QByteArray text = shop.readAll();
            const qsizetype at = text.indexOf("name: CHECKOUT_SERVICE_ADDR");
            QVERIFY(at > 0); // the shop's own value, which an apply without the order log restores
            QVERIFY(text.mid(at, 80).contains(ManifestSet::kCheckoutServiceAddress));
        }
    }

    void editionNames()
    {
        QCOMPARE(ManifestSet::editionFromName(u"full"_s).value(), ManifestSet::Edition::Full);
        const auto bad = ManifestSet::editionFromName(u"tiny"_s);
        QVERIFY(!bad);
        QVERIFY(bad.error().message.contains(u"'minimal' or 'full'"_s));
    }

    void malformedManifests_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("bad yaml") << QByteArray("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n")
                                  << u"is not valid YAML: line"_s;
        QTest::newRow("scalar document") << QByteArray("just text\n") << u"document 1 is not a Kubernetes object"_s;
        QTest::newRow("missing kind") << QByteArray("---\napiVersion: v1\nmetadata:\n  name: x\n")
                                      << u"lacks apiVersion, kind or metadata.name"_s;
        QTest::newRow("empty") << QByteArray("# nothing\n---\n") << u"declares no Kubernetes objects"_s;
    }
    void malformedManifests()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, messagePart);
        QTemporaryDir dir;
        const QString path = write(dir, u"m.yaml"_s, content);
        const auto objects = ManifestSet::inspect(path);
        QVERIFY(!objects);
        QVERIFY2(objects.error().message.contains(messagePart), qPrintable(objects.error().message));
        QVERIFY(objects.error().message.contains(path));
        QCOMPARE(objects.error().kind, bc::Error::Kind::Invalid);
    }

    void missingFile()
    {
        const auto objects = ManifestSet::inspect(u"/nonexistent/boutique.yaml"_s);
        QCOMPARE(objects.error().kind, bc::Error::Kind::NotFound);
    }
};

QTEST_GUILESS_MAIN(TstManifestSet)
#include "tst_manifest_set.moc"
