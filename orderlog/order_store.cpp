#include "orderlog/order_store.h"

#include <pqxx/pqxx>

#include <charconv>
#include <cstdio>
#include <regex>
#include <unordered_set>
#include <utility>

namespace bc::orderlog {

namespace {

constexpr long kMigrationLockKey = 4242001; // pg_advisory_xact_lock key: one migrator at a time

struct Migration
{
    int version;
    const char *description;
    const char *sql;
};

// Versioned, append-only. Version 1 is exactly the lab's table, so a lab database upgrades in place.
const Migration kMigrations[] = {
    {1, "lab schema: logs(id, contents)",
        "CREATE TABLE IF NOT EXISTS logs (id serial PRIMARY KEY, contents varchar(1000))"},
    {2, "structured orders, idempotency on order_id, keyset index",
        "ALTER TABLE logs ALTER COLUMN id TYPE bigint;"
        "ALTER SEQUENCE IF EXISTS logs_id_seq AS bigint;"
        "ALTER TABLE logs"
        " ADD COLUMN IF NOT EXISTS order_id text,"
        " ADD COLUMN IF NOT EXISTS user_id text,"
        " ADD COLUMN IF NOT EXISTS email text,"
        " ADD COLUMN IF NOT EXISTS currency_code text,"
        " ADD COLUMN IF NOT EXISTS total_units bigint,"
        " ADD COLUMN IF NOT EXISTS total_nanos integer,"
        " ADD COLUMN IF NOT EXISTS items jsonb NOT NULL DEFAULT '[]',"
        " ADD COLUMN IF NOT EXISTS shipping_tracking_id text,"
        " ADD COLUMN IF NOT EXISTS shipping_city text,"
        " ADD COLUMN IF NOT EXISTS shipping_country text,"
        " ADD COLUMN IF NOT EXISTS placed_at timestamptz NOT NULL DEFAULT now(),"
        " ADD COLUMN IF NOT EXISTS logged_at timestamptz NOT NULL DEFAULT now();"
        "CREATE UNIQUE INDEX IF NOT EXISTS logs_order_id_key ON logs (order_id);"
        "CREATE INDEX IF NOT EXISTS logs_placed_at_id_idx ON logs (placed_at DESC, id DESC)"},
};
static_assert(std::size(kMigrations) == OrderStore::kSchemaVersion);

// One statement for a whole batch: every column travels as one array parameter.
constexpr const char *kInsertBatch
    = "INSERT INTO logs (contents, order_id, user_id, email, currency_code, total_units, total_nanos,"
      " items, shipping_tracking_id, shipping_city, shipping_country, placed_at)"
      " SELECT c, o, u, e, cur, tu, tn, it, st, sc, sco,"
      "  coalesce(timestamptz 'epoch' + pa * interval '1 microsecond', now())"
      " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[],"
      "  $7::int4[], $8::jsonb[], $9::text[], $10::text[], $11::text[], $12::int8[])"
      "  AS t(c, o, u, e, cur, tu, tn, it, st, sc, sco, pa)"
      " ON CONFLICT (order_id) DO NOTHING"
      " RETURNING order_id";

constexpr const char *kList
    = "SELECT l.id, coalesce(l.contents, ''), coalesce(l.order_id, ''), coalesce(l.user_id, ''),"
      " coalesce(l.email, ''), coalesce(l.currency_code, ''), coalesce(l.total_units, 0),"
      " coalesce(l.total_nanos, 0), coalesce(l.shipping_tracking_id, ''),"
      " coalesce(l.shipping_city, ''), coalesce(l.shipping_country, ''),"
      " (extract(epoch FROM l.placed_at) * 1000000)::int8,"
      " (extract(epoch FROM l.logged_at) * 1000000)::int8,"
      " coalesce(it.pids, '{}'), coalesce(it.qtys, '{}')"
      " FROM logs l LEFT JOIN LATERAL ("
      "  SELECT array_agg(x.e->>'product_id' ORDER BY x.n) AS pids,"
      "         array_agg((x.e->>'quantity')::int ORDER BY x.n) AS qtys"
      "  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(l.items) = 'array' THEN l.items"
      "                            ELSE '[]'::jsonb END) WITH ORDINALITY AS x(e, n)) it ON true"
      " WHERE ($1 = '' OR l.placed_at >= timestamptz 'epoch' + $1::int8 * interval '1 microsecond')"
      "  AND ($2 = '' OR l.placed_at < timestamptz 'epoch' + $2::int8 * interval '1 microsecond')"
      "  AND ($3 = '' OR (l.placed_at, l.id) <"
      "       (timestamptz 'epoch' + $3::int8 * interval '1 microsecond', $4::int8))"
      " ORDER BY l.placed_at DESC, l.id DESC LIMIT $5";

// PostgreSQL array literal element: NULL or a double-quoted, backslash-escaped string.
void appendArrayElement(std::string &out, const std::string *value)
{
    if (out.size() > 1)
        out += ',';
    if (!value) {
        out += "NULL";
        return;
    }
    out += '"';
    for (const char ch : *value) {
        if (ch == '"' || ch == '\\')
            out += '\\';
        out += ch;
    }
    out += '"';
}

class ArrayBuilder
{
public:
    void add(const std::string &value) { appendArrayElement(m_text, &value); }
    void addNullable(const std::string &value)
    {
        appendArrayElement(m_text, value.empty() ? nullptr : &value);
    }
    void addNull() { appendArrayElement(m_text, nullptr); }
    std::string finish() { return m_text + '}'; }

private:
    std::string m_text = "{";
};

void appendJsonString(std::string &out, const std::string &value)
{
    out += '"';
    for (const unsigned char ch : value) {
        switch (ch) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (ch < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", ch);
                out += buf;
            } else {
                out += static_cast<char>(ch);
            }
        }
    }
    out += '"';
}

std::string itemsJson(const std::vector<OrderItemRecord> &items)
{
    std::string json = "[";
    for (const auto &item : items) {
        if (json.size() > 1)
            json += ',';
        json += "{\"product_id\":";
        appendJsonString(json, item.productId);
        json += ",\"quantity\":" + std::to_string(item.quantity) + '}';
    }
    return json + ']';
}

std::vector<std::string> parseTextArray(const pqxx::field &field)
{
    std::vector<std::string> values;
    pqxx::array_parser parser = field.as_array();
    for (auto step = parser.get_next(); step.first != pqxx::array_parser::done; step = parser.get_next()) {
        if (step.first == pqxx::array_parser::string_value)
            values.push_back(std::move(step.second));
        else if (step.first == pqxx::array_parser::null_value)
            values.emplace_back();
    }
    return values;
}

// libpq messages span lines ("...failed: Connection refused\n\tIs the server running..."):
// one log line each.
std::string oneLine(std::string text)
{
    std::string out;
    out.reserve(text.size());
    bool gap = false;
    for (const char ch : text) {
        if (ch == '\n' || ch == '\r' || ch == '\t') {
            gap = true;
            continue;
        }
        if (gap && !out.empty())
            out += ' ';
        gap = false;
        out += ch;
    }
    return out;
}

StoreError classify(const pqxx::sql_error &e)
{
    const std::string state = e.sqlstate();
    const std::string cls = state.substr(0, 2);
    StoreError error;
    if (cls == "08" || cls == "57" || cls == "53" || cls == "40" || cls == "55")
        error.kind = StoreError::Kind::Unavailable;
    else if (cls == "22" || cls == "23")
        error.kind = StoreError::Kind::Invalid;
    else
        error.kind = StoreError::Kind::Failed;
    error.message = oneLine("PostgreSQL error " + state + ": " + e.what());
    return error;
}

} // namespace

