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
        // Locust's CSV: plain header names, values quoted or not; no field of ours holds a comma.
        const auto fields = [](const QByteArray &line) {
            QStringList out;
            for (const QByteArray &f : line.trimmed().split(','))
                out << QString::fromUtf8(f).remove(u'"');
            return out;
        };
        const QList<QByteArray> lines = csv.readAll().split('\n');
        const QStringList header = fields(lines.value(0));
        const qsizetype nameCol = header.indexOf(QStringLiteral("Name"));
        const qsizetype reqCol = header.indexOf(QStringLiteral("Request Count"));
        const qsizetype failCol = header.indexOf(QStringLiteral("Failure Count"));
        QVERIFY2(nameCol >= 0 && reqCol >= 0 && failCol >= 0, lines.value(0).constData());
        QStringList aggregated;
        QStringList perRoute;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QStringList f = fields(lines[i]);
            if (f.size() <= failCol)
                continue;
            if (f[nameCol] == u"Aggregated")
                aggregated = f;
            else
                perRoute << f.mid(0, 4).join(u' ');
        }
        QVERIFY2(!aggregated.isEmpty(), qPrintable(output.right(3000)));
        const long long requests = aggregated[reqCol].toLongLong();
        const long long failures = aggregated[failCol].toLongLong();
        qInfo("Locust 50 users / 60 s: %lld requests, %lld failures", requests, failures);
        qInfo("%s", qPrintable(perRoute.join(u'\n')));
        QVERIFY2(requests > 200, qPrintable(output.right(3000)));
        QCOMPARE(failures, 0LL);
        QCOMPARE(p.exitCode(), 0);
        // Every route of the upstream load generator was exercised.
        for (const char *route : {"GET / ", "GET /product/", "GET /cart ", "POST /cart ", "POST /setCurrency ",
                                  "POST /cart/checkout "})
            QVERIFY2(perRoute.join(u'\n').contains(QString::fromLatin1(route)), route);
    }
};

QTEST_GUILESS_MAIN(TstStorefrontLocust)
#include "tst_storefront_locust.moc"
