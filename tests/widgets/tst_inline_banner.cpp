#include "widgets/common/inline_banner.h"

#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace bc {

class TstInlineBanner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void hiddenUntilSomethingIsShown();
    void showsErrorWithCollapsedDetail();
    void actionButtonEmits();
    void noActionNoDetailButtons();
    void dismissHidesAndEmits();
};

namespace {
QPushButton *actionButton(InlineBanner &banner)
{
    const auto buttons = banner.findChildren<QPushButton *>();
    return buttons.isEmpty() ? nullptr : buttons.first();
}
QToolButton *detailToggle(InlineBanner &banner)
{
    const auto buttons = banner.findChildren<QToolButton *>();
    for (QToolButton *b : buttons)
        if (b->isCheckable())
            return b;
    return nullptr;
}
} // namespace

void TstInlineBanner::hiddenUntilSomethingIsShown()
{
    QWidget parent;
    auto *banner = new InlineBanner(&parent);
    parent.show();
    QVERIFY(QTest::qWaitForWindowExposed(&parent));
    QVERIFY(!banner->isVisible());
}

void TstInlineBanner::showsErrorWithCollapsedDetail()
{
    QWidget parent;
    auto *banner = new InlineBanner(&parent);
    parent.show();
    QVERIFY(QTest::qWaitForWindowExposed(&parent));
    banner->showError(
        Error {Error::Kind::Unavailable, u"kubectl was not found on PATH."_s, u"line 1\nline 2"_s},
        u"Open settings"_s);
    QVERIFY(banner->isVisible());
    QCOMPARE(banner->level(), InlineBanner::Level::Error);
    QCOMPARE(banner->message(), u"kubectl was not found on PATH."_s);
    QCOMPARE(banner->detail(), u"line 1\nline 2"_s);
    QVERIFY(!banner->isDetailExpanded());
    auto *detailView = banner->findChild<QPlainTextEdit *>();
    QVERIFY(detailView);
    QVERIFY(!detailView->isVisible());

    QToolButton *toggle = detailToggle(*banner);
    QVERIFY(toggle && toggle->isVisible());
    QTest::mouseClick(toggle, Qt::LeftButton);
    QVERIFY(banner->isDetailExpanded());
    QVERIFY(detailView->isVisible());
    QTest::mouseClick(toggle, Qt::LeftButton);
    QVERIFY(!banner->isDetailExpanded());

    // A new message collapses the detail again.
    banner->setDetailExpanded(true);
    banner->showError(Error {Error::Kind::Failed, u"Second."_s, u"more"_s});
    QVERIFY(!banner->isDetailExpanded());
}

void TstInlineBanner::actionButtonEmits()
{
    QWidget parent;
    auto *banner = new InlineBanner(&parent);
    parent.show();
    QVERIFY(QTest::qWaitForWindowExposed(&parent));
    QSignalSpy action(banner, &InlineBanner::actionTriggered);
    banner->showError(Error {Error::Kind::Timeout, u"kubectl did not answer."_s}, u"Retry"_s);
    QCOMPARE(banner->actionText(), u"Retry"_s);
    QPushButton *button = actionButton(*banner);
    QVERIFY(button && button->isVisible());
    QCOMPARE(button->text(), u"Retry"_s);
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(action.count(), 1);
}

void TstInlineBanner::noActionNoDetailButtons()
{
    QWidget parent;
    auto *banner = new InlineBanner(&parent);
    parent.show();
    QVERIFY(QTest::qWaitForWindowExposed(&parent));
    banner->showMessage(InlineBanner::Level::Warning, u"Metrics are not available yet."_s);
    QCOMPARE(banner->level(), InlineBanner::Level::Warning);
    QVERIFY(banner->actionText().isEmpty());
    QVERIFY(!actionButton(*banner)->isVisible());
    QVERIFY(!detailToggle(*banner)->isVisible());
    banner->setDetailExpanded(true); // nothing to expand
    QVERIFY(!banner->isDetailExpanded());
}

void TstInlineBanner::dismissHidesAndEmits()
{
    QWidget parent;
    auto *banner = new InlineBanner(&parent);
    parent.show();
    QVERIFY(QTest::qWaitForWindowExposed(&parent));
    QSignalSpy dismissed(banner, &InlineBanner::dismissed);
    banner->showError(Error {Error::Kind::Failed, u"Something failed."_s});
    QVERIFY(banner->isVisible());
    banner->dismiss();
    QVERIFY(!banner->isVisible());
    QCOMPARE(dismissed.count(), 1);
    banner->dismiss(); // already hidden: no second signal
    QCOMPARE(dismissed.count(), 1);
}

} // namespace bc

QTEST_MAIN(bc::TstInlineBanner)
#include "tst_inline_banner.moc"
