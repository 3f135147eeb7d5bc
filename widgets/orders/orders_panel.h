#pragma once

#include "widgets/common/panel.h"

#include "backend/core/result.h"
#include "backend/kube/kube_target.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLayout;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableView;

namespace bc {

class ClusterSession;
class CnpgController;
class OrdersModel;
class OrdersRepository;
class PasswordVault;
class PortForward;
class RunContext;

// Order log: the orders the Orderlog service stored in PostgreSQL, page by page however many there are,
// filtered and sorted on indexed columns, new ones arriving on their own, exported to CSV. All database
// work is in backend/orders (a worker thread); this panel only shows it.
class OrdersPanel : public Panel
{
    Q_OBJECT
public:
    explicit OrdersPanel(QWidget *parent = nullptr);
    // With a cluster: connect through kubectl port-forward, and the CloudNativePG actions.
    OrdersPanel(RunContext *context, ClusterSession *session, QWidget *parent = nullptr);
    ~OrdersPanel() override;

    static PanelInfo describe();

    // Connects to conninfo; the password stays in memory (libpq conninfo of the worker), never shown.
    void connectTo(const QString &conninfo, const QString &password = {});
    OrdersModel *model() const { return m_model; }
    OrdersRepository *repository() const { return m_repository; }
    QTableView *table() const { return m_table; }
    QString statusText() const;
    QString detailsText() const;

private:
    void openConnection(const QString &conninfo, const QString &password, bool remember);
    void connectToSandboxDatabase();
    QString sandboxPasswordFor(const KubeTarget &target) const;
    void buildClusterRow();
    bool clusterActionAllowed(const QString &action); // false (and says why) while another one runs
    CnpgController *beginClusterAction(const QString &action); // nullptr when refused
    void finishClusterAction();
    CnpgController *cnpg();
    void connectThroughCluster();
    void createCluster();
    void restore();
    void listBackups();
    void clusterDone(const QString &what, const Error *error);
    void applyFilter();
    void showContentsColumn();
    void showDetails();
    void exportCsv();
    void updateStatus();

    OrdersRepository *m_repository;
    OrdersModel *m_model;
    QLineEdit *m_conninfo;
    QLineEdit *m_password;
    QLineEdit *m_user;
    QLineEdit *m_email;
    QLineEdit *m_orderId;
    QLineEdit *m_currency;
    QLineEdit *m_minTotal;
    QLineEdit *m_contents;
    QComboBox *m_range;
    QCheckBox *m_autoRefresh;
    QTableView *m_table;
    QPlainTextEdit *m_details;
    QLabel *m_status;
    QLabel *m_summary;
    QProgressBar *m_exportProgress;
    QPushButton *m_export;
    RunContext *m_context = nullptr;
    ClusterSession *m_session = nullptr;
    PasswordVault *m_vault;
    PortForward *m_forward = nullptr;
    CnpgController *m_cnpg = nullptr;
    QLayout *m_rootLayout = nullptr;
    QLineEdit *m_operatorUrl = nullptr;
    QLineEdit *m_bucket = nullptr;
    QCheckBox *m_backupToGcs = nullptr; // off on the local sandbox: it has no GCS
    QLabel *m_clusterAction = nullptr; // "Running: <action>" while a cluster action runs
    QString m_runningAction; // the cluster action running now; empty when none
    bool m_showedError = false;
    bool m_forwarded = false; // the current port-forward has forwarded at least once
    bool m_forwardDropped = false; // since the last time it forwarded
    quint64 m_detailsRequest = 0;
    quint64 m_summaryRequest = 0;
};

} // namespace bc
