// The headless face of boutique-control, driven as a user would: the built binary, its exit codes and text.
#include <QProcess>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct Run
{
    int code = -1;
    QString out;
    QString err;
};

Run runApp(const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"DISPLAY"_s); // headless commands must not need a display
    env.remove(u"WAYLAND_DISPLAY"_s);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(BC_APP_BINARY), args);
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

} // namespace

class TstCliDispatch : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void versionNamesTheProduct()
    {
        const Run r = runApp({u"--version"_s});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.startsWith(u"Boutique Control "_s), qPrintable(r.out));
    }

    void helpListsCommands()
    {
        const Run r = runApp({u"--help"_s});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(u"Usage: boutique-control"_s));
        QVERIFY(r.out.contains(u"tools"_s));
        QVERIFY(r.out.contains(u"--dry-run"_s));
        QVERIFY(r.out.contains(u"--environment NAME"_s));
        QVERIFY(r.out.contains(u"--panel NAME"_s));
    }

    void unknownCommandIsOneLineAndExit2()
    {
        const Run r = runApp({u"frobnicate"_s});
        QCOMPARE(r.code, 2);
        QCOMPARE(r.out, QString());
        QCOMPARE(r.err.count(u'\n'), 1);
        QVERIFY(r.err.contains(u"unknown command 'frobnicate'"_s));
    }

    void perCommandHelp()
    {
        const Run r = runApp({u"tools"_s, u"--help"_s});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(u"Usage: boutique-control tools"_s), qPrintable(r.out));
        QVERIFY(r.out.contains(u"--dry-run"_s));
    }

    void badOptionIsOneLineAndExit2()
    {
        const Run r = runApp({u"tools"_s, u"--no-such-option"_s});
        QCOMPARE(r.code, 2);
        QCOMPARE(r.err.count(u'\n'), 1);
        QVERIFY2(r.err.contains(u"no-such-option"_s), qPrintable(r.err));
    }

    void canaryPlanPrintsReplicaSplit()
    {
        const Run exact = runApp({u"canary"_s, u"plan"_s, u"25"_s, u"--budget"_s, u"4"_s});
        QCOMPARE(exact.code, 0);
        QCOMPARE(exact.out, u"v1=3 v2=1 achieved=25%\n"_s);
        QCOMPARE(exact.err, QString());
        const Run nearest = runApp({u"canary"_s, u"plan"_s, u"1"_s, u"--budget"_s, u"10"_s});
        QCOMPARE(nearest.code, 0);
        QCOMPARE(nearest.out, u"v1=9 v2=1 achieved=10%\n"_s);
        QVERIFY(nearest.err.contains(u"99:1"_s));
        const Run bad = runApp({u"canary"_s, u"plan"_s, u"150"_s});
        QCOMPARE(bad.code, 2);
        QVERIFY(bad.err.contains(u"0 to 100"_s));
    }

    void deployWithTheOrderLogPrintsTheTapWiring()
    {
        // The same kubectl lines for the sandbox and for a GKE context: the apply with orderlog.yaml, then
        // the frontend pointed at the tap.
        const QString kubeconfig = u"/nonexistent/bc-dry-run/kubeconfig"_s;
        QList<QStringList> perTarget;
        for (const QString &context : {u"boutique-sandbox"_s, u"gke_my-project_europe-west1-b_boutique"_s}) {
            const Run r = runApp({u"deploy"_s, u"--with-order-log"_s, u"--dry-run"_s, u"--kubeconfig"_s, kubeconfig,
                                  u"--context"_s, context});
            QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
            QStringList lines = r.out.trimmed().split(u'\n');
            QCOMPARE(lines.size(), 2); // without --wait: the apply and the wiring
            const QString target = u"kubectl --kubeconfig %1 --context %2 -n default "_s.arg(kubeconfig, context);
            QVERIFY2(lines.at(0).startsWith(target + u"apply -f "_s), qPrintable(lines.at(0)));
            QVERIFY2(lines.at(0).contains(u"/minimal.yaml -f "_s) && lines.at(0).endsWith(u"/orderlog.yaml"_s),
                     qPrintable(lines.at(0)));
            QCOMPARE(lines.at(1), target + u"set env deployment/frontend CHECKOUT_SERVICE_ADDR=orderlog:50051"_s);
            lines.replaceInStrings(context, u"CONTEXT"_s);
            perTarget.append(lines);
        }
        QCOMPARE(perTarget.at(0), perTarget.at(1));
        // Files given by hand are wired the same way once they hold the frontend and orderlog.yaml.
        const Run byHand = runApp({u"deploy"_s, u"-f"_s, QStringLiteral(BC_SOURCE_DIR "/manifests/minimal.yaml"),
                                   u"--with-order-log"_s, u"--dry-run"_s, u"--context"_s, u"gke_p_z_c"_s});
        QVERIFY2(byHand.code == 0, qPrintable(byHand.err));
        QVERIFY2(byHand.out.contains(u"set env deployment/frontend CHECKOUT_SERVICE_ADDR=orderlog:50051"_s),
                 qPrintable(byHand.out));
        // Without the order log: the apply alone; the shop's manifests carry checkoutservice:5050.
        const Run plain = runApp({u"deploy"_s, u"--dry-run"_s, u"--context"_s, u"gke_p_z_c"_s});
        QCOMPARE(plain.code, 0);
        QCOMPARE(plain.out.trimmed().count(u'\n'), 0);
        QVERIFY(!plain.out.contains(u"orderlog"_s));
        QVERIFY(!plain.out.contains(u"set env"_s));
    }

    void toolsListsEveryTool()
    {
        const Run r = runApp({u"tools"_s});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        for (const QString &tool : {u"kubectl"_s, u"gcloud"_s, u"terraform"_s, u"ansible-playbook"_s, u"locust"_s, u"ssh"_s})
            QVERIFY2(r.out.contains(u"\n"_s + tool + u" "_s) || r.out.startsWith(tool + u" "_s), qPrintable(tool));
    }
};

QTEST_GUILESS_MAIN(TstCliDispatch)
#include "tst_cli_dispatch.moc"
