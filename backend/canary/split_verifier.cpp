#include "backend/canary/split_verifier.h"

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

LatencyStats latency(QList<double> values)
{
    LatencyStats s;
    s.count = int(values.size());
    if (values.isEmpty())
        return s;
    std::sort(values.begin(), values.end());
    double sum = 0;
    for (double v : values)
        sum += v;
    s.mean = sum / values.size();
    const auto at = [&values](double q) {
        const qsizetype rank = qsizetype(std::ceil(q * double(values.size()))) - 1;
        return values.at(std::clamp<qsizetype>(rank, 0, values.size() - 1));
    };
    s.p50 = at(0.5);
    s.p95 = at(0.95);
    s.max = values.last();
    return s;
}

QString latencyText(const char *label, const LatencyStats &s)
{
    if (s.count == 0)
        return u"%1 -"_s.arg(QLatin1String(label));
    return u"%1 p50 %2 ms p95 %3 ms max %4 ms"_s.arg(QLatin1String(label))
        .arg(s.p50, 0, 'f', 1)
        .arg(s.p95, 0, 'f', 1)
        .arg(s.max, 0, 'f', 1);
}

} // namespace

std::pair<double, double> SplitStats::interval(double z) const
{
    const int n = classified();
    if (n == 0)
        return {0.0, 100.0};
    const double p = double(v2) / n;
    const double z2 = z * z;
    const double denom = 1 + z2 / n;
    const double centre = (p + z2 / (2.0 * n)) / denom;
    const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
    return {100.0 * std::max(0.0, centre - half), 100.0 * std::min(1.0, centre + half)};
}

bool SplitStats::expectedWithin(double z) const
{
    if (expectedPercent < 0)
        return true;
    const auto [lo, hi] = interval(z);
    return expectedPercent >= lo - 1e-9 && expectedPercent <= hi + 1e-9;
}

QString SplitStats::summary() const
{
    const auto [lo, hi] = interval();
    QString text = u"v2 %1% [%2, %3] (99.9% interval) of %4 answers: v1 %5, v2 %6"_s.arg(observedPercent(), 0, 'f', 1)
                       .arg(lo, 0, 'f', 1)
                       .arg(hi, 0, 'f', 1)
                       .arg(classified())
                       .arg(v1)
                       .arg(v2);
    if (expectedPercent >= 0)
        text += u"; expected %1% %2"_s.arg(expectedPercent, 0, 'f', 1)
                    .arg(expectedWithin() ? u"(within the interval)"_s : u"(OUTSIDE the interval)"_s);
    text += u"; errors %1 of %2 (%3%)"_s.arg(errors).arg(completed).arg(errorPercent(), 0, 'f', 1);
    text += u"; latency "_s + latencyText("v1", v1Latency) + u", "_s + latencyText("v2", v2Latency);
    if (errors > 0 && !lastError.isEmpty())
        text += u"; last error: "_s + lastError;
    return text;
}

SplitVerifier::SplitVerifier(QObject *parent)
    : QObject(parent)
{
}

SplitVerifier::~SplitVerifier()
{
    m_running = false; // no signal from a destructor
    const auto inFlight = std::exchange(m_inFlight, {});
    for (QNetworkReply *reply : inFlight)
        reply->abort();
}

Result<QUrl> SplitVerifier::productUrl(const QString &frontendUrl)
{
    if (frontendUrl.isEmpty())
        return Error{Error::Kind::Unavailable,
                     u"The frontend has no external address yet (Service frontend-external is pending or missing)."_s};
    QUrl url(frontendUrl);
    if (!url.isValid() || url.scheme() != u"http" || url.host().isEmpty())
        return Error{Error::Kind::Invalid, u"Not an http:// address of the frontend: '%1'"_s.arg(frontendUrl)};
    url.setPath(QString::fromLatin1(kProductPath));
    return url;
}

void SplitVerifier::setErrorThreshold(double percent, int minimumAnswers)
{
    m_errorThreshold = percent;
    m_errorMinimum = std::max(1, minimumAnswers);
}

