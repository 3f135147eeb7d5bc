#include "backend/orders/orders_model.h"

#include "backend/orders/orders_repository.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace bc {

namespace {
OrderSort reversed(OrderSort sort)
{
    switch (sort) {
    case OrderSort::NewestFirst: return OrderSort::OldestFirst;
    case OrderSort::OldestFirst: return OrderSort::NewestFirst;
    case OrderSort::OrderIdAscending: return OrderSort::OrderIdDescending;
    case OrderSort::OrderIdDescending: return OrderSort::OrderIdAscending;
    }
    return OrderSort::NewestFirst;
}
} // namespace

OrdersModel::OrdersModel(OrdersRepository *repository, QObject *parent)
    : QAbstractTableModel(parent)
    , m_repository(repository)
{
    connect(m_repository, &OrdersRepository::pageReady, this, &OrdersModel::onPage);
    connect(m_repository, &OrdersRepository::requestFailed, this, &OrdersModel::onFailed);
    connect(&m_refresh, &QTimer::timeout, this, &OrdersModel::refresh);
    m_retry.setSingleShot(true);
    m_retry.setInterval(3000);
    connect(&m_retry, &QTimer::timeout, this, [this] {
        if (loading())
            return;
        switch (m_failedWhat) {
        case Pending::Bottom: fetchMore({}); break;
        case Pending::Top: fetchNewer(); break;
        case Pending::Refresh: refresh(); break;
        case Pending::JumpEnd:
            if (m_sort == OrderSort::NewestFirst)
                jumpToOldest();
            else
                jumpToNewest();
            break;
        default: reload(); break;
        }
    });
}

int OrdersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int OrdersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant OrdersModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const OrderRow &r = m_rows.at(index.row());
    if (role == kRowIdRole)
        return r.id;
    if (role == Qt::TextAlignmentRole)
        return (index.column() == Total || index.column() == Items) ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                                                   : QVariant();
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case PlacedAt: return r.placedAt().toString(u"yyyy-MM-dd HH:mm:ss"_s);
    case OrderId: return r.orderId;
    case User: return r.userId;
    case Email: return r.email;
    case Total: return r.totalText();
    case Currency: return r.currency;
    case Items: return r.itemCount;
    case City: return r.city;
    case Country: return r.country;
    case Contents: return r.contents;
    default: return {};
    }
}

QVariant OrdersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const QStringList names {u"Placed (UTC)"_s, u"Order id"_s, u"User"_s, u"Email"_s, u"Total"_s,
        u"Currency"_s, u"Items"_s, u"City"_s, u"Country"_s, u"Contents"_s};
    return names.value(section);
}

bool OrdersModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_loaded && m_more && !m_loadingBottom;
}

void OrdersModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || !m_more || m_loadingBottom || m_rows.isEmpty())
        return;
    OrderPageRequest r = request(m_sort);
    r.after = m_rows.last().cursor();
    issue(Pending::Bottom, r, false);
}

void OrdersModel::sort(int column, Qt::SortOrder order)
{
    if (column == PlacedAt)
        setSortOrder(order == Qt::DescendingOrder ? OrderSort::NewestFirst : OrderSort::OldestFirst);
    else if (column == OrderId)
        setSortOrder(order == Qt::AscendingOrder ? OrderSort::OrderIdAscending : OrderSort::OrderIdDescending);
}

void OrdersModel::setFilter(const OrderFilter &filter)
{
    m_filter = filter;
    reload();
}

void OrdersModel::setSortOrder(OrderSort sort)
{
    m_sort = sort;
    reload();
}

void OrdersModel::setAutoRefreshInterval(int ms)
{
    if (ms <= 0) {
        m_refresh.stop();
        return;
    }
    m_refresh.start(ms);
}

OrderPageRequest OrdersModel::request(OrderSort sort) const
{
    OrderPageRequest r;
    r.filter = m_filter;
    r.sort = sort;
    r.limit = m_pageSize;
    return r;
}

void OrdersModel::issue(Pending what, const OrderPageRequest &req, bool top)
{
    const bool wasLoading = loading();
    const quint64 id = m_repository->requestPage(req);
    if (top) {
        m_topId = id;
        m_topWhat = what;
        m_loadingTop = true;
    } else {
        m_bottomId = id;
        m_bottomWhat = what;
        m_loadingBottom = true;
    }
    if (!wasLoading)
        Q_EMIT loadingChanged(true);
}

void OrdersModel::reload()
{
    m_topId = 0;
    m_loadingTop = false;
    issue(Pending::Reload, request(m_sort), false);
}

void OrdersModel::jumpToNewest()
{
    if (m_sort == OrderSort::OldestFirst || m_sort == OrderSort::OrderIdDescending) {
        m_topId = 0;
        m_loadingTop = false;
        issue(Pending::JumpEnd, request(reversed(m_sort)), false);
    } else {
        reload();
    }
}

void OrdersModel::jumpToOldest()
{
    if (m_sort == OrderSort::OldestFirst || m_sort == OrderSort::OrderIdDescending) {
        reload();
    } else {
        m_topId = 0;
        m_loadingTop = false;
        issue(Pending::JumpEnd, request(reversed(m_sort)), false);
    }
}

void OrdersModel::fetchNewer()
{
    if (!m_rowsBefore || m_loadingTop || m_rows.isEmpty())
        return;
    OrderPageRequest r = request(reversed(m_sort));
    r.after = m_rows.first().cursor();
    issue(Pending::Top, r, true);
}

