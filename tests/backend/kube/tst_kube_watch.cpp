// KubeWatch against the real boutique-sandbox through the real kubectl: the API's own watch stream
// (`kubectl get --raw PATH?watch=1`) starts with the whole state, follows changes, honours a label
// selector, and hands a big initial state over in bounded batches.
#include "backend/kube/kube_watch.h"
#include "backend/process/run_context.h"
#include "backend/session/cluster_session.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;
using bc::KubeWatch;
using bc::WatchEvent;

namespace {

// Names of the pods whose latest event is not DELETED, after every event so far.
class PodNames
{
public:
    explicit PodNames(KubeWatch *watch)
    {
        QObject::connect(watch, &KubeWatch::resynced, watch, [this] { live.clear(); });
        QObject::connect(watch, &KubeWatch::eventsReceived, watch, [this](const QList<WatchEvent> &events) {
            batchSizes.append(int(events.size()));
            for (const WatchEvent &e : events) {
                const QString name = e.object.value("metadata"_L1).toObject().value("name"_L1).toString();
                if (e.type == WatchEvent::Type::Deleted)
                    live.remove(name);
                else if (e.type != WatchEvent::Type::Error)
                    live.insert(name);
                ++eventCount;
            }
        });
    }
    int startingWith(const QString &prefix) const
    {
        return int(std::count_if(live.cbegin(), live.cend(), [&](const QString &n) { return n.startsWith(prefix); }));
    }
    QSet<QString> live;
    QList<int> batchSizes;
    int eventCount = 0;
};

} // namespace

