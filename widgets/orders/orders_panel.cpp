#include "widgets/orders/orders_panel.h"

#include "backend/orders/cnpg_controller.h"
#include "backend/orders/orders_model.h"
#include "backend/orders/port_forward.h"
#include "backend/session/backend_factory.h"
#include "backend/session/cluster_session.h"
#include "backend/orders/orders_repository.h"
#include "backend/orders/password_vault.h"
#include "backend/sandbox/sandbox_controller.h"
#include "backend/settings/app_settings.h"
#include "widgets/common/inline_banner.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <utility>

using namespace Qt::StringLiterals;

namespace bc {

OrdersPanel::OrdersPanel(QWidget *parent)
    : Panel(describe(), parent)
    , m_repository(BackendFactory::createOrdersRepository(this))
    , m_model(BackendFactory::createOrdersModel(m_repository, this))
    , m_vault(BackendFactory::createPasswordVault(this))
{
    auto *root = new QWidget(this);
    auto *layout = new QVBoxLayout(root);
    layout->setContentsMargins(0, 0, 0, 0);
    m_rootLayout = layout;

    auto *connRow = new QHBoxLayout;
    m_conninfo = new QLineEdit(root);
    m_conninfo->setObjectName(u"conninfo"_s);
    m_conninfo->setPlaceholderText(u"host=127.0.0.1 port=5432 dbname=orders user=orderlog"_s);
    m_password = new QLineEdit(root);
    m_password->setObjectName(u"password"_s);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(u"password (kept in memory only)"_s);
    auto *connect = new QPushButton(tr("Connect"), root);
    connRow->addWidget(new QLabel(tr("Database"), root));
    connRow->addWidget(m_conninfo, 3);
    connRow->addWidget(m_password, 1);
    connRow->addWidget(connect);
    layout->addLayout(connRow);

    auto *filterRow = new QHBoxLayout;
    m_range = new QComboBox(root);
    m_range->addItem(tr("All time"), 0);
    m_range->addItem(tr("Last hour"), 3600);
    m_range->addItem(tr("Last 24 hours"), 86400);
    m_range->addItem(tr("Last 7 days"), 7 * 86400);
    auto field = [&](const QString &placeholder, const QString &name) {
        auto *e = new QLineEdit(root);
        e->setPlaceholderText(placeholder);
        e->setObjectName(name);
        e->setClearButtonEnabled(true);
        filterRow->addWidget(e);
        QObject::connect(e, &QLineEdit::returnPressed, this, &OrdersPanel::applyFilter);
        return e;
    };
    filterRow->addWidget(m_range);
    m_orderId = field(tr("Order id"), u"orderId"_s);
    m_user = field(tr("User"), u"user"_s);
    m_email = field(tr("Email contains"), u"email"_s);
    m_currency = field(tr("Currency"), u"currency"_s);
    m_currency->setMaximumWidth(90);
    m_minTotal = field(tr("Min total"), u"minTotal"_s);
    m_minTotal->setMaximumWidth(90);
    m_contents = field(tr("Contents contain"), u"contents"_s);
    m_contents->setToolTip(tr("The free text a lab-contract checkout logs (Entry{content})"));
    auto *apply = new QPushButton(tr("Filter"), root);
    filterRow->addWidget(apply);
    layout->addLayout(filterRow);

    auto *navRow = new QHBoxLayout;
    auto *newest = new QPushButton(tr("Newest"), root);
    auto *oldest = new QPushButton(tr("Oldest"), root);
    m_autoRefresh = new QCheckBox(tr("Show new orders as they arrive"), root);
    m_autoRefresh->setChecked(true);
    m_export = new QPushButton(tr("Export CSV…"), root);
    m_exportProgress = new QProgressBar(root);
    m_exportProgress->setRange(0, 0);
    m_exportProgress->setMaximumWidth(160);
    m_exportProgress->hide();
    m_status = new QLabel(root);
    m_status->setObjectName(u"status"_s);
    navRow->addWidget(newest);
    navRow->addWidget(oldest);
    navRow->addWidget(m_autoRefresh);
    navRow->addStretch(1);
    navRow->addWidget(m_status);
    navRow->addWidget(m_exportProgress);
    navRow->addWidget(m_export);
    layout->addLayout(navRow);

    auto *split = new QSplitter(Qt::Vertical, root);
    m_table = new QTableView(split);
    m_table->setModel(m_model);
    m_table->setColumnHidden(OrdersModel::Contents, true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(OrdersModel::PlacedAt, Qt::DescendingOrder);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    // Wide enough for a whole timestamp and a common address, which the default width cut to "2026-12-04 ...".
    const int padding = 3 * m_table->fontMetrics().averageCharWidth();
    m_table->setColumnWidth(OrdersModel::PlacedAt, m_table->fontMetrics().horizontalAdvance(u"2026-12-04 23:59:59"_s) + padding);
    m_table->setColumnWidth(OrdersModel::Email, m_table->fontMetrics().horizontalAdvance(u"someone@example.com"_s) + padding);
    m_table->setToolTip(tr("Sort by Placed or Order id (the indexed columns)"));
    auto *bottom = new QWidget(split);
    auto *bottomLayout = new QHBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    m_details = new QPlainTextEdit(bottom);
    m_details->setReadOnly(true);
    m_details->setPlaceholderText(tr("Select an order to see its items."));
    m_summary = new QLabel(bottom);
    m_summary->setObjectName(u"summary"_s);
    m_summary->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bottomLayout->addWidget(m_details, 1);
    bottomLayout->addWidget(m_summary, 1);
    split->addWidget(m_table);
    split->addWidget(bottom);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    contentLayout()->addWidget(root);

    QObject::connect(connect, &QPushButton::clicked, this, [this] { connectTo(m_conninfo->text(), m_password->text()); });
    QObject::connect(apply, &QPushButton::clicked, this, &OrdersPanel::applyFilter);
    QObject::connect(newest, &QPushButton::clicked, m_model, &OrdersModel::jumpToNewest);
    QObject::connect(oldest, &QPushButton::clicked, m_model, &OrdersModel::jumpToOldest);
    QObject::connect(m_autoRefresh, &QCheckBox::toggled, this,
        [this](bool on) { m_model->setAutoRefreshInterval(on && m_repository->hasConnection() ? 2000 : 0); });
    QObject::connect(m_export, &QPushButton::clicked, this, &OrdersPanel::exportCsv);
    QObject::connect(m_table->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (value == m_table->verticalScrollBar()->minimum() && m_model->canFetchNewer())
            m_model->fetchNewer();
    });
    QObject::connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &OrdersPanel::showDetails);
    QObject::connect(m_model, &OrdersModel::failed, this, [this](const Error &error) {
        if (!m_repository->hasConnection()) {
            // Nothing has failed yet: the panel is waiting for a database to be named.
            banner()->showMessage(InlineBanner::Level::Info,
                tr("Enter the order database's connection string (or forward one from the cluster) and press Connect."));
            return;
        }
        m_showedError = true;
        if (error.kind == Error::Kind::Invalid && error.message.contains(u"refused the login"_s)) {
            // A wrong password is not kept for the next connection (keychain or memory): asked again.
            m_vault->remove(m_conninfo->text());
            banner()->showError(Error {error.kind, error.message + u" "_s + tr("The password kept for it is forgotten."),
                error.detail});
            updateStatus();
            return;
        }
        // While the port-forward is down its banner names the cause; the forward reconnects by itself.
        if (!m_forward || m_forward->isForwarding())
            banner()->showError(error, tr("Retry now"));
        updateStatus();
    });
    QObject::connect(banner(), &InlineBanner::actionTriggered, m_model, &OrdersModel::reload);
    QObject::connect(m_model, &OrdersModel::recovered, this, [this] {
        // Only after an error the user saw; not after "no database named yet".
        if (std::exchange(m_showedError, false))
            banner()->showMessage(InlineBanner::Level::Info, tr("Connected to the order database again."));
        m_summaryRequest = m_repository->requestSummary(m_model->filter());
    });
    QObject::connect(m_model, &OrdersModel::pageLoaded, this, &OrdersPanel::updateStatus);
    // Contents only when a row on the page has some: a lab-contract order carries nothing else.
    QObject::connect(m_model, &OrdersModel::modelReset, this, [this] { showContentsColumn(); });
    QObject::connect(m_model, &OrdersModel::rowsInserted, this, [this] { showContentsColumn(); });
    QObject::connect(m_model, &OrdersModel::rowsRemoved, this, [this] { showContentsColumn(); });
    QObject::connect(m_model, &OrdersModel::reloaded, this, [this] {
        m_summaryRequest = m_repository->requestSummary(m_model->filter());
    });
    QObject::connect(m_model, &OrdersModel::newOrders, this, [this](int) {
        m_summaryRequest = m_repository->requestSummary(m_model->filter());
    });
    QObject::connect(m_repository, &OrdersRepository::detailsReady, this, [this](quint64 id, const OrderDetails &d) {
        if (id != m_detailsRequest)
            return;
        QStringList lines {tr("Order %1").arg(d.row.orderId.isEmpty() ? tr("(no id)") : d.row.orderId),
            tr("Placed %1 UTC, logged %2 UTC")
                .arg(d.row.placedAt().toString(u"yyyy-MM-dd HH:mm:ss"_s), d.loggedAt.toString(u"HH:mm:ss"_s)),
            tr("User %1, %2").arg(d.row.userId, d.row.email),
            tr("Total %1 %2, ship to %3 %4, tracking %5")
                .arg(d.row.totalText(), d.row.currency, d.row.city, d.row.country, d.trackingId),
            tr("Items:")};
        for (const OrderItem &item : d.items)
            lines << u"  %1 × %2"_s.arg(item.quantity).arg(item.productId);
        if (!d.content.isEmpty())
            lines << tr("Text: %1").arg(d.content);
        m_details->setPlainText(lines.join(u'\n'));
    });
    QObject::connect(m_repository, &OrdersRepository::summaryReady, this, [this](quint64 id, const OrderSummary &s) {
        if (id != m_summaryRequest)
            return;
        qint64 peak = 0;
        for (const auto &m : s.perMinute)
            peak = qMax(peak, m.orders);
        const double rate = s.perMinute.isEmpty() ? 0.0 : double(s.orders) / qMax<qsizetype>(1, s.perMinute.size());
        QStringList lines {tr("%n order(s) in the range", nullptr, int(qMin<qint64>(s.orders, INT_MAX))),
            tr("Orders per minute (minutes with orders): average %1, peak %2").arg(rate, 0, 'f', 1).arg(peak),
            tr("Revenue:")};
        for (const auto &r : s.revenue)
            lines << u"  %1  %2 (%3 orders)"_s.arg(r.currency.isEmpty() ? u"-"_s : r.currency)
                         .arg(r.total, 0, 'f', 2)
                         .arg(r.orders);
        m_summary->setText(lines.join(u'\n'));
    });
    QObject::connect(m_repository, &OrdersRepository::requestFailed, this, [this](quint64 id, const Error &error) {
        if (id == m_detailsRequest || id == m_summaryRequest)
            m_details->setPlainText(error.message);
    });
    QObject::connect(m_repository, &OrdersRepository::exportProgress, this, [this](qint64 rows) {
        m_exportProgress->setFormat(tr("%1 rows").arg(rows));
        m_status->setText(tr("Exporting… %1 rows").arg(rows));
    });
    QObject::connect(m_repository, &OrdersRepository::exportFinished, this, [this](qint64 rows, bool ok, const Error &e) {
        m_exportProgress->hide();
        m_export->setText(tr("Export CSV…"));
        if (ok)
            banner()->showMessage(InlineBanner::Level::Info, tr("Exported %1 orders.").arg(rows));
        else
            banner()->showError(e);
    });
    updateStatus();
}

