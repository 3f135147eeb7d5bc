// The Order log panel on a real PostgreSQL filled by the real orderlog-server: rows, details with
// items, summary, the banner when the database cannot be reached. Saves a screenshot of the panel
// with data to <build>/screenshots/orders-panel.png (a typed password is in the form, masked).

#include "backend/orders/orders_model.h"
#include "backend/process/command_log.h"
#include "backend/process/run_context.h"
#include "backend/session/cluster_session.h"
#include "tests/backend/orders_fixture.h"
#include "widgets/common/inline_banner.h"
#include "widgets/orders/orders_panel.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTcpServer>
#include <QtTest>

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
};

QTEST_MAIN(TestOrdersPanel)
#include "tst_orders_panel.moc"
