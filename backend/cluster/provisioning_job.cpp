#include "backend/cluster/provisioning_job.h"

#include "backend/cluster/terraform_progress_parser.h"
#include "backend/core/logging.h"
#include "backend/process/command_runner.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;

namespace bc {

QString locateShippedInfra(const QString &name)
{
    const auto isInfra = [](const QString &dir) { return QFileInfo::exists(dir + u"/terraform/main.tf"_s); };
    const QString fromEnv = qEnvironmentVariable("BC_INFRA_DIR");
    if (!fromEnv.isEmpty())
        return isInfra(fromEnv + u'/' + name) ? QDir(fromEnv + u'/' + name).absolutePath() : QString();
    QDir dir(QCoreApplication::applicationDirPath());
    for (int up = 0; up < 5; ++up) {
        for (const QString &candidate : {u"infra/"_s + name, u"share/boutique-control/infra/"_s + name})
            if (isInfra(dir.filePath(candidate)))
                return dir.absoluteFilePath(candidate);
        if (!dir.cdUp())
            break;
    }
    return {};
}

ProvisioningJob::Step ProvisioningJob::terraformStep(QString title, Command command, double weight)
{
    auto parser = std::make_shared<TerraformProgressParser>();
    ProvisioningJob::Step step {std::move(title), std::move(command), weight};
    step.parseLine
        = [parser](const QString &line, bool isStderr) -> std::optional<ProvisioningJob::LineProgress> {
        if (isStderr)
            return std::nullopt;
        const auto u = parser->feed(line);
        if (!u)
            return std::nullopt;
        const QString counts = u->total > 0 ? u"%1/%2 "_s.arg(u->done).arg(u->total) : QString();
        return ProvisioningJob::LineProgress {counts + u->phase, u->fraction(), u->isError};
    };
    step.describeFailure = [parser](const CommandResult &r) {
        Error e = r.toError();
        if (!parser->errors().isEmpty() && r.outcome == CommandResult::Outcome::NonZeroExit)
            e.message = u"terraform: %1"_s.arg(parser->errors().join(u"; "_s));
        return e;
    };
    return step;
}

ProvisioningJob::ProvisioningJob(RunContext *context, QObject *parent)
    : QObject(parent)
    , m_context(context)
    , m_runner(new CommandRunner(context, this))
{
    m_ticker.setInterval(kTick);
    connect(&m_ticker, &QTimer::timeout, this, [this] { report(m_phase, m_stepFraction); });
    connect(m_runner, &CommandRunner::stdoutLine, this, [this](const QString &line) { onLine(line, false); });
    connect(m_runner, &CommandRunner::stderrLine, this, [this](const QString &line) { onLine(line, true); });
    connect(m_runner, &CommandRunner::finished, this, &ProvisioningJob::onStepFinished);
}

ProvisioningJob::~ProvisioningJob() = default;

bool ProvisioningJob::start(QList<Step> steps)
{
    if (m_running)
        return false;
    m_steps = std::move(steps);
    m_index = -1;
    m_totalWeight = 0;
    for (const Step &s : std::as_const(m_steps))
        m_totalWeight += s.weight;
    m_doneWeight = 0;
    m_running = true;
    m_cancelled = false;
    m_clock.start();
    m_ticker.start();
    runNext();
    return true;
}

void ProvisioningJob::cancel()
{
    if (!m_running)
        return;
    m_cancelled = true;
    if (m_runner->isRunning())
        m_runner->cancel();
    // Between steps (the runner's finished is queued) the next step sees m_cancelled and stops.
}

qint64 ProvisioningJob::elapsedMs() const
{
    return m_clock.isValid() ? m_clock.elapsed() : 0;
}

void ProvisioningJob::runNext()
{
    ++m_index;
    if (m_index >= m_steps.size()) {
        report(m_phase, 1.0);
        end(ok());
        return;
    }
    if (m_cancelled) {
        end(Error {Error::Kind::Cancelled, u"Cancelled before: %1."_s.arg(m_steps[m_index].title)});
        return;
    }
    const Step &step = m_steps[m_index];
    m_stepFraction = 0;
    m_phase = step.title;
    Q_EMIT stepStarted(m_index, step.title, step.command.displayLine());
    report(step.title, 0);
    m_runner->start(step.command); // a start failure arrives as finished(NotFound/FailedToStart)
}

void ProvisioningJob::onLine(const QString &line, bool isStderr)
{
    Q_EMIT outputLine(line, isStderr);
    if (m_index < 0 || m_index >= m_steps.size() || !m_steps[m_index].parseLine)
        return;
    const std::optional<LineProgress> p = m_steps[m_index].parseLine(line, isStderr);
    if (!p)
        return;
    report(p->phase.isEmpty() ? m_phase : p->phase, p->fraction >= 0 ? p->fraction : m_stepFraction);
}

void ProvisioningJob::onStepFinished(const CommandResult &result)
{
    if (!m_running || m_index < 0 || m_index >= m_steps.size())
        return;
    const Step &step = m_steps[m_index];
    if (!result.succeeded()) {
        Error error = step.describeFailure ? step.describeFailure(result) : result.toError();
        if (result.outcome != CommandResult::Outcome::Cancelled
            && result.outcome != CommandResult::Outcome::TimedOut)
            error.message = u"%1 failed: %2"_s.arg(step.title, error.message);
        end(error);
        return;
    }
    if (step.onSucceeded) {
        if (Status s = step.onSucceeded(result); !s) {
            end(s.error());
            return;
        }
    }
    m_doneWeight += step.weight;
    m_stepFraction = 0;
    runNext();
}

void ProvisioningJob::report(const QString &phase, double stepFraction)
{
    if (!m_running)
        return;
    m_phase = phase;
    m_stepFraction = std::clamp(stepFraction, 0.0, 1.0);
    const double weight = m_index >= 0 && m_index < m_steps.size() ? m_steps[m_index].weight : 0.0;
    const double overall = m_totalWeight > 0 ? (m_doneWeight + weight * m_stepFraction) / m_totalWeight : 0.0;
    Q_EMIT progress(ClusterProgress {phase, std::min(overall, 1.0), elapsedMs()});
}

void ProvisioningJob::end(const Status &status)
{
    m_ticker.stop();
    m_running = false;
    if (!status)
        qCInfo(lcCluster) << "provisioning job stopped:" << status.error().message;
    Q_EMIT finished(status);
}

} // namespace bc
