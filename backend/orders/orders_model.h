#pragma once

// The order log as a table that pages itself: canFetchMore/fetchMore load the next keyset page, the
// window keeps at most windowLimit() rows (rows scrolled far away are dropped and fetched again when
// the user comes back: fetchNewer()), so scrolling millions of rows keeps memory flat.
// Failures are reported once (failed()), retried every few seconds, and recovered() says when it works
// again. Auto-refresh shows new orders as they arrive at the newest end.

#include "backend/core/result.h"
#include "backend/orders/order_types.h"

#include <QAbstractTableModel>
#include <QTimer>

namespace bc {

class OrdersRepository;

class OrdersModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { PlacedAt, OrderId, User, Email, Total, Currency, Items, City, Country, Contents, ColumnCount };
    static constexpr int kRowIdRole = Qt::UserRole + 1;

    explicit OrdersModel(OrdersRepository *repository, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    void sort(int column, Qt::SortOrder order) override; // only indexed columns: placed at, order id

    const OrderFilter &filter() const { return m_filter; }
    void setFilter(const OrderFilter &filter); // reloads
    OrderSort sortOrder() const { return m_sort; }
    void setSortOrder(OrderSort sort); // reloads
    void setPageSize(int rows) { m_pageSize = qMax(1, rows); }
    int pageSize() const { return m_pageSize; }
    void setWindowLimit(int rows) { m_windowLimit = qMax(2 * m_pageSize, rows); }
    int windowLimit() const { return m_windowLimit; }
    void setAutoRefreshInterval(int ms); // 0: off
    void setRetryInterval(int ms) { m_retry.setInterval(ms); }

    void reload(); // the first page of the current sort
    void clearError(); // a new connection: its first failure is reported (failed()) again
    void jumpToNewest();
    void jumpToOldest();
    bool canFetchNewer() const { return m_rowsBefore && !m_loadingTop; } // rows above the window
    void fetchNewer();
    void refresh(); // new rows at the newest end now (what the timer does)

    const OrderRow *rowAt(int row) const;
    bool anyContents() const; // a row in the window has the lab's free text (the Contents column is worth showing)
    bool loading() const { return m_loadingBottom || m_loadingTop; }
    bool atStart() const { return !m_rowsBefore; }
    bool atEnd() const { return !m_more; }
    qint64 lastPageMs() const { return m_lastPageMs; }
    const Error *currentError() const { return m_hasError ? &m_error : nullptr; }

Q_SIGNALS:
    void pageLoaded(int rows, qint64 elapsedMs); // any page landed (also refreshes)
    void reloaded(); // a reload/jump finished
    void loadingChanged(bool loading);
    void newOrders(int count); // auto-refresh found these
    void failed(const bc::Error &error); // once per outage
    void recovered();

private:
    enum class Pending { None, Reload, JumpEnd, Bottom, Top, Refresh };
    void onPage(quint64 id, const OrderPageData &page);
    void onFailed(quint64 id, const Error &error);
    void issue(Pending what, const OrderPageRequest &request, bool top);
    void resetWith(QList<OrderRow> rows, bool more, bool rowsBefore);
    void append(const QList<OrderRow> &rows);
    void prepend(QList<OrderRow> rows);
    void trimTop();
    void trimBottom();
    OrderPageRequest request(OrderSort sort) const;
    void setOk();

    OrdersRepository *m_repository;
    OrderFilter m_filter;
    OrderSort m_sort = OrderSort::NewestFirst;
    QList<OrderRow> m_rows;
    bool m_more = false; // rows after the window (older, for newest-first)
    bool m_rowsBefore = false; // rows before the window were dropped or skipped (jump to the end)
    int m_pageSize = 200;
    int m_windowLimit = 20000;
    quint64 m_bottomId = 0; // request ids in flight; a reply with another id is stale
    quint64 m_topId = 0;
    Pending m_bottomWhat = Pending::None;
    Pending m_topWhat = Pending::None;
    bool m_loadingBottom = false;
    bool m_loadingTop = false;
    bool m_loaded = false;
    qint64 m_lastPageMs = 0;
    bool m_hasError = false;
    Error m_error;
    Pending m_failedWhat = Pending::None;
    QTimer m_refresh;
    QTimer m_retry;
};

} // namespace bc
