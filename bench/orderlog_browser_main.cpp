// Measures the Order log browser (backend/orders: OrdersRepository + OrdersModel, the app's own path)
// against a large order log: first page, jump to oldest, and memory while scrolling the whole range.
// Run by bench/orderlog-browser, which prepares the database.
//   bench_orders_browser CONNINFO [PAGE_SIZE]

#include "backend/orders/orders_model.h"
#include "backend/orders/orders_repository.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTimer>

#include <cstdio>

namespace {

qint64 rssKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return 0;
}

// Runs the event loop until the model's reload/jump lands; returns wall milliseconds, -1 on failure.
double waitReloaded(bc::OrdersModel &model, const std::function<void()> &start)
{
    QEventLoop loop;
    bool failed = false;
    auto c1 = QObject::connect(&model, &bc::OrdersModel::reloaded, &loop, &QEventLoop::quit);
    auto c2 = QObject::connect(&model, &bc::OrdersModel::failed, &loop, [&](const bc::Error &e) {
        std::fprintf(stderr, "error: %s %s\n", qPrintable(e.message), qPrintable(e.detail));
        failed = true;
        loop.quit();
    });
    QElapsedTimer t;
    t.start();
    start();
    loop.exec();
    const double ms = double(t.nsecsElapsed()) / 1e6;
    QObject::disconnect(c1);
    QObject::disconnect(c2);
    return failed ? -1 : ms;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_orders_browser CONNINFO [PAGE_SIZE]\n");
        return 2;
    }
    const int pageSize = argc > 2 ? std::atoi(argv[2]) : 200;
    bc::OrdersRepository repository;
    repository.setConnection(QString::fromLocal8Bit(argv[1]));
    bc::OrdersModel model(&repository);
    model.setPageSize(pageSize);
    model.setWindowLimit(20000);

    // Warm the connection once (connect time is not a page time), then measure repeated runs.
    if (waitReloaded(model, [&] { model.reload(); }) < 0)
        return 1;
    const qint64 rssStart = rssKb();
    double firstBest = 1e9, firstWorst = 0, oldestBest = 1e9, oldestWorst = 0, filteredWorst = 0;
    for (int i = 0; i < 5; ++i) {
        const double a = waitReloaded(model, [&] { model.reload(); });
        const double b = waitReloaded(model, [&] { model.jumpToOldest(); });
        if (a < 0 || b < 0)
            return 1;
        firstBest = std::min(firstBest, a);
        firstWorst = std::max(firstWorst, a);
        oldestBest = std::min(oldestBest, b);
        oldestWorst = std::max(oldestWorst, b);
    }
    bc::OrderFilter eur;
    eur.currency = QStringLiteral("EUR");
    eur.minTotal = 250;
    for (int i = 0; i < 3; ++i)
        filteredWorst = std::max(filteredWorst, waitReloaded(model, [&] { model.setFilter(eur); }));
    std::printf("first page (%d rows, newest first): best %.1f ms, worst %.1f ms (wall, model reload to rows)\n",
        pageSize, firstBest, firstWorst);
    std::printf("jump to oldest: best %.1f ms, worst %.1f ms\n", oldestBest, oldestWorst);
    std::printf("first page with currency=EUR, total>=250: worst %.1f ms\n", filteredWorst);

    // Scroll the whole range: the view's fetchMore until the end, watching resident memory.
    if (waitReloaded(model, [&] { model.setFilter({}); }) < 0)
        return 1;
    qint64 rows = model.rowCount();
    qint64 rssMax = rssKb();
    QElapsedTimer scroll;
    scroll.start();
    QEventLoop loop;
    QObject::connect(&model, &bc::OrdersModel::pageLoaded, &loop, [&](int n, qint64) {
        rows += n;
        if ((rows / pageSize) % 50 == 0)
            rssMax = std::max(rssMax, rssKb());
        if (model.canFetchMore({}))
            model.fetchMore({});
        else
            loop.quit();
    });
    QObject::connect(&model, &bc::OrdersModel::failed, &loop, [&](const bc::Error &e) {
        std::fprintf(stderr, "error: %s\n", qPrintable(e.message));
        loop.quit();
    });
    model.fetchMore({});
    loop.exec();
    rssMax = std::max(rssMax, rssKb());
    std::printf("scrolled %lld rows in %.1f s (%.2f ms per %d-row page); window %d rows\n", rows,
        scroll.elapsed() / 1000.0, double(scroll.elapsed()) / double(qMax<qint64>(1, rows / pageSize)), pageSize,
        int(model.rowCount()));
    std::printf("memory: RSS %.1f MB at start, max %.1f MB while scrolling, growth %.1f MB\n", rssStart / 1024.0,
        rssMax / 1024.0, (rssMax - rssStart) / 1024.0);
    return 0;
}
