#pragma once

#include <QList>
#include <QPointF>

#include <algorithm>

namespace bc {

// Fixed-capacity ring of chart points: the newest `capacity` samples, oldest overwritten. A chart view
// copies ordered() into its series on a timer, however fast samples arrive.
class SampleRing
{
public:
    explicit SampleRing(qsizetype capacity = 600) : m_points(std::max<qsizetype>(capacity, 1)) {}

    void push(QPointF p)
    {
        m_points[m_next] = p;
        m_next = (m_next + 1) % m_points.size();
        m_count = std::min(m_count + 1, m_points.size());
    }
    void clear()
    {
        m_next = 0;
        m_count = 0;
    }
    qsizetype size() const { return m_count; }
    qsizetype capacity() const { return m_points.size(); }
    bool isEmpty() const { return m_count == 0; }
    QPointF last() const { return m_points[(m_next + m_points.size() - 1) % m_points.size()]; } // size() > 0
    QList<QPointF> ordered() const; // oldest first, size() points

private:
    QList<QPointF> m_points;
    qsizetype m_next = 0;
    qsizetype m_count = 0;
};

} // namespace bc
