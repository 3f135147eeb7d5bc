#pragma once

#include "backend/core/result.h"
#include "backend/load/load_history.h"
#include "backend/load/load_run_settings.h"
#include "backend/load/locust_runner.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>

namespace bc {

class LocustClient;
class RunContext;
class RunFolder;

// One load run from start to saved report, the same for the panel and `boutique-control load run`:
// starts Locust (or attaches to a master), starts the users (or the ramp), records every poll into
// the history and the run folder, stops after the run time (or stopRun()), downloads Locust's own
// CSVs, stops Locust, and writes the outputs. Problems that do not end the run (a worker died, the
// master was unreachable for a poll) are reported through problem() and the run goes on.
class LoadSession : public QObject
{
    Q_OBJECT
public:
    enum class Phase { Idle, Starting, Running, Finishing, Finished, Failed };
    Q_ENUM(Phase)

    LoadSession(RunContext *context, QObject *parent = nullptr);
    ~LoadSession() override;

    // `runDir` is created if needed. `runner` tunes the local Locust (environment, locustfiles); its
    // workers/host are taken from `settings`. finished() follows, also on failure.
    Status start(const LoadRunSettings &settings, const QString &runDir, LocustRunnerConfig runner = {});
    void stopRun(); // end now, save everything
    void setUsers(int users);
    void setRestartDeadWorkers(bool on) { m_restartDeadWorkers = on; }

    Phase phase() const { return m_phase; }
    const LoadHistory &history() const { return m_history; }
    const LoadRunSettings &settings() const { return m_settings; }
    QString runDir() const;
    LocustRunner *runner() const { return m_runner; }
    LocustClient *client() const { return m_client; }

Q_SIGNALS:
    void phaseChanged(bc::LoadSession::Phase phase);
    void sampleAdded(const bc::LoadSample &sample);
    void problem(const bc::Error &error);
    void finished(const bc::Status &status);

private:
    void setPhase(Phase p);
    void onLocustReady();
    void onSnapshot(const StatsSnapshot &snapshot);
    void beginFinish(const Status &why);
    void downloadNext();
    void afterStop();
    void writeAndFinish();
    bool report(const Status &status); // a failed write is a problem(), not the end of the run

    RunContext *m_context;
    LocustRunner *m_runner;
    LocustClient *m_client;
    LoadHistory m_history;
    LoadRunSettings m_settings;
    std::unique_ptr<RunFolder> m_folder;
    Phase m_phase = Phase::Idle;
    Status m_outcome = ok();
    QTimer m_runTimer;
    QElapsedTimer m_clock;
    QStringList m_downloads;
    bool m_downloadedStats = false;
    bool m_restartDeadWorkers = false;
    bool m_waitingForRunner = false;
};

} // namespace bc
