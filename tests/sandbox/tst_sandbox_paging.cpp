// Acceptance: the real kubectl pages lists with limit/continue (`--chunk-size`, also for the server-side
// Table of plain `kubectl get`) and gets every object once, in order, across the pages.
#include "tests/sandbox/sandbox_fixture.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

using bc::test::SandboxFixture;

class TstSandboxPaging : public QObject {
    Q_OBJECT

private:
    SandboxFixture m_sandbox;

    // `GET .../pods?...limit=3...` lines of kubectl -v=6: one per page it fetched.
    static int pagedRequests(const QString &log, const QString &resource)
    {
        int n = 0;
        const QRegularExpression re(QStringLiteral("GET http://127\\.0\\.0\\.1:\\d+/api/v1/namespaces/default/%1\\?[^ ]*limit=3[^ ]* 200 OK")
                                        .arg(resource));
        for (auto it = re.globalMatch(log); it.hasNext(); it.next())
            ++n;
        return n;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_sandbox.start({QStringLiteral("--pod-start-delay"), QStringLiteral("0.5"), QStringLiteral("--time-scale"),
                                  QStringLiteral("0.2")},
                                 &error),
                 qPrintable(error));
        const QByteArray doc = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
                               "spec:\n  replicas: 10\n  selector:\n    matchLabels: {app: web}\n"
                               "  template:\n    metadata:\n      labels: {app: web}\n"
                               "    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n";
        const auto r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 60000, doc);
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QVERIFY(SandboxFixture::waitFor(
            [this] {
                return m_sandbox.json({QStringLiteral("get"), QStringLiteral("pods")})[QStringLiteral("items")].toArray().size() == 10;
            },
            30000));
    }

    void getPodsChunkSizeTablePages()
    {
        const auto r = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("--chunk-size=3"),
                                          QStringLiteral("-v=6")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        const int pages = pagedRequests(r.errText(), QStringLiteral("pods"));
        QVERIFY2(pages >= 4, qPrintable(QStringLiteral("%1 paged requests:\n").arg(pages) + r.errText()));
        QVERIFY2(r.errText().contains(QStringLiteral("continue=")), qPrintable(r.errText()));
        const QStringList lines = r.text().split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 11); // the header once, then ten pods
        QVERIFY(lines[0].startsWith(QStringLiteral("NAME")));
        QStringList names;
        for (qsizetype i = 1; i < lines.size(); ++i)
            names << lines[i].section(u' ', 0, 0);
        QStringList sorted = names;
        sorted.sort();
        QCOMPARE(names, sorted); // pages follow each other in key order
        sorted.removeDuplicates();
        QCOMPARE(sorted.size(), 10);
    }

    void getPodsJsonChunkSize()
    {
        const auto r = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("--chunk-size=3"),
                                          QStringLiteral("-o"), QStringLiteral("json"), QStringLiteral("-v=6")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QVERIFY(pagedRequests(r.errText(), QStringLiteral("pods")) >= 4);
        const QJsonArray items = QJsonDocument::fromJson(r.out).object()[QStringLiteral("items")].toArray();
        QCOMPARE(items.size(), 10);
    }

    void selectorsPageToo()
    {
        const auto r = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-l"),
                                          QStringLiteral("app=web"), QStringLiteral("--chunk-size=3"), QStringLiteral("-o"),
                                          QStringLiteral("name")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QCOMPARE(r.text().split(u'\n', Qt::SkipEmptyParts).size(), 10);
    }
};

QTEST_GUILESS_MAIN(TstSandboxPaging)
#include "tst_sandbox_paging.moc"
