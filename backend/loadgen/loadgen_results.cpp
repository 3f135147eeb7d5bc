#include "backend/loadgen/loadgen_results.h"

#include "backend/process/command_runner.h"
#include "backend/process/run_context.h"

#include <QDir>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace bc {

LoadgenResults::LoadgenResults(RunContext *context, QObject *parent)
    : QObject(parent)
    , m_context(context)
    , m_nam(new QNetworkAccessManager(this))
    , m_runner(new CommandRunner(context, this))
{
    connect(m_runner, &CommandRunner::finished, this, [this](const CommandResult &r) {
        if (!r.succeeded() && m_status)
            m_status = Error {Error::Kind::Failed,
                u"Copying the master's CSV files failed: %1"_s.arg(r.toError().message), r.stderrTail};
        if (r.succeeded() && !r.dryRun)
            for (const QString &name : QDir(m_targetDir).entryList({u"run_*.csv"_s}, QDir::Files))
                m_copied << name;
        end();
    });
}

void LoadgenResults::collect(const LoadgenCommandBuilder &builder, const LoadgenHosts &hosts,
    const QUrl &masterUrl, const QString &runDir)
{
    m_targetDir = runDir + u"/locust"_s;
    m_copied.clear();
    m_status = ok();
    m_scp = builder.copyResults(hosts, m_targetDir);
    if ((m_context && m_context->dryRun()) || !masterUrl.isValid()) {
        copyCsv();
        return;
    }
    QDir().mkpath(m_targetDir);
    QNetworkRequest request(masterUrl.resolved(QUrl(u"/stats/report?download=1"_s)));
    request.setTransferTimeout(30000);
    QNetworkReply *reply = m_nam->get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const QByteArray body = reply->readAll();
        if (reply->error() != QNetworkReply::NoError || body.isEmpty()) {
            m_status = Error {Error::Kind::Unavailable,
                u"The master's HTML report could not be fetched over the tunnel: %1"_s.arg(
                    reply->errorString())};
        } else {
            QSaveFile file(m_targetDir + u'/' + QLatin1String(kReportName));
            if (file.open(QIODevice::WriteOnly) && file.write(body) == body.size() && file.commit())
                m_copied << QLatin1String(kReportName);
            else
                m_status = Error {Error::Kind::Failed, u"Cannot write %1."_s.arg(file.fileName())};
        }
        copyCsv();
    });
}

void LoadgenResults::copyCsv()
{
    m_runner->start(m_scp);
}

void LoadgenResults::end()
{
    Q_EMIT finished(m_status);
}

} // namespace bc
