#include "backend/orders/orders_database.h"

#include "backend/process/redaction.h"

#include <QElapsedTimer>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <pqxx/pqxx>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

// Columns of one list row; parsed by rowFrom().
constexpr const char *kRowColumns
    = "l.id, (extract(epoch FROM l.placed_at) * 1000000)::int8, coalesce(l.order_id, ''),"
      " coalesce(l.user_id, ''), coalesce(l.email, ''), coalesce(l.currency_code, ''),"
      " coalesce(l.total_units, 0), coalesce(l.total_nanos, 0),"
      " coalesce((SELECT sum((x->>'quantity')::int) FROM jsonb_array_elements(CASE WHEN"
      "   jsonb_typeof(l.items) = 'array' THEN l.items ELSE '[]'::jsonb END) x), 0)::int,"
      " coalesce(l.shipping_city, ''), coalesce(l.shipping_country, ''), coalesce(l.contents, '')";

// Filter on $1..$8; '' means "no condition" (an unnamed statement is planned with its values, so
// PostgreSQL folds the unused conditions away and keeps the index paths).
constexpr const char *kFilter
    = " ($1::text = '' OR l.placed_at >= timestamptz 'epoch' + $1::text::int8 * interval '1 microsecond')"
      " AND ($2::text = '' OR l.placed_at < timestamptz 'epoch' + $2::text::int8 * interval '1 microsecond')"
      " AND ($3::text = '' OR l.user_id = $3::text)"
      " AND ($4::text = '' OR l.email ILIKE '%' || $4::text || '%')"
      " AND ($5::text = '' OR l.order_id LIKE $5::text || '%')"
      " AND ($6::text = '' OR l.currency_code = upper($6::text))"
      " AND ($7::text = '' OR coalesce(l.total_units, 0) + coalesce(l.total_nanos, 0) / 1000000000.0"
      "      >= $7::text::numeric)"
      " AND ($8::text = '' OR l.contents ILIKE '%' || $8::text || '%')";

QString likeEscaped(QString text)
{
    text.replace(u"\\"_s, u"\\\\"_s);
    text.replace(u"%"_s, u"\\%"_s);
    text.replace(u"_"_s, u"\\_"_s);
    return text;
}

std::string micros(const QDateTime &t)
{
    return t.isValid() ? std::to_string(t.toMSecsSinceEpoch() * 1000) : std::string();
}

struct FilterParams
{
    std::string from, to, user, email, orderId, currency, minTotal, contents;
};

FilterParams filterParams(const OrderFilter &f)
{
    FilterParams p;
    p.from = micros(f.from);
    p.to = micros(f.to);
    p.user = f.userId.trimmed().toStdString();
    p.email = likeEscaped(f.email.trimmed()).toStdString();
    p.orderId = likeEscaped(f.orderId.trimmed()).toStdString();
    p.currency = f.currency.trimmed().toStdString();
    p.contents = likeEscaped(f.contents.trimmed()).toStdString();
    if (f.minTotal)
        p.minTotal = QString::number(*f.minTotal, 'f', 9).toStdString();
    return p;
}

QString pageSql(OrderSort sort)
{
    QString keyset;
    QString order;
    switch (sort) {
    case OrderSort::NewestFirst:
        keyset = u"($9::text = '' OR (l.placed_at, l.id) < (timestamptz 'epoch' + $9::text::int8 * interval '1 microsecond', $10::text::int8)) AND $11::text = $11::text"_s;
        order = u"l.placed_at DESC, l.id DESC"_s;
        break;
    case OrderSort::OldestFirst:
        keyset = u"($9::text = '' OR (l.placed_at, l.id) > (timestamptz 'epoch' + $9::text::int8 * interval '1 microsecond', $10::text::int8)) AND $11::text = $11::text"_s;
        order = u"l.placed_at, l.id"_s;
        break;
    case OrderSort::OrderIdAscending:
        keyset = u"l.order_id IS NOT NULL AND ($9::text = '' OR l.order_id > $11::text) AND $10::text = $10::text"_s;
        order = u"l.order_id"_s;
        break;
    case OrderSort::OrderIdDescending:
        keyset = u"l.order_id IS NOT NULL AND ($9::text = '' OR l.order_id < $11::text) AND $10::text = $10::text"_s;
        order = u"l.order_id DESC"_s;
        break;
    }
    return u"SELECT %1 FROM logs l WHERE %2 AND %3 ORDER BY %4 LIMIT $12::text::int"_s.arg(
        QString::fromLatin1(kRowColumns), QString::fromLatin1(kFilter), keyset, order);
}

