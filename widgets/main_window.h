#pragma once

#include <QList>
#include <QMainWindow>

class QActionGroup;
class QListWidget;
class QStackedWidget;

namespace bc {

class AppSettings;
class ClusterSession;
class ConsoleDock;
class JourneyModel;
class JourneyStrip;
class Panel;
class RunContext;
class StatusSummary;

// The window: a side bar of panels and the current panel, the console dock, menus and the status bar.
// It creates and wires these; the work happens in the panels and in backend/.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // session: the cluster the panels work with; when null the window makes its own.
    MainWindow(RunContext *context, AppSettings *settings, ClusterSession *session = nullptr,
               QWidget *parent = nullptr);

    static QStringList panelKeys(); // cluster deploy loadtest pods canary orders, in side-bar order

    bool showPanel(const QString &key); // false for an unknown key
    void showPanel(int index);
    Panel *currentPanel() const;
    const QList<Panel *> &panels() const { return m_panels; }
    ConsoleDock *console() const { return m_console; }
    ClusterSession *session() const { return m_session; }
    StatusSummary *statusSummary() const { return m_status; }
    JourneyModel *journey() const { return m_journey; }
    JourneyStrip *journeyStrip() const { return m_journeyStrip; }

    void setEnvironment(const QString &displayName);

public Q_SLOTS:
    void openSettings();
    void openAbout();

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void createPanels();
    void createMenus();
    void updatePanelIcons();

    RunContext *m_context;
    AppSettings *m_settings;
    ClusterSession *m_session;
    QListWidget *m_sideBar;
    QStackedWidget *m_stack;
    QList<Panel *> m_panels;
    QActionGroup *m_panelActions = nullptr;
    ConsoleDock *m_console;
    StatusSummary *m_status;
    JourneyModel *m_journey = nullptr;
    JourneyStrip *m_journeyStrip = nullptr;
};

} // namespace bc
