#include "app/cli/commands.h"

#include "backend/core/result.h"
#include "backend/orders/orders_database.h"
#include "backend/process/redaction.h"

#include <QCommandLineParser>
#include <QFile>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace bc::cli {

namespace {

// --filter key=value (repeatable): user, email, order, currency, min-total, from, to, contents.
bool parseFilters(const QStringList &items, OrderFilter &f, QString &error)
{
    for (const QString &item : items) {
        const qsizetype eq = item.indexOf(u'=');
        const QString key = item.left(eq).trimmed();
        const QString value = eq < 0 ? QString() : item.mid(eq + 1).trimmed();
        if (eq < 0 || value.isEmpty()) {
            error = u"--filter takes KEY=VALUE, got \"%1\""_s.arg(item);
            return false;
        }
        if (key == u"user") {
            f.userId = value;
        } else if (key == u"email") {
            f.email = value;
        } else if (key == u"order" || key == u"order-id") {
            f.orderId = value;
        } else if (key == u"contents") {
            f.contents = value;
        } else if (key == u"currency") {
            f.currency = value;
        } else if (key == u"min-total") {
            bool ok = false;
            const double v = value.toDouble(&ok);
            if (!ok || v < 0) {
                error = u"min-total must be a number >= 0, got \"%1\""_s.arg(value);
                return false;
            }
            f.minTotal = v;
        } else if (key == u"from" || key == u"to") {
            QDateTime t = QDateTime::fromString(value, Qt::ISODate);
            if (!t.isValid()) {
                error = u"%1 must be an ISO time such as 2024-03-01T12:00:00Z, got \"%2\""_s.arg(key, value);
                return false;
            }
            (key == u"from" ? f.from : f.to) = t;
        } else {
            error = u"unknown filter \"%1\" (user, email, order, currency, min-total, from, to, contents)"_s.arg(key);
            return false;
        }
    }
    return true;
}

void ordersCommand(CliCall &call)
{
    QCommandLineParser parser;
    const QCommandLineOption db(u"db"_s,
        u"libpq connection string or URI of the order log database. Give the password in PGPASSWORD, "
        "~/.pgpass or --password-file, not here: command lines are visible to other users."_s,
        u"CONNSTR"_s);
    const QCommandLineOption passwordFile(u"password-file"_s,
        u"A file whose first line is the database password (such as the sandbox's orderlog-db.password)."_s,
        u"FILE"_s);
    const QCommandLineOption limit(u"limit"_s, u"list: how many orders (default 20, at most 100000)."_s, u"N"_s, u"20"_s);
    const QCommandLineOption oldest(u"oldest"_s, u"list: oldest first instead of newest first."_s);
    const QCommandLineOption sortById(u"by-order-id"_s, u"Sort by order id instead of time."_s);
    const QCommandLineOption filter(u"filter"_s,
        u"Filter, repeatable: user=ID, email=TEXT (substring), order=PREFIX, currency=EUR, min-total=12.5, "
        "from=ISO-TIME, to=ISO-TIME, contents=TEXT (substring of the lab's free text)."_s,
        u"KEY=VALUE"_s);
    const QCommandLineOption out(u"out"_s, u"export: the CSV file to write."_s, u"FILE"_s);
    for (const auto &o : {db, passwordFile, limit, oldest, sortById, filter, out})
        parser.addOption(o);
    if (!call.parse(parser,
            u"Browse the Orderlog's orders in PostgreSQL.\n\n"
            "  list     print orders, newest first (or --oldest)\n"
            "  export   write every order matching the filters to a CSV file (--out)"_s,
            u"list|export"_s))
        return;
    const QString action = parser.positionalArguments().value(0);
    if (action != u"list" && action != u"export") {
        call.fail(u"expected list or export (see: boutique-control orders --help)"_s, 2);
        return;
    }
    const QString conninfo = parser.value(db);
    if (conninfo.trimmed().isEmpty()) {
        call.fail(u"--db CONNSTR is required (for example: host=127.0.0.1 port=5432 dbname=orders user=app)"_s, 2);
        return;
    }
    if (redactPatterns(conninfo) != conninfo)
        call.err() << u"warning: the connection string holds a password; prefer PGPASSWORD or ~/.pgpass"_s << Qt::endl;
    OrderFilter f;
    QString error;
    if (!parseFilters(parser.values(filter), f, error)) {
        call.fail(error, 2);
        return;
    }
    OrderSort sort = parser.isSet(oldest) ? OrderSort::OldestFirst : OrderSort::NewestFirst;
    if (parser.isSet(sortById))
        sort = parser.isSet(oldest) ? OrderSort::OrderIdDescending : OrderSort::OrderIdAscending;
    QString password;
    if (parser.isSet(passwordFile)) {
        QFile file(parser.value(passwordFile));
        if (!file.open(QIODevice::ReadOnly)) {
            call.fail(u"cannot read the password file %1: %2"_s.arg(file.fileName(), file.errorString()), 2);
            return;
        }
        password = QString::fromUtf8(file.readLine()).trimmed();
        if (password.isEmpty()) {
            call.fail(u"the password file %1 is empty"_s.arg(file.fileName()), 2);
            return;
        }
    }
    OrdersDatabase database(conninfo, password);

    if (action == u"export") {
        const QString path = parser.value(out);
        if (path.isEmpty()) {
            call.fail(u"export needs --out FILE.csv"_s, 2);
            return;
        }
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly)) {
            call.fail(u"cannot write %1: %2"_s.arg(path, file.errorString()));
            return;
        }
        qint64 reported = 0;
        const Result<qint64> written = database.exportCsv(f, sort, &file, [&](qint64 rows) {
            if (rows - reported >= 100000) {
                call.err() << u"exported %1 rows"_s.arg(rows) << Qt::endl;
                reported = rows;
            }
            return true;
        });
        if (!written) {
            file.cancelWriting();
            call.fail(written.error());
            return;
        }
        if (!file.commit()) {
            call.fail(u"cannot write %1: %2"_s.arg(path, file.errorString()));
            return;
        }
        call.out() << u"exported %1 orders to %2"_s.arg(written.value()).arg(path) << Qt::endl;
        call.finish(0);
        return;
    }

    bool okLimit = false;
    const int wanted = parser.value(limit).toInt(&okLimit);
    if (!okLimit || wanted < 1 || wanted > 100000) {
        call.fail(u"--limit must be a whole number from 1 to 100000"_s, 2);
        return;
    }
    OrderPageRequest request;
    request.filter = f;
    request.sort = sort;
    call.out() << u"%1 %2 %3 %4 %5 %6 %7\n"_s.arg(u"PLACED (UTC)"_s, -20)
                      .arg(u"ORDER"_s, -38)
                      .arg(u"USER"_s, -20)
                      .arg(u"EMAIL"_s, -28)
                      .arg(u"TOTAL"_s, 14)
                      .arg(u"ITEMS"_s, -5)
                      .arg(u"CONTENTS"_s);
    int printed = 0;
    while (printed < wanted) {
        request.limit = qMin(1000, wanted - printed);
        const Result<OrderPageData> page = database.page(request);
        if (!page) {
            call.fail(page.error());
            return;
        }
        for (const OrderRow &r : page.value().rows) {
            call.out() << u"%1 %2 %3 %4 %5 %6 %7\n"_s.arg(r.placedAt().toString(u"yyyy-MM-dd HH:mm:ss"_s), -20)
                              .arg(r.orderId.isEmpty() ? u"-"_s : r.orderId, -38)
                              .arg(r.userId, -20)
                              .arg(r.email, -28)
                              .arg(r.totalText() + u' ' + r.currency, 14)
                              .arg(r.itemCount, -5)
                              .arg(r.contents.simplified());
        }
        printed += int(page.value().rows.size());
        if (!page.value().more || page.value().rows.isEmpty())
            break;
        request.after = page.value().rows.last().cursor();
    }
    call.out().flush();
    call.finish(0);
}

} // namespace

QList<CommandSpec> ordersCommands()
{
    return {{u"orders"_s, u"List or export the order log (PostgreSQL)."_s, ordersCommand}};
}

} // namespace bc::cli