OrdersPanel::OrdersPanel(RunContext *context, ClusterSession *session, QWidget *parent)
    : OrdersPanel(parent)
{
    m_context = context;
    m_session = session;
    buildClusterRow();
    if (m_session) {
        // The local sandbox runs its own order database: connect to it as soon as it is up.
        QObject::connect(m_session->sandbox(), &SandboxController::ready, this, &OrdersPanel::connectToSandboxDatabase);
        connectToSandboxDatabase();
    }
}

void OrdersPanel::connectToSandboxDatabase()
{
    const LocalDatabaseAccess *database = m_session->sandbox()->orderDatabase();
    if (!database)
        return;
    // The password goes from the sandbox to the connection in memory; it is never shown or stored.
    openConnection(database->conninfo(), database->password, false);
    banner()->showMessage(InlineBanner::Level::Info,
        tr("Connected to the local sandbox's order database; checkouts in its storefront appear here."));
}

QString OrdersPanel::sandboxPasswordFor(const KubeTarget &target) const
{
    const LocalDatabaseAccess *database = m_session ? m_session->sandbox()->orderDatabase() : nullptr;
    return database && target == m_session->sandbox()->target() ? database->password : QString();
}

OrdersPanel::~OrdersPanel() = default;

void OrdersPanel::buildClusterRow()
{
    auto *row = new QHBoxLayout;
    const AppSettings settings;
    m_operatorUrl = new QLineEdit(settings.cnpgOperatorUrl(), this);
    m_operatorUrl->setToolTip(tr("CloudNativePG release manifest (a setting, kept between runs)"));
    m_bucket = new QLineEdit(settings.backupBucket(), this);
    m_bucket->setToolTip(tr("GCS bucket for the database backups"));
    m_bucket->setMaximumWidth(160);
    m_backupToGcs = new QCheckBox(tr("Back up to GCS"), this);
    m_backupToGcs->setObjectName(u"backupToGcs"_s);
    m_backupToGcs->setToolTip(tr("Daily base backups and WAL to the GCS bucket (asks for its service-account key). "
                                 "Off on the local sandbox, which has no GCS."));
    m_backupToGcs->setChecked(true);
    QObject::connect(m_backupToGcs, &QCheckBox::toggled, m_bucket, &QWidget::setEnabled);
    if (m_session) {
        auto followTarget = [this] {
            m_backupToGcs->setChecked(!(m_session->hasTarget() && m_session->target() == m_session->sandbox()->target()));
        };
        QObject::connect(m_session, &ClusterSession::targetChanged, this, followTarget);
        followTarget();
    }
    auto button = [&](const QString &text, auto slot) {
        auto *b = new QPushButton(text, this);
        row->addWidget(b);
        QObject::connect(b, &QPushButton::clicked, this, slot);
        return b;
    };
    row->addWidget(new QLabel(tr("In the cluster"), this));
    button(tr("Connect via port-forward"), &OrdersPanel::connectThroughCluster);
    button(tr("Install operator"), [this] {
        AppSettings().setCnpgOperatorUrl(m_operatorUrl->text().trimmed());
        if (auto *c = beginClusterAction(tr("Install operator")))
            c->installOperator(m_operatorUrl->text(), [this](const Result<QString> &r) {
                clusterDone(tr("CloudNativePG operator installed."), r ? nullptr : &r.error());
            });
    });
    row->addWidget(m_operatorUrl, 1);
    row->addWidget(m_backupToGcs);
    row->addWidget(m_bucket);
    button(tr("Create cluster…"), &OrdersPanel::createCluster);
    button(tr("Backup now"), [this] {
        if (auto *c = beginClusterAction(tr("Backup now")))
            c->backupNow(u"orderlog-db"_s, [this](const Result<QString> &r) {
                clusterDone(r ? tr("Backup %1 requested.").arg(r.value()) : QString(), r ? nullptr : &r.error());
                if (r)
                    listBackups();
            });
    });
    button(tr("Backups"), &OrdersPanel::listBackups);
    button(tr("Restore…"), &OrdersPanel::restore);
    // Its own line under the row (the row is full at 1280 px), shown only while an action runs.
    m_clusterAction = new QLabel(this);
    m_clusterAction->setObjectName(u"clusterAction"_s);
    m_clusterAction->hide();
    if (auto *layout = qobject_cast<QVBoxLayout *>(m_rootLayout)) {
        layout->insertLayout(1, row);
        layout->insertWidget(2, m_clusterAction);
    }
}

