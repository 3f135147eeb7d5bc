#pragma once

#include "backend/core/result.h"
#include "backend/load/load_history.h"
#include "backend/load/load_run_settings.h"
#include "backend/load/locust_stats.h"
#include "backend/timeline/pod_sample.h"

#include <QByteArray>
#include <QDateTime>
#include <QFile>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace bc {

// The files of one run folder:
//   settings.json            what was asked, when, the outcome
//   history.csv              one row per poll, appended and flushed as samples arrive
//   history.json             the same, written at the end (and by a rebuild)
//   pods.csv                 each pod's CPU and memory (and requests/limits) at every scrape of the
//                            metrics API while it ran, on the same clock (PodSeriesRecorder)
//   final_stats.json         the last /stats/requests body
//   locust_stats.csv, locust_stats_history.csv, locust_failures.csv (+ locust_exceptions.csv)
//                            Locust 2.12's own formats; stats/failures downloaded from the master
//                            when possible, generated otherwise
//   report.html              self-contained report with inline SVG charts
//   locust/                  the master's own --csv output (may miss its last 10 s); its history
//                            rows lead locust_stats_history.csv, ours fill the lost tail
class RunFolder
{
public:
    static constexpr const char *kCsvPrefix = "locust";

    explicit RunFolder(QString dir);
    ~RunFolder();

    const QString &dir() const { return m_dir; }
    QString path(const QString &name) const;

    Status create(); // mkpath
    Status writeSettings(const LoadRunSettings &settings);
    Result<LoadRunSettings> readSettings() const;

    Status appendSample(const LoadSample &sample); // history.csv, flushed per row
    Result<QList<LoadSample>> readHistory() const;
    Status appendPodSamples(const QList<PodSample> &samples); // pods.csv, flushed per call
    Result<QList<PodSample>> readPodSamples() const;          // NotFound: no pod series was kept

    Status writeFile(const QString &name, const QByteArray &data); // atomic (QSaveFile)
    Status writeFinalStats(const QByteArray &rawJson);
    std::optional<StatsSnapshot> readFinalStats() const;

    // Writes history.json, locust_stats_history.csv and report.html from the given data;
    // locust_stats.csv and locust_failures.csv only when absent or `regenerateLocustStats`.
    Status writeOutputs(const LoadRunSettings &settings, const QList<LoadSample> &samples,
                        const std::optional<StatsSnapshot> &final, bool regenerateLocustStats);
    // `boutique-control load report DIR`: everything above from what is on disk.
    Status rebuild();

private:
    QString m_dir;
    std::unique_ptr<QFile> m_history;
    std::unique_ptr<QFile> m_pods;
};

struct RunInfo
{
    QString dir;
    QString id; // folder name
    LoadRunSettings settings;
    bool hasReport = false;
};

// The runs of this user: one folder per run under QStandardPaths::AppDataLocation/runs.
class RunStore
{
public:
    explicit RunStore(QString root = {}); // empty: defaultRoot()
    static QString defaultRoot();
    const QString &root() const { return m_root; }

    Result<QString> createRunDir(const QDateTime &startedUtc); // "20261125-153012", "-2" suffix if taken
    QList<RunInfo> list() const;                                // newest first; unreadable folders skipped

private:
    QString m_root;
};

} // namespace bc