QString str(const pqxx::field &f)
{
    return QString::fromUtf8(f.c_str(), int(f.size()));
}

OrderRow rowFrom(const pqxx::row &r)
{
    OrderRow row;
    row.id = r[0].as<qint64>();
    row.placedAtMicros = r[1].as<qint64>();
    row.orderId = str(r[2]);
    row.userId = str(r[3]);
    row.email = str(r[4]);
    row.currency = str(r[5]);
    row.totalUnits = r[6].as<qint64>();
    row.totalNanos = r[7].as<qint32>();
    row.itemCount = r[8].as<qint32>();
    row.city = str(r[9]);
    row.country = str(r[10]);
    row.contents = str(r[11]);
    return row;
}

QString conninfoWithPassword(const QString &conninfo, const QString &password)
{
    QString c = conninfo.trimmed();
    const bool uri = c.startsWith(u"postgres://"_s) || c.startsWith(u"postgresql://"_s);
    if (uri) {
        if (!password.isEmpty())
            c += (c.contains(u'?') ? u"&password="_s : u"?password="_s)
                + QString::fromLatin1(QUrl::toPercentEncoding(password));
        if (!c.contains(u"connect_timeout="_s))
            c += (c.contains(u'?') ? u"&connect_timeout=5"_s : u"?connect_timeout=5"_s);
        return c;
    }
    if (!password.isEmpty()) {
        QString quoted = password;
        quoted.replace(u"\\"_s, u"\\\\"_s);
        quoted.replace(u"'"_s, u"\\'"_s);
        c += u" password='"_s + quoted + u"'"_s;
    }
    if (!c.contains(u"connect_timeout"_s))
        c += u" connect_timeout=5"_s;
    return c;
}

QString firstLine(const char *what)
{
    QString text = QString::fromUtf8(what).trimmed();
    return redactPatterns(text.section(u'\n', 0, 0));
}

} // namespace

QString orderSortName(OrderSort sort)
{
    switch (sort) {
    case OrderSort::NewestFirst: return u"newest first"_s;
    case OrderSort::OldestFirst: return u"oldest first"_s;
    case OrderSort::OrderIdAscending: return u"order id A-Z"_s;
    case OrderSort::OrderIdDescending: return u"order id Z-A"_s;
    }
    return {};
}

QString OrderRow::totalText() const
{
    const qint64 cents = totalUnits * 100 + (totalUnits < 0 ? -1 : 1) * ((qAbs(totalNanos) + 5000000) / 10000000);
    return u"%1%2.%3"_s.arg(cents < 0 ? u"-"_s : QString())
        .arg(qAbs(cents) / 100)
        .arg(qAbs(cents) % 100, 2, 10, QChar(u'0'));
}

struct OrdersDatabase::Impl
{
    QString conninfo;
    QString password;
    std::unique_ptr<pqxx::connection> conn;

    // Runs body on an open connection; maps libpq failures to errors a user can act on.
    template <typename T, typename F>
    Result<T> run(F &&body)
    {
        if (!conn) {
            const Status s = connect();
            if (!s)
                return s.error();
        }
        try {
            return body(*conn);
        } catch (const pqxx::broken_connection &e) {
            conn.reset();
            return Error {Error::Kind::Unavailable, u"Lost the connection to the order database."_s, firstLine(e.what())};
        } catch (const pqxx::sql_error &e) {
            const std::string state = e.sqlstate();
            if (state == "42P01")
                return Error {Error::Kind::NotFound,
                    u"This database has no order log (table logs is missing): point orderlog-server at it first."_s,
                    firstLine(e.what())};
            if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0) {
                conn.reset();
                return Error {Error::Kind::Unavailable, u"The order database went away."_s, firstLine(e.what())};
            }
            return Error {Error::Kind::Failed, u"The order query failed (SQLSTATE %1)."_s.arg(QString::fromStdString(state)),
                firstLine(e.what())};
        } catch (const std::exception &e) {
            if (conn && !conn->is_open())
                conn.reset();
            return Error {Error::Kind::Failed, u"The order query failed."_s, firstLine(e.what())};
        }
    }

    Status connect()
    {
        try {
            conn = std::make_unique<pqxx::connection>(conninfoWithPassword(conninfo, password).toStdString());
            return ok();
        } catch (const std::exception &e) {
            conn.reset();
            const QString what = QString::fromUtf8(e.what());
            if (what.contains(u"password authentication failed"_s) || what.contains(u"no password supplied"_s)
                || what.contains(u"authentication failed"_s))
                return Error {Error::Kind::Invalid,
                    u"The order database refused the login: check the user name and password."_s, firstLine(e.what())};
            if (what.contains(u"does not exist"_s))
                return Error {Error::Kind::NotFound, u"The order database or user does not exist."_s, firstLine(e.what())};
            if (what.contains(u"invalid"_s) || what.contains(u"missing \"=\""_s))
                return Error {Error::Kind::Invalid, u"The connection string is not valid."_s, firstLine(e.what())};
            return Error {Error::Kind::Unavailable,
                u"Cannot reach the order database (%1)."_s.arg(redactPatterns(conninfo)), firstLine(e.what())};
        }
    }
};