bool OrdersPanel::clusterActionAllowed(const QString &action)
{
    if (!m_session || !m_session->hasTarget()) {
        banner()->showError(Error {Error::Kind::Invalid, tr("Choose a cluster first (Cluster panel).")});
        return false;
    }
    // One cluster action at a time: a second one is refused, never allowed to cut the first short
    // (a create or a restore is several kubectl steps; stopping half-way leaves half a cluster).
    if (!m_runningAction.isEmpty()) {
        banner()->showError(Error {Error::Kind::Invalid,
            tr("\"%1\" was not started: \"%2\" is still running. Try again when it has finished.")
                .arg(action, m_runningAction)});
        return false;
    }
    return true;
}

CnpgController *OrdersPanel::beginClusterAction(const QString &action)
{
    if (!clusterActionAllowed(action))
        return nullptr;
    m_runningAction = action;
    m_clusterAction->setText(tr("Running: %1").arg(action));
    m_clusterAction->show();
    return cnpg();
}

CnpgController *OrdersPanel::cnpg()
{
    delete m_cnpg; // only between actions: nothing of the previous one is still running
    m_cnpg = BackendFactory(m_context).createCnpgController(m_session->target(), this);
    m_cnpg->setBucket(m_backupToGcs->isChecked() ? m_bucket->text() : QString()); // empty: no backups
    if (m_backupToGcs->isChecked())
        AppSettings().setBackupBucket(m_bucket->text().trimmed());
    return m_cnpg;
}

