#pragma once

#include "backend/core/result.h"
#include "backend/loadgen/loadgen_command_builder.h"

#include <QObject>
#include <QUrl>

class QNetworkAccessManager;

namespace bc {

class CommandRunner;
class RunContext;

// Brings a GCE master's own results into the run folder, in place of the lab's statshandler
// container: its HTML report over the SSH tunnel (GET /stats/report) and its --csv files by scp
// through the bastion, both into RUN/locust/. finished() with the first problem, if any; what could be
// copied stays.
class LoadgenResults : public QObject
{
    Q_OBJECT
public:
    explicit LoadgenResults(RunContext *context, QObject *parent = nullptr);

    void collect(const LoadgenCommandBuilder &builder, const LoadgenHosts &hosts, const QUrl &masterUrl,
        const QString &runDir);
    QStringList copiedFiles() const { return m_copied; }

    static constexpr const char *kReportName = "master_report.html";

Q_SIGNALS:
    void finished(const bc::Status &status);

private:
    void copyCsv();
    void end();

    RunContext *m_context;
    QNetworkAccessManager *m_nam;
    CommandRunner *m_runner;
    Command m_scp;
    QString m_targetDir;
    QStringList m_copied;
    Status m_status = ok();
};

} // namespace bc