Status SplitVerifier::start(const QUrl &url, int requests, int concurrency, double expectedPercent)
{
    if (m_running)
        return Error{Error::Kind::Invalid, u"A verification is already running."_s};
    if (requests < 1 || requests > 1000000)
        return Error{Error::Kind::Invalid, u"The number of requests must be from 1 to 1000000, got %1."_s.arg(requests)};
    if (concurrency < 1 || concurrency > 256)
        return Error{Error::Kind::Invalid, u"Concurrency must be from 1 to 256, got %1."_s.arg(concurrency)};
    if (!url.isValid() || url.scheme() != u"http")
        return Error{Error::Kind::Invalid, u"Not an http:// URL: '%1'"_s.arg(url.toString())};
    m_url = url;
    m_stats = SplitStats{};
    m_stats.requested = requests;
    m_stats.expectedPercent = expectedPercent;
    m_latV1.clear();
    m_latV2.clear();
    m_latErr.clear();
    m_sent = 0;
    m_concurrency = concurrency;
    // Qt keeps at most 6 connections per host and manager: one manager per 6 requests in flight.
    const qsizetype managers = (concurrency + 5) / 6;
    while (m_nams.size() < managers) {
        auto *nam = new QNetworkAccessManager(this);
        nam->setProxy(QNetworkProxy::NoProxy);
        m_nams.append(nam);
    }
    m_running = true;
    m_lastProgress = 0;
    m_clock.start();
    for (int i = 0; i < concurrency && m_sent < requests; ++i)
        launch();
    return ok();
}

void SplitVerifier::launch()
{
    QNetworkRequest request(m_url);
    request.setTransferTimeout(m_timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    // A fresh session per request would make the frontend issue a cookie each time; none is kept here.
    const qint64 startedNs = m_clock.nsecsElapsed();
    QNetworkReply *reply = m_nams.at(m_sent % ((m_concurrency + 5) / 6))->get(request);
    ++m_sent;
    m_inFlight.append(reply);
    connect(reply, &QNetworkReply::finished, this, [this, reply, startedNs] { onReply(reply, startedNs); });
}

void SplitVerifier::onReply(QNetworkReply *reply, qint64 startedNs)
{
    m_inFlight.removeOne(reply);
    reply->deleteLater();
    if (!m_running)
        return;
    const double ms = double(m_clock.nsecsElapsed() - startedNs) / 1e6;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    ++m_stats.completed;
    if (reply->error() != QNetworkReply::NoError || status != 200) {
        ++m_stats.errors;
        m_latErr.append(ms);
        m_stats.lastError = reply->error() != QNetworkReply::NoError ? reply->errorString()
                                                                     : u"HTTP %1"_s.arg(status);
    } else if (body.contains("SunglassesV2")) {
        ++m_stats.v2;
        m_latV2.append(ms);
    } else if (body.contains("Sunglasses")) {
        ++m_stats.v1;
        m_latV1.append(ms);
    } else {
        ++m_stats.errors;
        m_latErr.append(ms);
        m_stats.lastError = u"the page names neither Sunglasses nor SunglassesV2"_s;
    }
    if (m_errorThreshold >= 0 && m_stats.completed >= m_errorMinimum && m_stats.v2ErrorPercent() > m_errorThreshold) {
        recompute();
        Q_EMIT errorThresholdExceeded(m_stats);
        finish();
        return;
    }
    if (m_stats.completed >= m_stats.requested) {
        finish();
        return;
    }
    if (m_sent < m_stats.requested)
        launch();
    const qint64 now = m_clock.elapsed();
    if (now - m_lastProgress >= 100) { // live, but not one signal per answer
        m_lastProgress = now;
        recompute();
        Q_EMIT progress(m_stats);
    }
}

void SplitVerifier::recompute()
{
    m_stats.v1Latency = latency(m_latV1);
    m_stats.v2Latency = latency(m_latV2);
    m_stats.errorLatency = latency(m_latErr);
}

void SplitVerifier::finish()
{
    m_running = false;
    const auto inFlight = std::exchange(m_inFlight, {});
    for (QNetworkReply *reply : inFlight)
        reply->abort();
    recompute();
    Q_EMIT progress(m_stats);
    Q_EMIT finished(m_stats);
}

void SplitVerifier::cancel()
{
    if (!m_running)
        return;
    m_stats.lastError = u"cancelled"_s;
    finish();
}

} // namespace bc