void OrdersPanel::finishClusterAction()
{
    m_runningAction.clear();
    m_clusterAction->clear();
    m_clusterAction->hide();
}

void OrdersPanel::clusterDone(const QString &what, const Error *error)
{
    finishClusterAction();
    if (error)
        banner()->showError(*error);
    else
        banner()->showMessage(InlineBanner::Level::Info, what);
}

void OrdersPanel::connectThroughCluster()
{
    if (!m_session || !m_session->hasTarget()) {
        banner()->showError(Error {Error::Kind::Invalid, tr("Choose a cluster first (Cluster panel).")});
        return;
    }
    delete m_forward;
    m_forwardDropped = false;
    m_forwarded = false;
    m_forward = BackendFactory(m_context).createPortForward(m_session->target(), this);
    QObject::connect(m_forward, &PortForward::ready, this, [this, target = m_session->target()](quint16 port) {
        const QString conninfo = u"host=127.0.0.1 port=%1 dbname=orderlog user=orderlog"_s.arg(port);
        // In the local sandbox, orderlog-db-rw forwards to the sandbox's own PostgreSQL.
        if (const QString sandboxPassword = sandboxPasswordFor(target); m_password->text().isEmpty() && !sandboxPassword.isEmpty())
            openConnection(conninfo, sandboxPassword, false);
        else
            connectTo(conninfo, m_password->text());
        if (std::exchange(m_forwarded, true) && std::exchange(m_forwardDropped, false))
            banner()->showMessage(InlineBanner::Level::Info, tr("The port-forward to the order database is back."));
        m_forwardDropped = false;
    });
    QObject::connect(m_forward, &PortForward::dropped, this, [this](const Error &e) {
        m_forwardDropped = true;
        banner()->showError(e);
    });
    m_forward->start(u"orderlog-db-rw"_s);
    m_status->setText(tr("Starting kubectl port-forward…"));
}

