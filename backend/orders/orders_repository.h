#pragma once

// Asynchronous access to the order log: every query runs on a worker QObject in its own QThread (the GUI
// never waits on PostgreSQL); answers come back as signals carrying the request id. A CSV export runs on
// a thread and connection of its own, so browsing goes on while it streams.

#include "backend/core/result.h"
#include "backend/orders/order_types.h"

#include <QObject>
#include <QThread>

#include <atomic>
#include <memory>

namespace bc {

class OrdersWorker;

class OrdersRepository : public QObject
{
    Q_OBJECT
public:
    explicit OrdersRepository(QObject *parent = nullptr);
    ~OrdersRepository() override;

    // The password stays in memory (libpq conninfo of the worker's connection), never in a log.
    void setConnection(const QString &conninfo, const QString &password = {});
    bool hasConnection() const { return !m_conninfo.isEmpty(); }
    QString redactedConninfo() const;

    quint64 requestPage(const OrderPageRequest &request);
    quint64 requestDetails(qint64 rowId);
    quint64 requestSummary(const OrderFilter &filter);

    bool startExport(const OrderFilter &filter, OrderSort sort, const QString &path);
    bool exporting() const { return m_exportThread != nullptr; }
    void cancelExport();

Q_SIGNALS:
    void pageReady(quint64 requestId, const bc::OrderPageData &page);
    void detailsReady(quint64 requestId, const bc::OrderDetails &details);
    void summaryReady(quint64 requestId, const bc::OrderSummary &summary);
    void requestFailed(quint64 requestId, const bc::Error &error);
    void exportProgress(qint64 rows);
    void exportFinished(qint64 rows, bool ok, const bc::Error &error); // error meaningful when !ok

private:
    quint64 nextId() { return ++m_lastId; }

    QThread m_thread;
    OrdersWorker *m_worker = nullptr; // lives in m_thread
    QString m_conninfo;
    QString m_password;
    quint64 m_lastId = 0;
    QThread *m_exportThread = nullptr;
    std::shared_ptr<std::atomic<bool>> m_exportCancel;
};

} // namespace bc
