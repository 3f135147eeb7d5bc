#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>

class QLabel;
class QVBoxLayout;

namespace bc {

class InlineBanner;

// What a panel is: its key (for --panel and settings), its name and icon in the side bar, and, until it
// is built, what it will do and what it needs.
struct PanelInfo
{
    QString key; // "cluster", "deploy", "loadtest", "pods", "canary", "orders"
    QString title; // "Load test"
    QString icon; // resources/icons/panels/<icon>.svg
    QString summary;
    QStringList features = {};
    QStringList needs = {};
};

// The base of every panel: an inline banner at the top for errors, then the panel's content. A panel
// that has no content yet shows an introduction built from its PanelInfo instead of an empty page.
class Panel : public QWidget
{
    Q_OBJECT
public:
    explicit Panel(PanelInfo info, QWidget *parent = nullptr);

    const PanelInfo &info() const { return m_info; }
    InlineBanner *banner() const { return m_banner; }
    // True until the panel puts its own widgets in contentLayout().
    bool showsIntroduction() const;

protected:
    void changeEvent(QEvent *event) override;

    // Where a panel puts its widgets. Adding the first one hides the introduction.
    QVBoxLayout *contentLayout();

private:
    QWidget *createIntroduction();
    void updateIntroIcon();

    PanelInfo m_info;
    InlineBanner *m_banner;
    QWidget *m_intro;
    QLabel *m_introIcon = nullptr;
    QVBoxLayout *m_content;
};

} // namespace bc
