#pragma once

#include "backend/core/result.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace bc {

// Latency figures of one version's answers (milliseconds).
struct LatencyStats
{
    int count = 0;
    double mean = 0;
    double p50 = 0;
    double p95 = 0;
    double max = 0;
};

struct SplitStats
{
    int requested = 0;
    int completed = 0; // answered or failed
    int v1 = 0;        // "Sunglasses"
    int v2 = 0;        // "SunglassesV2"
    int errors = 0;    // HTTP errors, network errors and pages naming neither
    double expectedPercent = -1; // -1: not given
    LatencyStats v1Latency;
    LatencyStats v2Latency;
    LatencyStats errorLatency;
    QString lastError;

    int classified() const { return v1 + v2; }
    double observedPercent() const { return classified() == 0 ? 0.0 : 100.0 * v2 / classified(); }
    double errorPercent() const { return completed == 0 ? 0.0 : 100.0 * errors / completed; }
    // v2's own error rate. A failed page does not say which version served it, so every failure is
    // counted as v2's (v1 is the running baseline): at a 5 % canary a v2 that fails half its requests
    // shows ~2.5 % overall but ~50 % here, which is what the rollback threshold must see.
    double v2ErrorPercent() const { return v2 + errors == 0 ? 0.0 : 100.0 * errors / (v2 + errors); }
    // The verdict's confidence: at 95 % a correctly applied split was called wrong in one check of
    // twenty (the sandbox, like kube-proxy, picks an endpoint at random); at 99.9 % in one of 1,000.
    static constexpr double kVerdictZ = 3.2905;
    // Wilson score interval of v2's share in percent (z = 1.96 for 95 %, kVerdictZ for 99.9 %).
    std::pair<double, double> interval(double z = kVerdictZ) const;
    bool expectedWithin(double z = kVerdictZ) const;
    QString summary() const; // "v2 24.6% [22.8, 26.6] of 2000 (expected 25%); errors 0; latency v1 p50 3 ms ..."
};

// Sends N GETs of http://<frontend>/product/OLJCESPC7Z with C in flight and counts which version of
// productcatalogservice named the product. Figures update as answers come in. With an error threshold,
// it stops early and emits errorThresholdExceeded once v2's error rate crosses it (after a minimum of
// answers) so the caller can roll back.
class SplitVerifier : public QObject
{
    Q_OBJECT
public:
    static constexpr auto kProductPath = "/product/OLJCESPC7Z";

    explicit SplitVerifier(QObject *parent = nullptr);
    ~SplitVerifier() override;

    static Result<QUrl> productUrl(const QString &frontendUrl);

    // expectedPercent < 0: no expectation. concurrency 1..256.
    Status start(const QUrl &url, int requests, int concurrency, double expectedPercent = -1);
    void cancel();
    bool isRunning() const { return m_running; }
    void setErrorThreshold(double percent, int minimumAnswers = 50); // < 0: off
    void setTimeout(int ms) { m_timeoutMs = ms; }
    const SplitStats &stats() const { return m_stats; }

Q_SIGNALS:
    void progress(const bc::SplitStats &stats);
    void errorThresholdExceeded(const bc::SplitStats &stats);
    void finished(const bc::SplitStats &stats);

private:
    void launch();
    void onReply(QNetworkReply *reply, qint64 startedNs);
    void recompute();
    void finish();

    QList<QNetworkAccessManager *> m_nams;
    QUrl m_url;
    SplitStats m_stats;
    QList<double> m_latV1;
    QList<double> m_latV2;
    QList<double> m_latErr;
    QElapsedTimer m_clock;
    QList<QNetworkReply *> m_inFlight;
    int m_sent = 0;
    int m_concurrency = 8;
    int m_timeoutMs = 15000;
    double m_errorThreshold = -1;
    int m_errorMinimum = 50;
    bool m_running = false;
    qint64 m_lastProgress = 0;
};

} // namespace bc

Q_DECLARE_METATYPE(bc::SplitStats)
