#include "backend/load/sample_ring.h"

namespace bc {

QList<QPointF> SampleRing::ordered() const
{
    QList<QPointF> out;
    out.reserve(m_count);
    const qsizetype start = (m_next - m_count + m_points.size()) % m_points.size();
    for (qsizetype i = 0; i < m_count; ++i)
        out.append(m_points[(start + i) % m_points.size()]);
    return out;
}

} // namespace bc
