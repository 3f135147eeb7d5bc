#include "backend/cluster/gcloud_progress_parser.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace bc;

class TstGkeProgressParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void createWithoutTerminal();
    void createWithTrackerDetails();
    void credentialsAndDelete();
    void errorsAndNoise();
};

void TstGkeProgressParser::createWithoutTerminal()
{
    // gcloud's non-interactive tracker: message, then dots and "done." on the next line.
    GcloudProgressParser p(GcloudProgressParser::Operation::Create);
    QVERIFY(!p.feed(
        u"Default change: VPC-native is the default mode during cluster creation for versions greater than 1.21.0-gke.1500. To create advanced routes based clusters, please pass the `--no-enable-ip-alias` flag"_s));
    auto s = p.feed(u"Creating cluster boutique in us-central1-b..."_s);
    QVERIFY(s);
    QCOMPARE(s->phase, u"Creating cluster boutique in us-central1-b"_s);
    QCOMPARE(s->fraction, 0.05);
    s = p.feed(u"..........................................................done."_s);
    QVERIFY(s);
    QCOMPARE(s->phase, u"Creating cluster boutique in us-central1-b: done"_s);
    QCOMPARE(s->fraction, 0.9);
    s = p.feed(
        u"Created [https://container.googleapis.com/v1/projects/p/zones/us-central1-b/clusters/boutique]."_s);
    QVERIFY(s);
    QCOMPARE(s->fraction, 0.92);
    QVERIFY(!p.feed(
        u"To inspect the contents of your cluster, go to: https://console.cloud.google.com/kubernetes/workload_/gcloud/us-central1-b/boutique?project=p"_s));
    s = p.feed(u"kubeconfig entry generated for boutique."_s);
    QVERIFY(s);
    QCOMPARE(s->fraction, 0.97);
    QVERIFY(!p.feed(
        u"NAME      LOCATION       MASTER_VERSION  MASTER_IP  MACHINE_TYPE   NODE_VERSION  NUM_NODES  STATUS"_s));
}

void TstGkeProgressParser::createWithTrackerDetails()
{
    GcloudProgressParser p(GcloudProgressParser::Operation::Create);
    QCOMPARE(
        p.feed(u"Creating cluster boutique in us-central1-b... Cluster is being configured...⠹"_s)->phase,
        u"Creating cluster boutique in us-central1-b: Cluster is being configured"_s);
    QCOMPARE(p.fraction(), 0.15);
    QCOMPARE(
        p.feed(u"Creating cluster boutique in us-central1-b... Cluster is being deployed...⠼"_s)->fraction,
        0.35);
    const auto s
        = p.feed(u"Creating cluster boutique in us-central1-b... Cluster is being health-checked...⠧"_s);
    QCOMPARE(s->phase, u"Creating cluster boutique in us-central1-b: Cluster is being health-checked"_s);
    QCOMPARE(s->fraction, 0.7);
    // The same line again moves nothing.
    QVERIFY(!p.feed(u"Creating cluster boutique in us-central1-b... Cluster is being health-checked...⠧"_s));
    QCOMPARE(
        p.feed(
             u"Creating cluster boutique in us-central1-b... Cluster is being health-checked (master is healthy)...done."_s)
            ->fraction,
        0.9);
    // Never backwards.
    QVERIFY(
        p.feed(u"Creating cluster boutique in us-central1-b... Cluster is being configured..."_s)->fraction
        >= 0.9);
}

void TstGkeProgressParser::credentialsAndDelete()
{
    GcloudProgressParser c(GcloudProgressParser::Operation::GetCredentials);
    QCOMPARE(c.feed(u"Fetching cluster endpoint and auth data."_s)->fraction, 0.3);
    QCOMPARE(c.feed(u"kubeconfig entry generated for boutique."_s)->fraction, 1.0);

    GcloudProgressParser d(GcloudProgressParser::Operation::Delete);
    QCOMPARE(d.feed(u"Deleting cluster boutique..."_s)->phase, u"Deleting cluster boutique"_s);
    QCOMPARE(d.feed(u"...............done."_s)->fraction, 0.9);
    QCOMPARE(
        d.feed(
             u"Deleted [https://container.googleapis.com/v1/projects/p/zones/us-central1-b/clusters/boutique]."_s)
            ->fraction,
        1.0);
}

void TstGkeProgressParser::errorsAndNoise()
{
    GcloudProgressParser p(GcloudProgressParser::Operation::Create);
    QVERIFY(!p.feed({}));
    QVERIFY(!p.feed(u"   "_s));
    QVERIFY(!p.feed(u"WARNING: The Pod address range limits the maximum size of the cluster."_s));
    QVERIFY(!p.feed(u"....done."_s)); // dots before any tracker message mean nothing
    const auto e = p.feed(
        u"ERROR: (gcloud.container.clusters.create) ResponseError: code=403, message=Permission denied"_s);
    QVERIFY(e && e->isError);
    p.feed(u"Creating cluster boutique in us-central1-b..."_s);
    const auto f = p.feed(u"....failed."_s);
    QVERIFY(f && f->isError);
}

QTEST_GUILESS_MAIN(TstGkeProgressParser)
#include "tst_gke_progress_parser.moc"