struct OrderStore::Impl
{
    std::string conninfo;
    std::unique_ptr<pqxx::connection> conn;

    // Every database call goes through here: exceptions become StoreErrors, and a connection
    // that may be broken is dropped so the next call reconnects.
    template <typename T, typename F> StoreResult<T> guarded(F &&body)
    {
        if (!conn)
            return StoreError {StoreError::Kind::Unavailable, "not connected to PostgreSQL"};
        try {
            return StoreResult<T>(body(*conn));
        } catch (const pqxx::broken_connection &e) {
            conn.reset();
            return StoreError {StoreError::Kind::Unavailable,
                oneLine(std::string("connection to PostgreSQL lost: ") + e.what())};
        } catch (const pqxx::in_doubt_error &e) {
            conn.reset();
            return StoreError {
                StoreError::Kind::Unavailable, oneLine(std::string("commit outcome unknown: ") + e.what())};
        } catch (const pqxx::sql_error &e) {
            StoreError error = classify(e);
            if (error.kind == StoreError::Kind::Unavailable || !conn->is_open())
                conn.reset();
            return error;
        } catch (const std::exception &e) {
            const bool open = conn->is_open();
            if (!open)
                conn.reset();
            return StoreError {
                open ? StoreError::Kind::Failed : StoreError::Kind::Unavailable, oneLine(e.what())};
        }
    }
};

