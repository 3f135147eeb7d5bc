#include "backend/process/tool_locator.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TstToolLocator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void configuredPathWinsOverPath()
    {
        QTemporaryDir dir;
        const QString fake = dir.filePath(u"kubectl"_s);
        QFile f(fake);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#!/bin/sh\necho configured\n");
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        bc::ToolLocator locator;
        QVERIFY(!locator.locate(u"kubectl"_s).isEmpty()); // the real one, on PATH
        locator.setConfiguredPath(u"kubectl"_s, fake);
        QCOMPARE(locator.locate(u"kubectl"_s), fake);
        locator.setConfiguredPath(u"kubectl"_s, dir.filePath(u"missing"_s));
        QVERIFY(locator.configuredPath(u"kubectl"_s).isEmpty()); // a wrong setting falls back to PATH
        QVERIFY(locator.locate(u"kubectl"_s) != fake);
    }

    void parseVersion_data()
    {
        QTest::addColumn<QString>("tool");
        QTest::addColumn<QString>("output");
        QTest::addColumn<QString>("version");
        QTest::newRow("kubectl json") << u"kubectl"_s
                                      << uR"({"clientVersion":{"gitVersion":"v1.32.4-dispatcher"},"kustomizeVersion":"v5.5.0"})"_s
                                      << u"v1.32.4-dispatcher"_s;
        QTest::newRow("terraform json") << u"terraform"_s
                                        << u"{\n  \"terraform_version\": \"1.11.4\",\n  \"platform\": \"linux_amd64\"\n}"_s
                                        << u"1.11.4"_s;
        QTest::newRow("gcloud") << u"gcloud"_s << u"Google Cloud SDK 528.0.0\nalpha 2025.06.20\n"_s
                                << u"Google Cloud SDK 528.0.0"_s;
        QTest::newRow("ansible") << u"ansible-playbook"_s << u"ansible-playbook [core 2.14.18]\n  config file = None\n"_s
                                 << u"ansible-playbook [core 2.14.18]"_s;
        QTest::newRow("locust debian") << u"locust"_s << u"locust \n"_s
                                       << u"locust (version not reported: Debian's 2.12 package prints none)"_s;
        QTest::newRow("locust upstream") << u"locust"_s << u"locust 2.15.1\n"_s << u"locust 2.15.1"_s;
    }
    void parseVersion()
    {
        QFETCH(QString, tool);
        QFETCH(QString, output);
        QFETCH(QString, version);
        QCOMPARE(bc::ToolLocator::parseVersion(tool, output), version);
    }

    void probesTheRealTools()
    {
        bc::ToolLocator locator;
        QSignalSpy probed(&locator, &bc::ToolLocator::probed);
        locator.probeVersions();
        QVERIFY(probed.wait(60000));
        const auto tools = probed.first().first().value<QList<bc::ToolInfo>>();
        QCOMPARE(tools.size(), bc::ToolLocator::knownTools().size());
        for (const bc::ToolInfo &t : tools) {
            QVERIFY2(t.found(), qPrintable(t.name + u" is missing: install it (./boutique deps)"_s));
            QVERIFY2(!t.version.isEmpty(), qPrintable(t.name + u": "_s + t.problem));
        }
        const auto kubectl = std::find_if(tools.begin(), tools.end(), [](const auto &t) { return t.name == u"kubectl"; });
        QVERIFY(kubectl->version.startsWith(u"v1."_s));
    }
};

QTEST_GUILESS_MAIN(TstToolLocator)
#include "tst_tool_locator.moc"
