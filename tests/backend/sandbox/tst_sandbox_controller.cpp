#include "backend/sandbox/sandbox_controller.h"

#include "backend/kube/kube_client.h"
#include "backend/kube/kube_objects.h"
#include "backend/process/run_context.h"

#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;

// SandboxController runs the real boutique-sandbox (BC_SANDBOX_BINARY) as a child and hands out the
// target that points the real kubectl at it; a sandbox that cannot run reports why.
class TstSandboxController : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<bc::Error>();
        qRegisterMetaType<bc::SandboxController::State>();
    }

    void argumentsAndTargetFollowTheOptions()
    {
        bc::SandboxOptions options;
        options.stateDirectory = u"/state"_s;
        options.nodes = 2;
        options.faults = {u"cartservice:error=0.5"_s};
        options.withCrds = false;
        const QStringList args = bc::SandboxController::arguments(options);
        QCOMPARE(args.mid(0, 6),
            (QStringList {u"--port"_s, u"0"_s, u"--kubeconfig"_s, options.kubeconfigPath(), u"--nodes"_s, u"2"_s}));
        QVERIFY(options.kubeconfigPath().startsWith(u"/state"_s));
        QVERIFY(!args.contains(u"--with-crds"_s));
        QCOMPARE(args.mid(args.indexOf(u"--fault"_s), 2), (QStringList {u"--fault"_s, u"cartservice:error=0.5"_s}));
        QVERIFY(!args.contains(u"--postgres"_s));

        const bc::KubeTarget target = bc::SandboxController::targetFor(options);
        QCOMPARE(target.kubeconfig, options.kubeconfigPath());
        QCOMPARE(target.context, u"boutique-sandbox"_s);
        QCOMPARE(target.cacheDir, options.cacheDirectory()); // never the real clusters' discovery cache
    }

    void listeningLineGivesThePort()
    {
        QCOMPARE(bc::SandboxController::parseListeningLine(u"boutique-sandbox listening on http://127.0.0.1:43117 (3 nodes)"_s), 43117);
        QCOMPARE(bc::SandboxController::parseListeningLine(u"starting 3 nodes"_s), 0);
    }

    void startsReachableByKubectlAndStops()
    {
        QTemporaryDir state;
        QVERIFY(state.isValid());
        bc::RunContext context;
        bc::SandboxController sandbox(&context);
        QSignalSpy states(&sandbox, &bc::SandboxController::stateChanged);
        QSignalSpy ready(&sandbox, &bc::SandboxController::ready);
        bc::SandboxOptions options;
        options.stateDirectory = state.path();
        options.nodes = 2;
        sandbox.start(options);
        QCOMPARE(sandbox.state(), bc::SandboxController::State::Starting);
        QVERIFY(ready.wait(30000));
        QCOMPARE(sandbox.state(), bc::SandboxController::State::Running);
        QCOMPARE(ready.size(), 1);
        QCOMPARE(sandbox.target(), bc::SandboxController::targetFor(options));
        QVERIFY(sandbox.serverUrl().startsWith(u"http://127.0.0.1:"_s));
        QVERIFY(QFileInfo::exists(options.kubeconfigPath()));
        QCOMPARE(sandbox.orderDatabase(), nullptr); // no order log asked for
        sandbox.start(options); // running: a second start changes nothing
        QCOMPARE(sandbox.state(), bc::SandboxController::State::Running);

        // The real kubectl reaches it through the target: the nodes asked for.
        bc::KubeClient client(&context, sandbox.target());
        std::optional<bc::Result<QList<bc::Node>>> nodes;
        client.listNodes([&](const bc::Result<QList<bc::Node>> &r) { nodes = r; });
        QTRY_VERIFY_WITH_TIMEOUT(nodes.has_value(), 30000);
        QVERIFY2(*nodes, qPrintable(*nodes ? QString() : nodes->error().message));
        QCOMPARE(nodes->value().size(), 2);

        sandbox.stop();
        QTRY_COMPARE_WITH_TIMEOUT(sandbox.state(), bc::SandboxController::State::Stopped, 30000);
        QCOMPARE(states.first().first().value<bc::SandboxController::State>(), bc::SandboxController::State::Starting);
        QCOMPARE(states.at(1).first().value<bc::SandboxController::State>(), bc::SandboxController::State::Running);
    }

    void aSandboxThatCannotWriteItsKubeconfigFails()
    {
        // The state folder lies under a regular file: boutique-sandbox cannot write its kubeconfig there.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile blocker(dir.filePath(u"file"_s));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        bc::RunContext context;
        bc::SandboxController sandbox(&context);
        QSignalSpy failed(&sandbox, &bc::SandboxController::failed);
        QSignalSpy ready(&sandbox, &bc::SandboxController::ready);
        bc::SandboxOptions options;
        options.stateDirectory = dir.filePath(u"file/state"_s);
        sandbox.start(options);
        QVERIFY(failed.wait(30000));
        QCOMPARE(ready.size(), 0);
        QCOMPARE(sandbox.state(), bc::SandboxController::State::Failed);
        const auto error = failed.first().first().value<bc::Error>();
        QVERIFY2(error.message.startsWith(u"The local sandbox stopped"_s), qPrintable(error.message));
    }
};

QTEST_GUILESS_MAIN(TstSandboxController)
#include "tst_sandbox_controller.moc"