OrderStore::OrderStore(std::string conninfo)
    : m_d(std::make_unique<Impl>())
{
    m_d->conninfo = std::move(conninfo);
}

OrderStore::~OrderStore() = default;

bool OrderStore::isOpen() const
{
    return m_d->conn != nullptr;
}

void OrderStore::close()
{
    m_d->conn.reset();
}

StoreStatus OrderStore::open()
{
    m_d->conn.reset();
    try {
        m_d->conn = std::make_unique<pqxx::connection>(m_d->conninfo);
    } catch (const std::exception &e) {
        return StoreError {
            StoreError::Kind::Unavailable, oneLine(std::string("cannot connect to PostgreSQL: ") + e.what())};
    }
    StoreStatus migrated = m_d->guarded<std::monostate>([](pqxx::connection &c) {
        pqxx::work tx {c};
        tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLockKey);
        tx.exec("CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY,"
                " description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
        const int current = tx.exec1("SELECT coalesce(max(version), 0) FROM schema_version")[0].as<int>();
        if (current > kSchemaVersion)
            throw std::runtime_error("database schema version " + std::to_string(current)
                + " is newer than this server understands (" + std::to_string(kSchemaVersion) + ")");
        for (const Migration &m : kMigrations) {
            if (m.version <= current)
                continue;
            tx.exec(m.sql);
            tx.exec_params("INSERT INTO schema_version (version, description) VALUES ($1, $2)", m.version,
                m.description);
        }
        tx.commit();
        c.prepare("insert_batch", kInsertBatch);
        c.prepare("list", kList);
        return std::monostate {};
    });
    if (!migrated)
        m_d->conn.reset();
    return migrated;
}

StoreResult<int> OrderStore::schemaVersion()
{
    return m_d->guarded<int>([](pqxx::connection &c) {
        pqxx::read_transaction tx {c};
        return tx.exec1("SELECT coalesce(max(version), 0) FROM schema_version")[0].as<int>();
    });
}

StoreResult<std::vector<WriteOutcome>> OrderStore::insertBatch(const std::vector<OrderRecord> &rows)
{
    if (rows.empty())
        return std::vector<WriteOutcome> {};
    ArrayBuilder content, orderId, userId, email, currency, units, nanos, items, tracking, city, country,
        placed;
    for (const OrderRecord &r : rows) {
        content.addNullable(r.content);
        orderId.addNullable(r.orderId);
        userId.addNullable(r.userId);
        email.addNullable(r.email);
        currency.addNullable(r.currencyCode);
        const bool hasTotal = !r.currencyCode.empty() || r.totalUnits != 0 || r.totalNanos != 0;
        if (hasTotal) {
            units.add(std::to_string(r.totalUnits));
            nanos.add(std::to_string(r.totalNanos));
        } else {
            units.addNull();
            nanos.addNull();
        }
        items.add(itemsJson(r.items));
        tracking.addNullable(r.shippingTrackingId);
        city.addNullable(r.shippingCity);
        country.addNullable(r.shippingCountry);
        if (r.placedAtMicros)
            placed.add(std::to_string(*r.placedAtMicros));
        else
            placed.addNull();
    }
    return m_d->guarded<std::vector<WriteOutcome>>([&](pqxx::connection &c) {
        // The batch is ONE statement in autocommit mode, so it is its own transaction: PostgreSQL
        // commits it (and, with synchronous_commit on, flushes the WAL) before it answers, and
        // it takes one round trip instead of BEGIN / INSERT / COMMIT. All rows or none.
        pqxx::nontransaction tx {c};
        const pqxx::result inserted = tx.exec_prepared("insert_batch", content.finish(), orderId.finish(),
            userId.finish(), email.finish(), currency.finish(), units.finish(), nanos.finish(),
            items.finish(), tracking.finish(), city.finish(), country.finish(), placed.finish());
        std::unordered_set<std::string> fresh;
        for (const auto &row : inserted) {
            if (!row[0].is_null())
                fresh.insert(row[0].c_str());
        }
        std::vector<WriteOutcome> outcome;
        outcome.reserve(rows.size());
        for (const OrderRecord &r : rows) {
            // The first occurrence of a new id in the batch is the one that was inserted.
            const bool isNew = r.orderId.empty() || fresh.erase(r.orderId) > 0;
            outcome.push_back(isNew ? WriteOutcome::Inserted : WriteOutcome::Duplicate);
        }
        return outcome;
    });
}

