#include "backend/cluster/gcloud_progress_parser.h"

#include <QRegularExpression>

#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

struct Detail
{
    const char16_t *needle;
    const char16_t *phase;
    double fraction;
};

// The operation details GKE reports while a create or delete runs (shown by gcloud's tracker after the
// "..."), in the order they appear.
constexpr std::array kCreateDetails {
    Detail {u"being configured", u"Cluster is being configured", 0.15},
    Detail {u"being deployed", u"Cluster is being deployed", 0.35},
    Detail {u"being health-checked", u"Cluster is being health-checked", 0.7},
    Detail {u"is running", u"Cluster is running", 0.85},
};

} // namespace

std::optional<GcloudProgressParser::Step> GcloudProgressParser::advance(QString phase, double fraction)
{
    fraction = std::max(fraction, m_fraction); // never backwards
    if (phase == m_current && fraction == m_fraction)
        return std::nullopt;
    m_current = phase;
    m_fraction = fraction;
    return Step {std::move(phase), fraction, false};
}

std::optional<GcloudProgressParser::Step> GcloudProgressParser::feed(const QString &stderrLine)
{
    const QString line = stderrLine.trimmed();
    if (line.isEmpty())
        return std::nullopt;
    if (line.startsWith(u"ERROR:"))
        return Step {line, -1.0, true};

    static const QRegularExpression start(u"^((?:Creating|Deleting) cluster \\S+(?: in \\S+?)?)\\.\\.\\."_s);
    if (const auto m = start.match(line); m.hasMatch()) {
        m_base = m.captured(1);
        const QString rest = line.mid(m.capturedLength());
        if (rest.endsWith(u"failed."))
            return Step {m_base + u": failed"_s, -1.0, true};
        QString phase = m_base;
        double fraction = 0.05;
        for (const Detail &d : kCreateDetails) {
            if (rest.contains(QStringView(d.needle))) {
                phase = u"%1: %2"_s.arg(m_base, QStringView(d.phase));
                fraction = d.fraction;
            }
        }
        if (rest.endsWith(u"done.")) {
            phase = m_base + u": done"_s;
            fraction = 0.9;
        }
        return advance(phase, fraction);
    }
    // Without a terminal the tracker prints its message once, then dots, then "done." on the same line.
    static const QRegularExpression ticks(u"^\\.*(done|failed)\\.$"_s);
    if (const auto m = ticks.match(line); m.hasMatch() && !m_base.isEmpty()) {
        if (m.captured(1) == u"failed")
            return Step {m_base + u": failed"_s, -1.0, true};
        return advance(m_base + u": done"_s, 0.9);
    }
    if (line.startsWith(u"Created ["))
        return advance(u"Cluster created"_s, 0.92);
    if (line.startsWith(u"Deleted ["))
        return advance(u"Cluster deleted"_s, 1.0);
    if (line.startsWith(u"Fetching cluster endpoint and auth data"))
        return advance(u"Fetching cluster endpoint and credentials"_s, 0.3);
    if (line.startsWith(u"kubeconfig entry generated for"))
        return advance(u"kubeconfig entry written"_s, m_operation == Operation::Create ? 0.97 : 1.0);
    return std::nullopt;
}

} // namespace bc
