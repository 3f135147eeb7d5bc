#include "backend/load/run_store.h"

#include "backend/load/load_report.h"
#include "backend/load/locust_csv.h"
#include "backend/load/version_stats.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

Error ioError(const QString &what, const QString &path, const QString &detail)
{
    return Error{Error::Kind::Failed, u"Could not %1 %2."_s.arg(what, QDir::toNativeSeparators(path)), detail};
}

Result<QByteArray> readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{f.exists() ? Error::Kind::Failed : Error::Kind::NotFound,
                     u"Could not read %1."_s.arg(QDir::toNativeSeparators(path)), f.errorString()};
    return f.readAll();
}

} // namespace

RunFolder::RunFolder(QString dir) : m_dir(std::move(dir)) {}

RunFolder::~RunFolder() = default;

QString RunFolder::path(const QString &name) const
{
    return QDir(m_dir).absoluteFilePath(name);
}

Status RunFolder::create()
{
    if (!QDir().mkpath(m_dir))
        return ioError(u"create the folder"_s, m_dir, {});
    return ok();
}

Status RunFolder::writeFile(const QString &name, const QByteArray &data)
{
    QSaveFile f(path(name));
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size() || !f.commit())
        return ioError(u"write"_s, path(name), f.errorString());
    return ok();
}

Status RunFolder::writeSettings(const LoadRunSettings &settings)
{
    return writeFile(u"settings.json"_s, settings.toJson());
}

Result<LoadRunSettings> RunFolder::readSettings() const
{
    const Result<QByteArray> data = readAll(path(u"settings.json"_s));
    if (!data)
        return data.error();
    return LoadRunSettings::fromJson(data.value());
}

Status RunFolder::appendSample(const LoadSample &sample)
{
    if (!m_history) {
        m_history = std::make_unique<QFile>(path(u"history.csv"_s));
        const bool fresh = !m_history->exists() || m_history->size() == 0;
        if (!m_history->open(QIODevice::WriteOnly | QIODevice::Append)) {
            const QString why = m_history->errorString();
            m_history.reset();
            return ioError(u"append to"_s, path(u"history.csv"_s), why);
        }
        if (fresh)
            m_history->write(LoadHistory::csvHeader());
    }
    if (m_history->write(LoadHistory::csvRow(sample)) < 0 || !m_history->flush())
        return ioError(u"append to"_s, m_history->fileName(), m_history->errorString());
    return ok();
}

Status RunFolder::appendPodSamples(const QList<PodSample> &samples)
{
    if (!m_pods) {
        m_pods = std::make_unique<QFile>(path(u"pods.csv"_s));
        const bool fresh = !m_pods->exists() || m_pods->size() == 0;
        if (!m_pods->open(QIODevice::WriteOnly | QIODevice::Append)) {
            const QString why = m_pods->errorString();
            m_pods.reset();
            return ioError(u"append to"_s, path(u"pods.csv"_s), why);
        }
        if (fresh)
            m_pods->write(pod_csv::header());
    }
    QByteArray rows;
    for (const PodSample &s : samples)
        rows += pod_csv::row(s);
    if (m_pods->write(rows) < 0 || !m_pods->flush())
        return ioError(u"append to"_s, m_pods->fileName(), m_pods->errorString());
    return ok();
}

Result<QList<PodSample>> RunFolder::readPodSamples() const
{
    const Result<QByteArray> data = readAll(path(u"pods.csv"_s));
    if (!data)
        return data.error();
    return pod_csv::parse(data.value());
}

Result<QList<LoadSample>> RunFolder::readHistory() const
{
    const Result<QByteArray> data = readAll(path(u"history.csv"_s));
    if (!data)
        return data.error();
    return LoadHistory::parseCsv(data.value());
}

Status RunFolder::writeFinalStats(const QByteArray &rawJson)
{
    return writeFile(u"final_stats.json"_s, rawJson);
}

std::optional<StatsSnapshot> RunFolder::readFinalStats() const
{
    const Result<QByteArray> data = readAll(path(u"final_stats.json"_s));
    if (!data)
        return std::nullopt;
    Result<StatsSnapshot> s = parseStatsRequests(data.value());
    if (!s)
        return std::nullopt;
    // p95 per endpoint lives only in Locust's CSV, downloaded at the same moment.
    if (const Result<QByteArray> csv = readAll(path(QString::fromLatin1(kCsvPrefix) + u"_stats.csv"_s)); csv)
        applyPercentileCsv(s.value(), csv.value());
    return s.value();
}

