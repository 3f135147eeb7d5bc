#include "backend/process/redaction.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TstRedaction : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void patterns_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("conninfo") << u"host=127.0.0.1 port=5432 user=log password=hunter2 dbname=log"_s
                                  << u"host=127.0.0.1 port=5432 user=log password=*** dbname=log"_s;
        QTest::newRow("conninfo quoted") << u"password='a b c' dbname=log"_s << u"password=*** dbname=log"_s;
        QTest::newRow("url credentials") << u"postgresql://log:hunter2@db:5432/log"_s
                                         << u"postgresql://log:***@db:5432/log"_s;
        QTest::newRow("url without credentials") << u"http://127.0.0.1:8089/stats"_s
                                                 << u"http://127.0.0.1:8089/stats"_s;
        QTest::newRow("bearer") << u"Authorization: Bearer abc.def.ghi"_s << u"Authorization: Bearer ***"_s;
        QTest::newRow("env assignment") << u"PGPASSWORD=hunter2 psql"_s << u"PGPASSWORD=*** psql"_s;
        QTest::newRow("token variable") << u"GITHUB_TOKEN=ghp_123456 x"_s << u"GITHUB_TOKEN=*** x"_s;
        QTest::newRow("flag in text") << u"ran --password=hunter2 ok"_s << u"ran --password=*** ok"_s;
        QTest::newRow("flag spaced in text") << u"ran --token abc123 ok"_s << u"ran --token *** ok"_s;
        QTest::newRow("json key") << uR"({"type": "service_account", "private_key": "-----BEGIN\nxyz"})"_s
                                  << uR"({"type": "service_account", "private_key": "***"})"_s;
        QTest::newRow("ordinary text") << u"deployment.apps/frontend created"_s
                                       << u"deployment.apps/frontend created"_s;
    }
    void patterns()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(bc::redactPatterns(input), expected);
    }

    void arguments_data()
    {
        QTest::addColumn<QStringList>("input");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("separate value") << QStringList{u"login"_s, u"--password"_s, u"hunter2"_s}
                                        << QStringList{u"login"_s, u"--password"_s, u"***"_s};
        QTest::newRow("joined value") << QStringList{u"--token=abc"_s, u"get"_s}
                                      << QStringList{u"--token=***"_s, u"get"_s};
        QTest::newRow("conninfo argument") << QStringList{u"--db"_s, u"user=a password=b"_s}
                                           << QStringList{u"--db"_s, u"user=a password=***"_s};
        QTest::newRow("flag at end has no value") << QStringList{u"--password"_s} << QStringList{u"--password"_s};
        QTest::newRow("untouched") << QStringList{u"get"_s, u"pods"_s, u"-o"_s, u"json"_s}
                                   << QStringList{u"get"_s, u"pods"_s, u"-o"_s, u"json"_s};
    }
    void arguments()
    {
        QFETCH(QStringList, input);
        QFETCH(QStringList, expected);
        QCOMPARE(bc::redactArgumentList(input), expected);
    }

    void literalSecretsLongestFirst()
    {
        bc::Redactor r;
        r.addSecret(u"abc"_s);
        r.addSecret(u"abcdef"_s);
        r.addSecret(u"x"_s); // too short to be a credential; would mask ordinary words
        QCOMPARE(r.redactText(u"key abcdef and abc, x"_s), u"key *** and ***, x"_s);
        QCOMPARE(r.redactArguments({u"--key-value"_s, u"zzabcdefzz"_s}), (QStringList{u"--key-value"_s, u"zz***zz"_s}));
    }

    void shellQuoting_data()
    {
        QTest::addColumn<QString>("word");
        QTest::addColumn<QString>("quoted");
        QTest::newRow("plain") << u"kubectl"_s << u"kubectl"_s;
        QTest::newRow("flag with equals") << u"--replicas=3"_s << u"--replicas=3"_s;
        QTest::newRow("empty") << QString() << u"''"_s;
        QTest::newRow("space") << u"a b"_s << u"'a b'"_s;
        QTest::newRow("single quote") << u"it's"_s << u"'it'\\''s'"_s;
        QTest::newRow("dollar") << u"$HOME"_s << u"'$HOME'"_s;
        QTest::newRow("selector") << u"app=frontend,tier!=x"_s << u"'app=frontend,tier!=x'"_s;
    }
    void shellQuoting()
    {
        QFETCH(QString, word);
        QFETCH(QString, quoted);
        QCOMPARE(bc::shellQuote(word), quoted);
    }
};

QTEST_GUILESS_MAIN(TstRedaction)
#include "tst_redaction.moc"