OrdersDatabase::OrdersDatabase(QString conninfo, QString password)
    : m_d(std::make_unique<Impl>())
{
    m_d->conninfo = std::move(conninfo);
    m_d->password = std::move(password);
}

OrdersDatabase::~OrdersDatabase() = default;

Status OrdersDatabase::open()
{
    if (m_d->conn && m_d->conn->is_open())
        return ok();
    return m_d->connect();
}

bool OrdersDatabase::isOpen() const
{
    return m_d->conn && m_d->conn->is_open();
}

void OrdersDatabase::close()
{
    m_d->conn.reset();
}

QString OrdersDatabase::redactedConninfo() const
{
    return redactPatterns(m_d->conninfo);
}

Result<OrderPageData> OrdersDatabase::page(const OrderPageRequest &request)
{
    const int limit = std::clamp(request.limit, 1, 10000);
    const std::string sql = pageSql(request.sort).toStdString();
    return m_d->run<OrderPageData>([&](pqxx::connection &c) {
        QElapsedTimer clock;
        clock.start();
        const FilterParams p = filterParams(request.filter);
        std::string cPlaced, cId, cOrder;
        if (request.after) {
            cPlaced = std::to_string(request.after->placedAtMicros);
            cId = std::to_string(request.after->id);
            cOrder = request.after->orderId.toStdString();
        }
        pqxx::read_transaction tx(c);
        const pqxx::result r = tx.exec_params(sql, p.from, p.to, p.user, p.email, p.orderId, p.currency,
            p.minTotal, p.contents, cPlaced, cId, cOrder, std::to_string(limit + 1));
        OrderPageData page;
        page.rows.reserve(std::min<int>(int(r.size()), limit));
        for (int i = 0; i < int(r.size()) && i < limit; ++i)
            page.rows.append(rowFrom(r[i]));
        page.more = int(r.size()) > limit;
        page.elapsedMs = clock.elapsed();
        return page;
    });
}

Result<OrderDetails> OrdersDatabase::details(qint64 id)
{
    return m_d->run<OrderDetails>([&](pqxx::connection &c) -> Result<OrderDetails> {
        pqxx::read_transaction tx(c);
        const pqxx::result r = tx.exec_params(
            std::string("SELECT ") + kRowColumns
                + ", coalesce(l.shipping_tracking_id, ''),"
                  " (extract(epoch FROM l.logged_at) * 1000000)::int8, l.items::text FROM logs l WHERE l.id = $1",
            id);
        if (r.empty())
            return Error {Error::Kind::NotFound, u"Order row %1 is no longer in the log."_s.arg(id)};
        OrderDetails d;
        d.row = rowFrom(r[0]);
        d.content = d.row.contents;
        d.trackingId = str(r[0][12]);
        d.loggedAt = QDateTime::fromMSecsSinceEpoch(r[0][13].as<qint64>() / 1000, Qt::UTC);
        const QJsonArray items = QJsonDocument::fromJson(QByteArray(r[0][14].c_str())).array();
        for (const QJsonValue &v : items) {
            const QJsonObject o = v.toObject();
            d.items.append({o.value(u"product_id"_s).toString(), o.value(u"quantity"_s).toInt()});
        }
        return d;
    });
}