StoreResult<OrderPage> OrderStore::list(const ListQuery &query)
{
    const int limit = std::clamp(query.limit, 1, kMaxPageSize);
    const auto text
        = [](const std::optional<std::int64_t> &v) { return v ? std::to_string(*v) : std::string(); };
    return m_d->guarded<OrderPage>([&](pqxx::connection &c) {
        pqxx::nontransaction tx {c}; // one statement: one consistent snapshot, one round trip
        const pqxx::result r = tx.exec_prepared("list", text(query.sinceMicros), text(query.untilMicros),
            query.after ? std::to_string(query.after->placedAtMicros) : std::string(),
            query.after ? query.after->id : std::int64_t(0), limit + 1);
        OrderPage page;
        for (const auto &row : r) {
            if (std::ssize(page.rows) == limit) {
                const OrderRecord &last = page.rows.back();
                page.next = PageKey {*last.placedAtMicros, last.id};
                break;
            }
            OrderRecord o;
            o.id = row[0].as<std::int64_t>();
            o.content = row[1].c_str();
            o.orderId = row[2].c_str();
            o.userId = row[3].c_str();
            o.email = row[4].c_str();
            o.currencyCode = row[5].c_str();
            o.totalUnits = row[6].as<std::int64_t>();
            o.totalNanos = row[7].as<std::int32_t>();
            o.shippingTrackingId = row[8].c_str();
            o.shippingCity = row[9].c_str();
            o.shippingCountry = row[10].c_str();
            o.placedAtMicros = row[11].as<std::int64_t>();
            o.loggedAtMicros = row[12].as<std::int64_t>();
            const auto ids = parseTextArray(row[13]);
            const auto qtys = parseTextArray(row[14]);
            for (std::size_t i = 0; i < ids.size(); ++i) {
                std::int32_t q = 0;
                if (i < qtys.size())
                    std::from_chars(qtys[i].data(), qtys[i].data() + qtys[i].size(), q);
                o.items.push_back({ids[i], q});
            }
            page.rows.push_back(std::move(o));
        }
        return page;
    });
}

std::string encodePageKey(const PageKey &key)
{
    return std::to_string(key.placedAtMicros) + '.' + std::to_string(key.id);
}

std::optional<PageKey> decodePageKey(const std::string &token)
{
    const auto dot = token.find('.');
    if (dot == std::string::npos)
        return std::nullopt;
    PageKey key;
    const char *begin = token.data();
    const char *end = begin + token.size();
    auto r1 = std::from_chars(begin, begin + dot, key.placedAtMicros);
    if (r1.ec != std::errc() || r1.ptr != begin + dot)
        return std::nullopt;
    auto r2 = std::from_chars(begin + dot + 1, end, key.id);
    if (r2.ec != std::errc() || r2.ptr != end || dot == 0)
        return std::nullopt;
    return key;
}

std::string redactConninfo(const std::string &conninfo)
{
    // key=value pairs (value optionally single-quoted) and postgresql:// URIs with user:pass@.
    static const std::regex kv(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+))", std::regex::icase);
    static const std::regex uri(R"((postgres(?:ql)?://[^:/@\s]*:)[^@\s]*@)", std::regex::icase);
    std::string out = std::regex_replace(conninfo, kv, "$1***");
    out = std::regex_replace(out, uri, "$1***@");
    return out;
}

} // namespace bc::orderlog
