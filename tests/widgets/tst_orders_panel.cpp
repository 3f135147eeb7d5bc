// The Order log panel on a real PostgreSQL filled by the real orderlog-server: rows, details with
// items, summary, the banner when the database cannot be reached. Saves a screenshot of the panel
// with data to <build>/screenshots/orders-panel.png (a typed password is in the form, masked).

#include "backend/orders/orders_model.h"
#include "backend/process/command_log.h"
#include "backend/process/run_context.h"
#include "backend/sandbox/sandbox_controller.h"
#include "backend/session/cluster_session.h"
#include "tests/backend/orders/orders_fixture.h"
#include "widgets/common/inline_banner.h"
#include "widgets/orders/orders_panel.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QElapsedTimer>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <pqxx/pqxx>

using namespace Qt::StringLiterals;

class TestOrdersPanel : public QObject
{
    Q_OBJECT

private:
    bc::test::OrdersFixture m_fixture;

private Q_SLOTS:
    void initTestCase()
    {
        const QString error = m_fixture.start("orders_panel");
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString sent = m_fixture.send(bc::test::sampleOrders());
        QVERIFY2(sent.isEmpty(), qPrintable(sent));
    }

    void showsOrdersDetailsAndSummary()
    {
        bc::RunContext context;
        bc::ClusterSession session(&context);
        bc::OrdersPanel panel(&context, &session);
        panel.resize(1280, 780);
        panel.show();
        auto *password = panel.findChild<QLineEdit *>(u"password"_s);
        QVERIFY(password);
        password->setText(u"not-shown-pw"_s);
        QCOMPARE(password->echoMode(), QLineEdit::Password);
        panel.connectTo(m_fixture.conninfo(), password->text());
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->rowCount(), 24, 10000);
        QVERIFY(!panel.banner()->isVisible());
        QVERIFY(panel.model()->rowAt(0)->orderId == u"ord-b-23"_s || panel.model()->rowAt(0)->orderId == u"ord-b-22"_s);
        panel.table()->selectRow(1);
        QTRY_VERIFY_WITH_TIMEOUT(panel.detailsText().contains(u"OLJCESPC7Z"_s), 10000);
        auto *summary = panel.findChild<QLabel *>(u"summary"_s);
        QTRY_VERIFY_WITH_TIMEOUT(summary->text().contains(u"EUR"_s), 10000);
        QVERIFY(summary->text().contains(u"24 order"_s));
        QVERIFY(panel.statusText().contains(u"24 order"_s));
        panel.table()->resizeColumnsToContents();
        QVERIFY(!panel.findChild<QLineEdit *>(u"conninfo"_s)->text().contains(u"not-shown-pw"_s));
        QDir().mkpath(QStringLiteral(BC_BINARY_DIR) + u"/screenshots"_s);
        const QString shot = QStringLiteral(BC_BINARY_DIR) + u"/screenshots/orders-panel.png"_s;
        QVERIFY(panel.grab().save(shot));
        qInfo() << "screenshot:" << shot;