Result<OrderSummary> OrdersDatabase::summary(const OrderFilter &filter)
{
    return m_d->run<OrderSummary>([&](pqxx::connection &c) {
        const FilterParams p = filterParams(filter);
        pqxx::read_transaction tx(c);
        OrderSummary s;
        const pqxx::result minutes = tx.exec_params(
            std::string("SELECT (extract(epoch FROM date_trunc('minute', l.placed_at)))::int8, count(*)"
                        " FROM logs l WHERE ") + kFilter + " GROUP BY 1 ORDER BY 1 DESC LIMIT 1440",
            p.from, p.to, p.user, p.email, p.orderId, p.currency, p.minTotal, p.contents);
        for (auto it = minutes.rbegin(); it != minutes.rend(); ++it)
            s.perMinute.append({QDateTime::fromSecsSinceEpoch((*it)[0].as<qint64>(), Qt::UTC), (*it)[1].as<qint64>()});
        const pqxx::result revenue = tx.exec_params(
            std::string("SELECT coalesce(l.currency_code, ''), count(*),"
                        " sum(coalesce(l.total_units, 0) + coalesce(l.total_nanos, 0) / 1000000000.0)::float8"
                        " FROM logs l WHERE ") + kFilter + " GROUP BY 1 ORDER BY 1",
            p.from, p.to, p.user, p.email, p.orderId, p.currency, p.minTotal, p.contents);
        for (const auto &row : revenue) {
            s.revenue.append({str(row[0]), row[1].as<qint64>(), row[2].as<double>()});
            s.orders += row[1].as<qint64>();
        }
        return s;
    });
}

QString OrdersDatabase::csvHeader()
{
    return u"id,placed_at,order_id,user_id,email,currency,total,items,city,country,contents\n"_s;
}

QString OrdersDatabase::csvLine(const OrderRow &row)
{
    auto field = [](const QString &v) {
        QString s = v;
        // A leading =, +, -, @ would run as a formula in a spreadsheet: keep it text.
        if (!s.isEmpty() && QStringView(u"=+-@").contains(s.front()))
            s.prepend(u'\'');
        if (s.contains(u',') || s.contains(u'"') || s.contains(u'\n') || s.contains(u'\r')) {
            s.replace(u"\""_s, u"\"\""_s);
            return u"\""_s + s + u"\""_s;
        }
        return s;
    };
    const QDateTime t = QDateTime::fromSecsSinceEpoch(row.placedAtMicros / 1000000, Qt::UTC);
    const QString placed = t.toString(u"yyyy-MM-ddTHH:mm:ss"_s)
        + u".%1Z"_s.arg(row.placedAtMicros % 1000000, 6, 10, QChar(u'0'));
    return u"%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11\n"_s.arg(QString::number(row.id), placed, field(row.orderId),
        field(row.userId), field(row.email), field(row.currency), row.totalText(), QString::number(row.itemCount),
        field(row.city))
        .arg(field(row.country), field(row.contents));
}

Result<qint64> OrdersDatabase::exportCsv(const OrderFilter &filter, OrderSort sort, QIODevice *out,
    const std::function<bool(qint64)> &progress, int pageSize)
{
    if (!out || !out->isWritable())
        return Error {Error::Kind::Invalid, u"The export file is not open for writing."_s};
    if (out->write(csvHeader().toUtf8()) < 0)
        return Error {Error::Kind::Failed, u"Could not write the export file."_s, out->errorString()};
    OrderPageRequest request;
    request.filter = filter;
    request.sort = sort;
    request.limit = pageSize;
    qint64 written = 0;
    for (;;) {
        const Result<OrderPageData> page = this->page(request);
        if (!page)
            return page.error();
        QByteArray chunk;
        for (const OrderRow &row : page.value().rows)
            chunk += csvLine(row).toUtf8();
        if (out->write(chunk) != chunk.size())
            return Error {Error::Kind::Failed, u"Could not write the export file."_s, out->errorString()};
        written += page.value().rows.size();
        if (progress && !progress(written))
            return Error {Error::Kind::Cancelled, u"Export cancelled after %1 rows."_s.arg(written)};
        if (!page.value().more || page.value().rows.isEmpty())
            break;
        request.after = page.value().rows.last().cursor();
    }
    return written;
}

} // namespace bc
