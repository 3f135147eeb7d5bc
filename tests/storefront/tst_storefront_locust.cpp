// Real Locust (Debian's /usr/bin/locust with infra/locust/locustfile.py, unchanged) drives the sandbox
// storefront with the full cost model: 50 users for 60 s must see no failure.
#include "tests/storefront/storefront_test_support.h"

#include <QFile>
#include <QStandardPaths>

class TstStorefrontLocust : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fiftyUsersForSixtySecondsWithoutFailure()
    {
        const QString locust = QStringLiteral("/usr/bin/locust");
        QVERIFY2(QFile::exists(locust), "/usr/bin/locust not found: install Debian's python3-locust");
        bc::test::SandboxFixture sb;
        QString error, url;
        QVERIFY2(sb.start({QStringLiteral("--pod-start-delay"), QStringLiteral("0.5"), QStringLiteral("--lb-delay"),
                           QStringLiteral("0.2")},
                          &error),
                 qPrintable(error));
        QVERIFY2(bc::test::deployBoutique(sb, {bc::test::manifest("productcatalogservice-v2.yaml")}, url, &error),
                 qPrintable(error));

        const QString dir = sb.dir();
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.setWorkingDirectory(dir);
        const QString files = QStringLiteral(BC_SOURCE_DIR "/infra/locust/version_fix.py,") + QStringLiteral(BC_SOURCE_DIR
                                                                                                            "/infra/locust/locustfile.py");
        p.start(locust, {QStringLiteral("-f"), files, QStringLiteral("--headless"), QStringLiteral("-u"), QStringLiteral("50"),
                         QStringLiteral("-r"), QStringLiteral("10"), QStringLiteral("-t"), QStringLiteral("60s"),
                         QStringLiteral("--host"), url, QStringLiteral("--csv"), dir + QStringLiteral("/run"),
                         QStringLiteral("--only-summary"), QStringLiteral("--stop-timeout"), QStringLiteral("5")});
        QVERIFY2(p.waitForStarted(10000), qPrintable(p.errorString()));
        QVERIFY2(p.waitForFinished(100000), "Locust did not finish within 100 s");
        const QString output = QString::fromUtf8(p.readAll());

        QFile csv(dir + QStringLiteral("/run_stats.csv"));
        QVERIFY2(csv.open(QIODevice::ReadOnly), qPrintable(output.right(3000)));
        const QList<QByteArray> lines = csv.readAll().split('\n');
        const QList<QByteArray> header = lines.value(0).split(',');
        const qsizetype reqCol = header.indexOf("\"Request Count\""), failCol = header.indexOf("\"Failure Count\"");
        QVERIFY2(reqCol >= 0 && failCol >= 0, lines.value(0).constData());
        QByteArray aggregated;
        QStringList perRoute;
        for (const QByteArray &l : lines) {
            if (l.contains("\"Aggregated\""))
                aggregated = l;
            else if (!l.isEmpty() && l != lines.value(0))
                perRoute << QString::fromUtf8(l.split(',').mid(0, 4).join(','));
        }
        QVERIFY2(!aggregated.isEmpty(), qPrintable(output.right(3000)));
        const long long requests = aggregated.split(',').value(reqCol).toLongLong();
        const long long failures = aggregated.split(',').value(failCol).toLongLong();
        qInfo("Locust 50 users / 60 s: %lld requests, %lld failures", requests, failures);
        qInfo("%s", qPrintable(perRoute.join(u'\n')));
        QVERIFY2(requests > 200, qPrintable(output.right(3000)));
        QCOMPARE(failures, 0LL);
        QCOMPARE(p.exitCode(), 0);
        // Every route of the upstream load generator was exercised.
        for (const char *route : {"\"/\"", "/product/", "\"/cart\"", "/setCurrency", "/cart/checkout"})
            QVERIFY2(perRoute.join(u'\n').contains(QString::fromLatin1(route)), route);
    }
};

QTEST_GUILESS_MAIN(TstStorefrontLocust)
#include "tst_storefront_locust.moc"