class TestKubeWatch : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        bc::SandboxOptions options;
        options.stateDirectory = m_dir.path();
        options.nodes = 30;
        options.podStartDelaySeconds = 0.2;
        options.timeScale = 0.25;
        options.withCrds = false;
        QSignalSpy target(&m_session, &bc::ClusterSession::targetChanged);
        m_session.useSandbox(options);
        QVERIFY2(target.wait(30000), "the sandbox gave no cluster target within 30 s");
    }
    void cleanupTestCase() { m_session.disconnect(); }

    void builtInKindsAreReadAsTheApisOwnWatchStream()
    {
        bc::KubeTarget target{u"/k/config"_s, u"lab"_s, u"shop"_s};
        KubeWatch pods(&m_context, target, u"pods"_s, u"app=web,tier in (a,b)"_s);
        QCOMPARE(pods.arguments(),
                 (QStringList{u"--kubeconfig"_s, u"/k/config"_s, u"--context"_s, u"lab"_s, u"get"_s, u"--raw"_s,
                              u"/api/v1/namespaces/shop/pods?watch=1&labelSelector=app%3Dweb%2Ctier%20in%20%28a%2Cb%29"_s}));
        QCOMPARE(KubeWatch::collectionPath(u"deployments"_s, u"shop"_s), u"/apis/apps/v1/namespaces/shop/deployments"_s);
        QCOMPARE(KubeWatch::collectionPath(u"events"_s, u"shop"_s), u"/api/v1/namespaces/shop/events"_s);
        QCOMPARE(KubeWatch::collectionPath(u"nodes"_s, u"shop"_s), u"/api/v1/nodes"_s);

        // A kind this class does not know still works, through kubectl's own watch printer.
        KubeWatch custom(&m_context, target, u"virtualservices"_s);
        const QStringList args = custom.arguments();
        QVERIFY(!args.contains(u"--raw"_s));
        QVERIFY(args.contains(u"virtualservices"_s));
        QVERIFY(args.contains(u"--output-watch-events"_s));
        QVERIFY(args.contains(u"shop"_s));
    }

    void startsWithTheWholeStateAndFollowsChanges()
    {
        QVERIFY(kubectl({u"create"_s, u"deployment"_s, u"web"_s, u"--image=nginx:1.25"_s, u"--replicas=3"_s}));
        QVERIFY(kubectl({u"wait"_s, u"--for=condition=Available"_s, u"deployment/web"_s, u"--timeout=60s"_s}));

        KubeWatch watch(&m_context, m_session.target(), u"pods"_s);
        PodNames names(&watch);
        QSignalSpy resynced(&watch, &KubeWatch::resynced);
        watch.start();
        QTRY_COMPARE_WITH_TIMEOUT(names.startingWith(u"web-"_s), 3, 20000);
        QCOMPARE(resynced.size(), 1);

        QVERIFY(kubectl({u"scale"_s, u"deployment/web"_s, u"--replicas=1"_s}));
        QTRY_COMPARE_WITH_TIMEOUT(names.startingWith(u"web-"_s), 1, 20000);
        QVERIFY(kubectl({u"scale"_s, u"deployment/web"_s, u"--replicas=2"_s}));
        QTRY_COMPARE_WITH_TIMEOUT(names.startingWith(u"web-"_s), 2, 20000);
        QCOMPARE(resynced.size(), 1); // one stream all along: no restart, no re-list
    }

    void aLabelSelectorKeepsOtherPodsOut()
    {
        QVERIFY(kubectl({u"create"_s, u"deployment"_s, u"other"_s, u"--image=nginx:1.25"_s, u"--replicas=2"_s}));
        KubeWatch watch(&m_context, m_session.target(), u"pods"_s, u"app=other"_s);
        PodNames names(&watch);
        watch.start();
        QTRY_COMPARE_WITH_TIMEOUT(names.startingWith(u"other-"_s), 2, 20000);
        QVERIFY(kubectl({u"scale"_s, u"deployment/web"_s, u"--replicas=4"_s}));
        QVERIFY(kubectl({u"scale"_s, u"deployment/other"_s, u"--replicas=3"_s}));
        QTRY_COMPARE_WITH_TIMEOUT(names.startingWith(u"other-"_s), 3, 20000);
        QCOMPARE(names.startingWith(u"web-"_s), 0);
        QCOMPARE(names.live.size(), 3);
    }

    void aBigStateArrivesInBoundedBatches()
    {
        const int replicas = KubeWatch::kMaxBatch + 700;
        QVERIFY(kubectl({u"create"_s, u"deployment"_s, u"bulk"_s, u"--image=busybox:1.36"_s,
                         u"--replicas=%1"_s.arg(replicas)}));
        QTRY_VERIFY_WITH_TIMEOUT(podCount(u"app=bulk"_s) == replicas, 60000);

        KubeWatch watch(&m_context, m_session.target(), u"pods"_s, u"app=bulk"_s);
        PodNames names(&watch);
        watch.start();
        QTRY_COMPARE_WITH_TIMEOUT(names.live.size(), replicas, 60000);
        QVERIFY2(names.batchSizes.size() >= 2, qPrintable(u"batches: %1"_s.arg(names.batchSizes.size())));
        QVERIFY(*std::max_element(names.batchSizes.cbegin(), names.batchSizes.cend()) <= KubeWatch::kMaxBatch);
        QCOMPARE(names.eventCount, replicas); // no event lost or repeated across batches
    }

private:
    bool kubectl(const QStringList &args)
    {
        QProcess p;
        p.start(u"kubectl"_s, m_session.target().namespacedArguments() + args);
        if (!p.waitForFinished(90000) || p.exitCode() != 0) {
            qWarning().noquote() << "kubectl" << args.join(u' ') << "failed:" << p.readAllStandardError();
            return false;
        }
        return true;
    }
    int podCount(const QString &selector)
    {
        QProcess p;
        p.start(u"kubectl"_s, m_session.target().namespacedArguments()
                                  << u"get"_s << u"pods"_s << u"-l"_s << selector << u"-o"_s << u"name"_s);
        if (!p.waitForFinished(60000) || p.exitCode() != 0)
            return -1;
        return int(p.readAllStandardOutput().count('\n'));
    }

    QTemporaryDir m_dir;
    bc::RunContext m_context;
    bc::ClusterSession m_session{&m_context};
};

QTEST_GUILESS_MAIN(TestKubeWatch)
#include "tst_kube_watch.moc"