void OrdersPanel::createCluster()
{
    const QString action = tr("Create cluster");
    if (!clusterActionAllowed(action))
        return;
    if (m_password->text().size() < 8) {
        banner()->showError(Error {Error::Kind::Invalid, tr("Type the database password (8 characters or more) first.")});
        return;
    }
    const QString password = m_password->text();
    // Only a GCS backup needs the bucket's service-account key; asked for before the action starts.
    QString keyFile;
    if (m_backupToGcs->isChecked()) {
        keyFile = QFileDialog::getOpenFileName(this, tr("Service-account key for the backup bucket"), {},
            tr("JSON key (*.json)"));
        if (keyFile.isEmpty())
            return;
    }
    CnpgController *c = beginClusterAction(action);
    if (!c)
        return;
    const bool backups = !c->bucket().isEmpty();
    auto createWithSecret = [this, c, password, backups] {
        c->createDatabaseSecret(u"orderlog-db"_s, password, [this, c, backups](const Result<QString> &r2) {
            if (!r2)
                return clusterDone({}, &r2.error());
            c->createCluster([this, backups](const Result<QString> &r3) {
                clusterDone(backups ? tr("Cluster orderlog-db and its daily backup created.")
                                    : tr("Cluster orderlog-db created, without backups (Back up to GCS is off)."),
                    r3 ? nullptr : &r3.error());
            });
        });
    };
    if (!backups) {
        createWithSecret();
        return;
    }
    c->createBackupCredentials(keyFile, [this, createWithSecret](const Result<QString> &r) {
        if (!r)
            return clusterDone({}, &r.error());
        createWithSecret();
    });
}

