#include "widgets/main_window.h"

#include "backend/session/cluster_session.h"

#include "backend/process/command_log.h"
#include "backend/process/run_context.h"
#include "backend/settings/app_settings.h"
#include "widgets/about/about_dialog.h"
#include "widgets/canary/canary_panel.h"
#include "widgets/cluster/cluster_panel.h"
#include "widgets/common/icons.h"
#include "widgets/console/console_dock.h"
#include "backend/journey/journey_model.h"
#include "widgets/deploy/deploy_panel.h"
#include "widgets/loadtest/gce_generator_box.h"
#include "widgets/journey/journey_strip.h"
#include "widgets/journey/journey_wiring.h"
#include "widgets/loadtest/load_test_panel.h"
#include "widgets/orders/orders_panel.h"
#include "widgets/pods/pods_panel.h"
#include "widgets/settings/settings_dialog.h"
#include "widgets/status/status_summary.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bc {

MainWindow::MainWindow(RunContext *context, AppSettings *settings, ClusterSession *session, QWidget *parent)
    : QMainWindow(parent)
    , m_context(context)
    , m_settings(settings)
    , m_session(session ? session : BackendFactory(context).createClusterSession(this))
    , m_sideBar(new QListWidget)
    , m_stack(new QStackedWidget)
    , m_console(new ConsoleDock(context ? context->log() : nullptr, this))
    , m_status(new StatusSummary(context ? context->log() : nullptr, this))
{
    setObjectName(u"mainWindow"_s);
    setWindowTitle(QGuiApplication::applicationDisplayName());
    createPanels();

    m_journey = BackendFactory(context).createJourneyModel(m_session, this);
    m_journeyStrip = new JourneyStrip(m_journey, this);
    wireJourney(this, m_journey, m_journeyStrip);

    auto *central = new QWidget(this);
    auto *outer = new QVBoxLayout(central);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);
    outer->addWidget(m_journeyStrip);
    auto *layout = new QHBoxLayout;
    layout->setSpacing(0);
    layout->addWidget(m_sideBar);
    layout->addWidget(m_stack, 1);
    outer->addLayout(layout, 1);
    setCentralWidget(central);

    addDockWidget(Qt::BottomDockWidgetArea, m_console);
    statusBar()->addPermanentWidget(m_status);
    createMenus();

    resize(1200, 800);
    resizeDocks({m_console}, {200}, Qt::Vertical); // the panel gets most of the height
    if (m_settings) {
        m_status->setKubeContext(m_settings->kubeContext());
        restoreGeometry(m_settings->windowGeometry());
        restoreState(m_settings->windowState());
    }
    connect(m_session, &ClusterSession::environmentChanged, this, &MainWindow::setEnvironment);
    connect(m_session, &ClusterSession::targetChanged, this,
        [this](const KubeTarget &target) { m_status->setKubeContext(target.context); });
    showPanel(0);
}

QStringList MainWindow::panelKeys()
{
    return {ClusterPanel::describe().key, DeployPanel::describe().key, LoadTestPanel::describe().key,
        PodsPanel::describe().key, CanaryPanel::describe().key, OrdersPanel::describe().key};
}