        // Filter from the form.
        panel.findChild<QLineEdit *>(u"currency"_s)->setText(u"chf"_s);
        QTest::keyClick(panel.findChild<QLineEdit *>(u"currency"_s), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->rowCount(), 8, 10000);
    }

    void clusterActionsNeedACluster()
    {
        bc::RunContext context;
        bc::ClusterSession session(&context);
        bc::OrdersPanel panel(&context, &session);
        panel.show();
        QPushButton *backup = nullptr;
        for (QPushButton *b : panel.findChildren<QPushButton *>())
            if (b->text() == u"Backup now"_s)
                backup = b;
        QVERIFY(backup);
        backup->click();
        QVERIFY(panel.banner()->isVisible());
        QVERIFY(panel.banner()->message().contains(u"Choose a cluster first"_s));
        QCOMPARE(context.log()->runningCount(), 0); // nothing ran
    }

    void wrongPasswordIsRefusedClearlyThenTheRightOneConnects()
    {
        // The fixture makes members of bc_password_login log in with scram-sha-256 (pg_fixture.sh).
        const std::string role = "bc_pw_" + std::to_string(QCoreApplication::applicationPid());
        const std::string right = "Right-pass-" + std::to_string(QCoreApplication::applicationPid());
        {
            pqxx::connection admin(m_fixture.conninfo().toStdString());
            pqxx::nontransaction tx(admin);
            tx.exec("DROP ROLE IF EXISTS " + tx.quote_name(role));
            tx.exec("CREATE ROLE " + tx.quote_name(role) + " LOGIN PASSWORD " + tx.quote(right)
                + " IN ROLE bc_password_login");
            tx.exec("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + tx.quote_name(role));
        }
        const QString conninfo = m_fixture.conninfo() + u" user="_s + QString::fromStdString(role);
        const QString wrong = u"Wrong-pass-4711"_s;

        bc::RunContext context;
        bc::ClusterSession session(&context);
        bc::OrdersPanel panel(&context, &session);
        panel.resize(1280, 780);
        panel.show();
        QElapsedTimer responsive;
        responsive.start();
        panel.connectTo(conninfo, wrong);
        QVERIFY2(responsive.elapsed() < 500, "connecting blocked the UI thread");
        QTRY_VERIFY_WITH_TIMEOUT(panel.banner()->isVisible()
                                     && panel.banner()->message().contains(u"refused the login"_s),
                                 10000);
        QVERIFY2(panel.banner()->message().contains(u"password"_s), qPrintable(panel.banner()->message()));
        QCOMPARE(panel.model()->rowCount(), 0);
        for (const QString &shown : {panel.banner()->message(), panel.banner()->detail(), panel.statusText(),
                                     panel.findChild<QLineEdit *>(u"conninfo"_s)->text()}) {
            QVERIFY2(!shown.contains(wrong), qPrintable(shown));
            QVERIFY2(!shown.contains(QString::fromStdString(right)), qPrintable(shown));
        }

        // The user types the right password and connects again: the orders appear, the error goes.
        auto *password = panel.findChild<QLineEdit *>(u"password"_s);
        password->setText(QString::fromStdString(right));
        panel.connectTo(conninfo, password->text());
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->rowCount(), 24, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!panel.banner()->isVisible()
                                     || !panel.banner()->message().contains(u"refused"_s),
                                 5000);
    }

    void connectsToTheSandboxDatabaseWithoutAskingForThePassword()
    {
        // The app's Local sandbox: its own PostgreSQL and orderlog-server; the panel connects by itself.
        qputenv("BC_ORDERLOG_SERVER_BINARY", BC_ORDERLOG_SERVER);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ExeOther);
        bc::RunContext context;
        bc::ClusterSession session(&context);
        bc::OrdersPanel panel(&context, &session);
        bc::SandboxOptions options;
        options.stateDirectory = dir.path();
        options.withOrderLog = true;
        QSignalSpy target(&session, &bc::ClusterSession::targetChanged);
        session.useSandbox(options);
        QVERIFY(target.wait(60000));
        const bc::LocalDatabaseAccess *db = session.sandbox()->orderDatabase();
        QVERIFY(db);
        QCOMPARE(panel.findChild<QLineEdit *>(u"conninfo"_s)->text(), db->conninfo());
        QVERIFY(panel.findChild<QLineEdit *>(u"password"_s)->text().isEmpty()); // handed over, not shown
        QTRY_VERIFY_WITH_TIMEOUT(panel.statusText().contains(u"0 order(s) loaded"_s), 10000); // logged in
        QVERIFY2(panel.banner()->message().contains(u"local sandbox"_s), qPrintable(panel.banner()->message()));
        QVERIFY(!panel.banner()->message().contains(db->password));
        session.disconnect();
        QTRY_COMPARE_WITH_TIMEOUT(session.sandbox()->state(), bc::SandboxController::State::Stopped, 20000);
    }

    void unreachableDatabaseShowsBanner()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        bc::OrdersPanel panel;
        panel.show();
        panel.connectTo(u"host=127.0.0.1 port=%1 user=postgres dbname=postgres connect_timeout=2"_s.arg(port));
        QTRY_VERIFY_WITH_TIMEOUT(panel.banner()->isVisible(), 10000);
        QVERIFY2(panel.banner()->message().contains(u"Cannot reach the order database"_s),
            qPrintable(panel.banner()->message()));
    }

    // Last: it adds rows the tests above do not expect. A lab-contract checkout sends Entry{content}
    // only; its row shows that text in a Contents column, which hides when no row on the page has any.
    void labContractOrdersShowInTheContentsColumn()
    {
        const QString sent = m_fixture.sendContentOnly({u"order 51ab: 3 x Mug"_s, u"order 51ac: 1 x Watch"_s});
        QVERIFY2(sent.isEmpty(), qPrintable(sent));
        bc::RunContext context;
        bc::ClusterSession session(&context);
        bc::OrdersPanel panel(&context, &session);
        panel.resize(1280, 780);
        panel.show();
        panel.connectTo(m_fixture.conninfo(), {});
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->rowCount(), 26, 10000);
        QVERIFY(!panel.table()->isColumnHidden(bc::OrdersModel::Contents));
        const QModelIndex newest = panel.model()->index(0, bc::OrdersModel::Contents);
        QCOMPARE(panel.model()->headerData(bc::OrdersModel::Contents, Qt::Horizontal).toString(), u"Contents"_s);
        QCOMPARE(newest.data().toString(), u"order 51ac: 1 x Watch"_s);
        QDir().mkpath(QStringLiteral(BC_BINARY_DIR) + u"/screenshots"_s);
        panel.table()->resizeColumnsToContents();
        QVERIFY(panel.grab().save(QStringLiteral(BC_BINARY_DIR) + u"/screenshots/orders-panel-contents.png"_s));

        auto *contents = panel.findChild<QLineEdit *>(u"contents"_s);
        QVERIFY(contents);
        contents->setText(u"mug"_s);
        QTest::keyClick(contents, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->rowCount(), 1, 10000);
        QCOMPARE(panel.model()->index(0, bc::OrdersModel::Contents).data().toString(), u"order 51ab: 3 x Mug"_s);
        // A page of shop-contract orders only: no empty Contents column.
        contents->clear();
        panel.findChild<QLineEdit *>(u"currency"_s)->setText(u"chf"_s);
        QTest::keyClick(panel.findChild<QLineEdit *>(u"currency"_s), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->rowCount(), 8, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(panel.table()->isColumnHidden(bc::OrdersModel::Contents), 5000);
    }
};

QTEST_MAIN(TestOrdersPanel)
#include "tst_orders_panel.moc"