void OrdersPanel::listBackups()
{
    CnpgController *c = beginClusterAction(tr("Backups"));
    if (!c)
        return;
    c->listBackups([this](const Result<QList<CnpgBackup>> &r) {
        if (!r)
            return clusterDone({}, &r.error());
        finishClusterAction();
        QStringList lines {tr("Backups:")};
        for (const CnpgBackup &b : r.value())
            lines << u"  %1  %2  %3  %4"_s.arg(b.name, b.cluster, b.phase.isEmpty() ? tr("pending") : b.phase,
                         b.stoppedAt.isValid() ? b.stoppedAt.toString(Qt::ISODate) : b.error);
        if (r.value().isEmpty())
            lines << tr("  none yet");
        m_details->setPlainText(lines.join(u'\n'));
    });
}

void OrdersPanel::restore()
{
    const QString action = tr("Restore");
    if (!clusterActionAllowed(action))
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Restore the order log"),
        tr("Name of the new cluster, bootstrapped from the backups:"), QLineEdit::Normal, u"orderlog-db-restored"_s, &ok);
    if (!ok || name.isEmpty())
        return;
    CnpgController *c = beginClusterAction(action);
    if (!c)
        return;
    c->restore(name, [this, c, name](const Result<QString> &r) {
        if (!r)
            return clusterDone({}, &r.error());
        c->switchOrderlog(name, [this, name](const Result<QString> &r2) {
            clusterDone(tr("Cluster %1 is restoring; orderlog now writes to %1-rw.").arg(name), r2 ? nullptr : &r2.error());
        });
    });
}

PanelInfo OrdersPanel::describe()
{
    return PanelInfo {
        .key = u"orders"_s,
        .title = u"Order log"_s,
        .icon = u"orders"_s,
        .summary
        = u"Browse every order placed in the storefront, as recorded by the order log service in PostgreSQL."_s,
        .features = {u"Orders newest first, loaded page by page however many there are"_s,
            u"Search by order id or e-mail address"_s,
            u"Reconnect on its own through kubectl port-forward when the database runs in the cluster"_s},
        .needs
        = {u"The order log service and its PostgreSQL (deployed with Online Boutique, or the local sandbox)"_s,
            u"kubectl, for a database in the cluster"_s},
    };
}

