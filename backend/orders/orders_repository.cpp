#include "backend/orders/orders_repository.h"

#include "backend/orders/orders_database.h"
#include "backend/process/redaction.h"

#include <QFile>
#include <QPointer>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace bc {

// Owns the connection; every method runs on the worker thread.
class OrdersWorker : public QObject
{
public:
    std::unique_ptr<OrdersDatabase> db;
};

namespace {
void registerTypes()
{
    static const bool once = [] {
        qRegisterMetaType<bc::OrderPageData>();
        qRegisterMetaType<bc::OrderDetails>();
        qRegisterMetaType<bc::OrderSummary>();
        qRegisterMetaType<bc::Error>();
        return true;
    }();
    Q_UNUSED(once);
}
} // namespace

OrdersRepository::OrdersRepository(QObject *parent)
    : QObject(parent)
{
    registerTypes();
    m_thread.setObjectName(u"orders-db"_s);
    m_worker = new OrdersWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

OrdersRepository::~OrdersRepository()
{
    cancelExport();
    if (m_exportThread) {
        m_exportThread->wait();
        delete m_exportThread;
    }
    m_thread.quit();
    m_thread.wait();
}

void OrdersRepository::setConnection(const QString &conninfo, const QString &password)
{
    m_conninfo = conninfo;
    m_password = password;
    QMetaObject::invokeMethod(m_worker, [w = m_worker, conninfo, password] {
        w->db = std::make_unique<OrdersDatabase>(conninfo, password);
    }, Qt::QueuedConnection);
}

QString OrdersRepository::redactedConninfo() const
{
    return redactPatterns(m_conninfo);
}

namespace {
Error noConnection()
{
    return Error {Error::Kind::Invalid, u"No order database is set: enter a connection string first."_s};
}
} // namespace

quint64 OrdersRepository::requestPage(const OrderPageRequest &request)
{
    const quint64 id = nextId();
    QPointer<OrdersRepository> self(this);
    QMetaObject::invokeMethod(m_worker, [w = m_worker, self, id, request] {
        const Result<OrderPageData> r = w->db ? w->db->page(request) : Result<OrderPageData>(noConnection());
        QMetaObject::invokeMethod(self, [self, id, r] {
            if (!self)
                return;
            if (r)
                Q_EMIT self->pageReady(id, r.value());
            else
                Q_EMIT self->requestFailed(id, r.error());
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
    return id;
}

quint64 OrdersRepository::requestDetails(qint64 rowId)
{
    const quint64 id = nextId();
    QPointer<OrdersRepository> self(this);
    QMetaObject::invokeMethod(m_worker, [w = m_worker, self, id, rowId] {
        const Result<OrderDetails> r = w->db ? w->db->details(rowId) : Result<OrderDetails>(noConnection());
        QMetaObject::invokeMethod(self, [self, id, r] {
            if (!self)
                return;
            if (r)
                Q_EMIT self->detailsReady(id, r.value());
            else
                Q_EMIT self->requestFailed(id, r.error());
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
    return id;
}

quint64 OrdersRepository::requestSummary(const OrderFilter &filter)
{
    const quint64 id = nextId();
    QPointer<OrdersRepository> self(this);
    QMetaObject::invokeMethod(m_worker, [w = m_worker, self, id, filter] {
        const Result<OrderSummary> r = w->db ? w->db->summary(filter) : Result<OrderSummary>(noConnection());
        QMetaObject::invokeMethod(self, [self, id, r] {
            if (!self)
                return;
            if (r)
                Q_EMIT self->summaryReady(id, r.value());
            else
                Q_EMIT self->requestFailed(id, r.error());
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
    return id;
}

bool OrdersRepository::startExport(const OrderFilter &filter, OrderSort sort, const QString &path)
{
    if (m_exportThread || m_conninfo.isEmpty())
        return false;
    m_exportCancel = std::make_shared<std::atomic<bool>>(false);
    QPointer<OrdersRepository> self(this);
    const QString conninfo = m_conninfo;
    const QString password = m_password;
    auto cancel = m_exportCancel;
    m_exportThread = QThread::create([self, conninfo, password, filter, sort, path, cancel] {
        auto report = [self](qint64 rows, bool ok, Error error) {
            QMetaObject::invokeMethod(self, [self, rows, ok, error] {
                if (!self)
                    return;
                if (self->m_exportThread) {
                    self->m_exportThread->wait();
                    delete self->m_exportThread;
                    self->m_exportThread = nullptr;
                }
                Q_EMIT self->exportFinished(rows, ok, error);
            }, Qt::QueuedConnection);
        };
        QSaveFile file(path); // the file appears only when complete
        if (!file.open(QIODevice::WriteOnly)) {
            report(0, false, Error {Error::Kind::Invalid, u"Cannot write %1."_s.arg(path), file.errorString()});
            return;
        }
        OrdersDatabase db(conninfo, password);
        const Result<qint64> r = db.exportCsv(filter, sort, &file, [self, cancel](qint64 rows) {
            QMetaObject::invokeMethod(self, [self, rows] {
                if (self)
                    Q_EMIT self->exportProgress(rows);
            }, Qt::QueuedConnection);
            return !cancel->load();
        });
        if (!r) {
            file.cancelWriting();
            report(0, false, r.error());
            return;
        }
        if (!file.commit()) {
            report(0, false, Error {Error::Kind::Failed, u"Cannot write %1."_s.arg(path), file.errorString()});
            return;
        }
        report(r.value(), true, {});
    });
    m_exportThread->setObjectName(u"orders-export"_s);
    m_exportThread->start();
    return true;
}

void OrdersRepository::cancelExport()
{
    if (m_exportCancel)
        m_exportCancel->store(true);
}

} // namespace bc