void OrdersModel::refresh()
{
    if (!m_loaded || m_rows.isEmpty()) {
        if (!m_loadingBottom)
            reload();
        return;
    }
    if (m_sort == OrderSort::NewestFirst && !m_rowsBefore && !m_loadingTop) {
        OrderPageRequest r = request(OrderSort::OldestFirst);
        r.after = m_rows.first().cursor();
        issue(Pending::Refresh, r, true);
    } else if (m_sort == OrderSort::OldestFirst && !m_more && !m_loadingBottom) {
        OrderPageRequest r = request(OrderSort::OldestFirst);
        r.after = m_rows.last().cursor();
        issue(Pending::Bottom, r, false);
    }
}

bool OrdersModel::anyContents() const
{
    return std::any_of(m_rows.cbegin(), m_rows.cend(), [](const OrderRow &r) { return !r.contents.isEmpty(); });
}

const OrderRow *OrdersModel::rowAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

void OrdersModel::setOk()
{
    if (m_hasError) {
        m_hasError = false;
        m_failedWhat = Pending::None;
        m_retry.stop();
        Q_EMIT recovered();
    }
}

void OrdersModel::clearError()
{
    m_hasError = false;
    m_failedWhat = Pending::None;
    m_retry.stop();
}

void OrdersModel::onPage(quint64 id, const OrderPageData &page)
{
    const bool wasLoading = loading();
    Pending what = Pending::None;
    if (id == m_bottomId && m_loadingBottom) {
        what = m_bottomWhat;
        m_loadingBottom = false;
    } else if (id == m_topId && m_loadingTop) {
        what = m_topWhat;
        m_loadingTop = false;
    } else {
        return; // stale: a reload replaced it
    }
    m_lastPageMs = page.elapsedMs;
    setOk();
    switch (what) {
    case Pending::Reload:
        resetWith(page.rows, page.more, false);
        m_loaded = true;
        Q_EMIT reloaded();
        break;
    case Pending::JumpEnd: {
        QList<OrderRow> rows = page.rows;
        std::reverse(rows.begin(), rows.end());
        resetWith(rows, false, page.more);
        m_loaded = true;
        Q_EMIT reloaded();
        break;
    }
    case Pending::Bottom: {
        const bool refreshAtEnd = !m_more;
        append(page.rows);
        m_more = page.more;
        if (refreshAtEnd && !page.rows.isEmpty())
            Q_EMIT newOrders(int(page.rows.size()));
        break;
    }
    case Pending::Top: {
        QList<OrderRow> rows = page.rows;
        std::reverse(rows.begin(), rows.end());
        prepend(rows);
        m_rowsBefore = page.more;
        break;
    }
    case Pending::Refresh: {
        QList<OrderRow> rows = page.rows;
        std::reverse(rows.begin(), rows.end());
        prepend(rows);
        if (!rows.isEmpty())
            Q_EMIT newOrders(int(rows.size()));
        if (page.more)
            QTimer::singleShot(0, this, &OrdersModel::refresh);
        break;
    }
    case Pending::None: break;
    }
    Q_EMIT pageLoaded(int(page.rows.size()), page.elapsedMs);
    if (wasLoading && !loading())
        Q_EMIT loadingChanged(false);
}

void OrdersModel::onFailed(quint64 id, const Error &error)
{
    const bool wasLoading = loading();
    Pending what = Pending::None;
    if (id == m_bottomId && m_loadingBottom) {
        what = m_bottomWhat;
        m_loadingBottom = false;
    } else if (id == m_topId && m_loadingTop) {
        what = m_topWhat;
        m_loadingTop = false;
    } else {
        return;
    }
    m_failedWhat = (what == Pending::Refresh && !m_loaded) ? Pending::Reload : what;
    if (!m_loaded)
        m_failedWhat = Pending::Reload;
    const bool first = !m_hasError;
    m_hasError = true;
    m_error = error;
    if (first)
        Q_EMIT failed(error);
    m_retry.start();
    if (wasLoading && !loading())
        Q_EMIT loadingChanged(false);
}

void OrdersModel::resetWith(QList<OrderRow> rows, bool more, bool rowsBefore)
{
    beginResetModel();
    m_rows = std::move(rows);
    m_more = more;
    m_rowsBefore = rowsBefore;
    endResetModel();
}

void OrdersModel::append(const QList<OrderRow> &rows)
{
    if (rows.isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + rows.size() - 1));
    m_rows.append(rows);
    endInsertRows();
    trimTop();
}

void OrdersModel::prepend(QList<OrderRow> rows)
{
    if (rows.isEmpty())
        return;
    beginInsertRows({}, 0, int(rows.size() - 1));
    rows.append(std::move(m_rows));
    m_rows = std::move(rows);
    endInsertRows();
    trimBottom();
}

void OrdersModel::trimTop()
{
    const int excess = int(m_rows.size()) - m_windowLimit;
    if (excess <= 0)
        return;
    beginRemoveRows({}, 0, excess - 1);
    m_rows.remove(0, excess);
    m_rows.squeeze();
    endRemoveRows();
    m_rowsBefore = true;
}

void OrdersModel::trimBottom()
{
    const int excess = int(m_rows.size()) - m_windowLimit;
    if (excess <= 0)
        return;
    beginRemoveRows({}, m_windowLimit, int(m_rows.size()) - 1);
    m_rows.resize(m_windowLimit);
    m_rows.squeeze();
    endRemoveRows();
    m_more = true;
}

} // namespace bc