void OrdersPanel::connectTo(const QString &conninfo, const QString &password)
{
    openConnection(conninfo, password, true);
}

void OrdersPanel::openConnection(const QString &conninfo, const QString &password, bool remember)
{
    if (conninfo.trimmed().isEmpty()) {
        banner()->showError(Error {Error::Kind::Invalid, tr("Enter the order database's connection string first.")});
        return;
    }
    m_conninfo->setText(conninfo);
    banner()->dismiss();
    m_showedError = false;
    m_model->clearError(); // else a failure of the new connection would go unreported
    m_repository->setConnection(conninfo, password);
    if (password.isEmpty()) {
        // A password kept from before (keychain, or this run's memory) replaces the empty one.
        m_vault->load(conninfo, [this, conninfo](std::optional<QString> kept) {
            if (!kept || kept->isEmpty() || m_conninfo->text() != conninfo)
                return;
            m_repository->setConnection(conninfo, *kept);
            m_model->reload();
        });
    } else if (remember) {
        m_vault->store(conninfo, password);
    }
    m_model->setAutoRefreshInterval(m_autoRefresh->isChecked() ? 2000 : 0);
    applyFilter();
}

void OrdersPanel::showContentsColumn()
{
    m_table->setColumnHidden(OrdersModel::Contents, !m_model->anyContents());
}

void OrdersPanel::applyFilter()
{
    OrderFilter f;
    f.userId = m_user->text().trimmed();
    f.email = m_email->text().trimmed();
    f.orderId = m_orderId->text().trimmed();
    f.currency = m_currency->text().trimmed();
    f.contents = m_contents->text().trimmed();
    if (!m_minTotal->text().trimmed().isEmpty()) {
        bool ok = false;
        const double v = m_minTotal->text().trimmed().toDouble(&ok);
        if (!ok || v < 0) {
            banner()->showError(Error {Error::Kind::Invalid, tr("Min total must be a number, such as 12.50.")});
            return;
        }
        f.minTotal = v;
    }
    if (const int seconds = m_range->currentData().toInt(); seconds > 0)
        f.from = QDateTime::currentDateTimeUtc().addSecs(-seconds);
    if (!m_repository->hasConnection())
        return;
    m_model->setFilter(f);
}

void OrdersPanel::showDetails()
{
    const OrderRow *row = m_model->rowAt(m_table->currentIndex().row());
    if (!row)
        return;
    m_detailsRequest = m_repository->requestDetails(row->id);
}

void OrdersPanel::exportCsv()
{
    if (m_repository->exporting()) {
        m_repository->cancelExport();
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Export orders"), u"orders.csv"_s, tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    if (!m_repository->startExport(m_model->filter(), m_model->sortOrder(), path)) {
        banner()->showError(Error {Error::Kind::Invalid, tr("Connect to the order database first.")});
        return;
    }
    m_exportProgress->show();
    m_export->setText(tr("Cancel export"));
}

QString OrdersPanel::statusText() const
{
    return m_status->text();
}

QString OrdersPanel::detailsText() const
{
    return m_details->toPlainText();
}

void OrdersPanel::updateStatus()
{
    if (!m_repository->hasConnection()) {
        m_status->setText(tr("Not connected"));
        return;
    }
    QString text = tr("%n order(s) loaded", nullptr, m_model->rowCount());
    if (!m_model->atEnd())
        text += tr(", more below");
    text += tr(" · last page %1 ms").arg(m_model->lastPageMs());
    if (m_model->currentError())
        text += tr(" · retrying");
    m_status->setText(text);
}

} // namespace bc
