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