void MainWindow::createPanels()
{
    m_panels = {new ClusterPanel(m_session, m_stack), new DeployPanel(m_session, m_stack), new LoadTestPanel(m_context, m_session, m_stack),
        new PodsPanel(m_context, m_session, m_stack), new CanaryPanel(m_context, m_session, m_stack), new OrdersPanel(m_context, m_session, m_stack)};

    m_sideBar->setObjectName(u"panelList"_s);
    m_sideBar->setAccessibleName(u"Panels"_s);
    m_sideBar->setFrameShape(QFrame::NoFrame);
    m_sideBar->setIconSize(QSize(22, 22));
    m_sideBar->setSpacing(2);
    m_sideBar->setUniformItemSizes(true);
    m_sideBar->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    for (Panel *panel : std::as_const(m_panels)) {
        m_stack->addWidget(panel);
        auto *item = new QListWidgetItem(panel->info().title, m_sideBar);
        item->setSizeHint(QSize(0, m_sideBar->fontMetrics().height() + 22));
        item->setToolTip(panel->info().summary);
    }
    int width = 0;
    for (Panel *panel : std::as_const(m_panels))
        width = qMax(width, m_sideBar->fontMetrics().horizontalAdvance(panel->info().title));
    m_sideBar->setFixedWidth(width + 22 + 64);
    updatePanelIcons();
    // "Load test it" in Deploy: aim the Load test panel at the storefront and show it.
    auto *deploy = qobject_cast<DeployPanel *>(m_panels.at(1));
    auto *loadTest = qobject_cast<LoadTestPanel *>(m_panels.at(2));
    // Load and pods on one clock: the Load test panel charts pod CPU from the Pods panel's poller and keeps
    // it with each run; the Pods panel draws the running test's load beside the pods.
    auto *pods = qobject_cast<PodsPanel *>(m_panels.at(3));
    loadTest->setPodMetrics(pods->poller());
    connect(loadTest, &LoadTestPanel::runStarted, pods, &PodsPanel::followLoadSession);
    connect(deploy, &DeployPanel::loadTestRequested, loadTest, [this, loadTest](const QString &url) {
        loadTest->setHost(url);
        showPanel(int(m_panels.indexOf(loadTest)));
    });
    connect(m_sideBar, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0)
            return;
        m_stack->setCurrentIndex(row);
        if (m_panelActions && row < m_panelActions->actions().size())
            m_panelActions->actions().at(row)->setChecked(true);
    });
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(u"&File"_s);
    QAction *settings = file->addAction(u"&Settings\u2026"_s, this, &MainWindow::openSettings);
    settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    settings->setMenuRole(QAction::PreferencesRole);
    file->addSeparator();
    QAction *quit = file->addAction(u"&Quit"_s, this, &QWidget::close);
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);

    QMenu *view = menuBar()->addMenu(u"&View"_s);
    m_panelActions = new QActionGroup(this);
    m_panelActions->setExclusive(true);
    for (int i = 0; i < m_panels.size(); ++i) {
        QAction *action = view->addAction(m_panels.at(i)->info().title, this, [this, i] { showPanel(i); });
        action->setCheckable(true);
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        action->setObjectName(u"showPanel_"_s + m_panels.at(i)->info().key);
        m_panelActions->addAction(action);
    }
    view->addSeparator();
    QAction *journey = view->addAction(u"&Start here"_s);
    journey->setCheckable(true);
    journey->setChecked(true);
    journey->setObjectName(u"toggleJourney"_s);
    connect(journey, &QAction::toggled, m_journeyStrip, &QWidget::setVisible);
    QAction *console = m_console->toggleViewAction();
    console->setText(u"&Console"_s);
    console->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_QuoteLeft));
    console->setObjectName(u"toggleConsole"_s);
    view->addAction(console);

    QMenu *help = menuBar()->addMenu(u"&Help"_s);
    QAction *about = help->addAction(
        u"&About %1"_s.arg(QGuiApplication::applicationDisplayName()), this, &MainWindow::openAbout);
    about->setShortcut(QKeySequence(Qt::Key_F1));
    about->setMenuRole(QAction::AboutRole);
}

bool MainWindow::showPanel(const QString &key)
{
    const qsizetype index = panelKeys().indexOf(key);
    if (index < 0)
        return false;
    showPanel(int(index));
    return true;
}

void MainWindow::showPanel(int index)
{
    if (index < 0 || index >= m_panels.size())
        return;
    m_sideBar->setCurrentRow(index);
    m_stack->setCurrentIndex(index);
}

Panel *MainWindow::currentPanel() const
{
    return qobject_cast<Panel *>(m_stack->currentWidget());
}

void MainWindow::setEnvironment(const QString &displayName)
{
    m_status->setEnvironment(displayName);
}

void MainWindow::openSettings()
{
    if (!m_settings)
        return;
    SettingsDialog dialog(m_settings, m_context ? m_context->tools() : nullptr, this);
    connect(&dialog, &SettingsDialog::applied, this,
        [this] { m_status->setKubeContext(m_settings->kubeContext()); });
    dialog.exec();
}

void MainWindow::openAbout()
{
    AboutDialog dialog(QGuiApplication::applicationDisplayName(), QCoreApplication::applicationVersion(),
        m_context ? m_context->tools() : nullptr, this);
    dialog.exec();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    const int running = m_context ? m_context->log()->runningCount() : 0;
    const QString generator = GceGeneratorBox::quitWarning();
    if (running > 0 || !generator.isEmpty()) {
        QMessageBox box(QMessageBox::Warning, u"Quit %1?"_s.arg(QGuiApplication::applicationDisplayName()),
            running == 0 ? u"A load generator is still up."_s
            : running == 1 ? u"A command is still running."_s
                         : u"%1 commands are still running."_s.arg(running),
            QMessageBox::Cancel, this);
        box.setInformativeText(
            u"Quitting stops them (load tests, port-forwards and provisioning included)."_s
            + (generator.isEmpty() ? QString() : u"\n\n"_s + generator));
        QPushButton *stop = box.addButton(u"Stop and quit"_s, QMessageBox::DestructiveRole);
        box.setDefaultButton(QMessageBox::Cancel);
        box.exec();
        if (box.clickedButton() != stop) {
            event->ignore();
            return;
        }
    }
    if (m_settings) {
        m_settings->setWindowGeometry(saveGeometry());
        m_settings->setWindowState(saveState());
        (void)m_settings->sync();
    }
    event->accept();
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        updatePanelIcons();
    QMainWindow::changeEvent(event);
}

void MainWindow::updatePanelIcons()
{
    for (int i = 0; i < m_panels.size() && i < m_sideBar->count(); ++i)
        m_sideBar->item(i)->setIcon(panelIcon(m_panels.at(i)->info().icon, m_sideBar->palette()));
}

} // namespace bc