Status RunFolder::writeOutputs(const LoadRunSettings &settings, const QList<LoadSample> &samples,
                               const std::optional<StatsSnapshot> &final, bool regenerateLocustStats)
{
    const QString prefix = QString::fromLatin1(kCsvPrefix);
    if (Status s = writeFile(u"history.json"_s, LoadHistory::toJson(samples)); !s)
        return s;
    QFile own(path(u"locust/master_stats_history.csv"_s)); // the master's --csv output, if any
    const QByteArray ownHistory = own.open(QIODevice::ReadOnly) ? own.readAll() : QByteArray();
    if (Status s = writeFile(prefix + u"_stats_history.csv"_s, locust_csv::mergedHistory(ownHistory, samples)); !s)
        return s;
    const double durationS = samples.size() >= 2 ? samples.last().elapsedS - samples.first().elapsedS
                                                 : double(settings.duration.count());
    const StatsSnapshot empty;
    const StatsSnapshot &last = final ? *final : empty;
    if (regenerateLocustStats || !QFileInfo::exists(path(prefix + u"_stats.csv"_s))) {
        if (Status s = writeFile(prefix + u"_stats.csv"_s, locust_csv::stats(last, durationS)); !s)
            return s;
    }
    if (regenerateLocustStats || !QFileInfo::exists(path(prefix + u"_failures.csv"_s))) {
        if (Status s = writeFile(prefix + u"_failures.csv"_s, locust_csv::failures(last)); !s)
            return s;
    }
    if (const QList<VersionFigures> versions = versionFigures(last); !versions.isEmpty()) {
        if (Status s = writeFile(u"versions.csv"_s, versionsCsv(versions)); !s)
            return s;
    }
    // The pod series is optional (no cluster connected, or a run from before it was kept); a damaged one is
    // left out of the report rather than costing the report.
    const Result<QList<PodSample>> pods = readPodSamples();
    return writeFile(u"report.html"_s,
        renderLoadReport(settings, samples, final, pods ? pods.value() : QList<PodSample>{}).toUtf8());
}

Status RunFolder::rebuild()
{
    if (!QFileInfo(m_dir).isDir())
        return Error{Error::Kind::NotFound, u"There is no run folder %1."_s.arg(QDir::toNativeSeparators(m_dir))};
    const Result<LoadRunSettings> settings = readSettings();
    if (!settings)
        return Error{settings.error().kind,
                     u"%1 is not a load run folder: %2"_s.arg(QDir::toNativeSeparators(m_dir), settings.error().message),
                     settings.error().detail};
    const Result<QList<LoadSample>> history = readHistory();
    if (!history && history.error().kind != Error::Kind::NotFound)
        return history.error();
    return writeOutputs(settings.value(), history ? history.value() : QList<LoadSample>{}, readFinalStats(), false);
}

RunStore::RunStore(QString root) : m_root(root.isEmpty() ? defaultRoot() : std::move(root)) {}

QString RunStore::defaultRoot()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).absoluteFilePath(u"runs"_s);
}

Result<QString> RunStore::createRunDir(const QDateTime &startedUtc)
{
    const QString base = startedUtc.toUTC().toString(u"yyyyMMdd-HHmmss"_s);
    QDir root(m_root);
    if (!root.mkpath(u"."_s))
        return ioError(u"create the folder"_s, m_root, {});
    for (int i = 1; i < 1000; ++i) {
        const QString name = i == 1 ? base : u"%1-%2"_s.arg(base).arg(i);
        if (root.exists(name))
            continue;
        if (!root.mkdir(name))
            return ioError(u"create the folder"_s, root.absoluteFilePath(name), {});
        return root.absoluteFilePath(name);
    }
    return Error{Error::Kind::Failed, u"Too many runs started in the same second."_s};
}

QList<RunInfo> RunStore::list() const
{
    QList<RunInfo> out;
    const QDir root(m_root);
    const QStringList names = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name | QDir::Reversed);
    for (const QString &name : names) {
        const RunFolder folder(root.absoluteFilePath(name));
        const Result<LoadRunSettings> settings = folder.readSettings();
        if (!settings)
            continue;
        out.append(RunInfo{folder.dir(), name, settings.value(), QFileInfo::exists(folder.path(u"report.html"_s))});
    }
    return out;
}

} // namespace bc
