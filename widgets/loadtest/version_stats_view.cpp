#include "widgets/loadtest/version_stats_view.h"

#include <QGridLayout>
#include <QLabel>

using namespace Qt::StringLiterals;

namespace bc {

namespace {
constexpr int kMaxRows = 3; // v1, v2, unknown
} // namespace

VersionStatsView::VersionStatsView(QWidget *parent)
    : QGroupBox(tr("Load by version of productcatalogservice"), parent)
    , m_grid(new QGridLayout(this))
{
    setObjectName(u"versionStats"_s);
    setToolTip(
        tr("The canary product's page, counted by the version that named it (not added to the totals)."));
    const QStringList header = {tr("Version"), tr("Requests"), tr("Failures"), tr("Median ms"), tr("p95 ms")};
    m_grid->setHorizontalSpacing(16);
    for (int r = 0; r <= kMaxRows; ++r) {
        QList<QLabel *> row;
        for (int c = 0; c < header.size(); ++c) {
            auto *label = new QLabel(r == 0 ? u"<b>%1</b>"_s.arg(header.at(c)) : QString(), this);
            label->setAlignment(
                c == 0 ? Qt::AlignLeft | Qt::AlignVCenter : Qt::AlignRight | Qt::AlignVCenter);
            m_grid->addWidget(label, r, c);
            row.append(label);
        }
        m_cells.append(row);
    }
    m_empty
        = new QLabel(tr("No version seen yet: a load test counts the canary product's page by the version "
                        "that named it (Sunglasses: v1, SunglassesV2: v2)."),
            this);
    m_empty->setWordWrap(true);
    m_grid->addWidget(m_empty, kMaxRows + 1, 0, 1, int(header.size()) + 1);
    m_grid->setColumnStretch(int(header.size()), 1);
    m_grid->setRowStretch(kMaxRows + 2, 1);
    clear();
}

QString VersionStatsView::cellText(int row, int column) const
{
    return m_cells.value(row).value(column) ? m_cells.at(row).at(column)->text() : QString();
}

void VersionStatsView::clear()
{
    m_figures.clear();
    for (qsizetype r = 1; r < m_cells.size(); ++r) {
        for (QLabel *label : std::as_const(m_cells[r]))
            label->setVisible(false);
    }
    m_empty->setVisible(true);
}

void VersionStatsView::showSnapshot(const StatsSnapshot &snapshot)
{
    const QList<VersionFigures> figures = versionFigures(snapshot);
    if (figures.isEmpty())
        return; // keep the last figures: a poll without versions (a new run's first) changes nothing
    m_figures = figures;
    for (int r = 1; r <= kMaxRows; ++r) {
        const bool has = r - 1 < figures.size();
        for (QLabel *label : std::as_const(m_cells[r]))
            label->setVisible(has);
        if (!has)
            continue;
        const VersionFigures &f = figures.at(r - 1);
        m_cells[r][0]->setText(f.version);
        m_cells[r][1]->setText(QString::number(f.requests));
        m_cells[r][2]->setText(QString::number(f.failures));
        m_cells[r][3]->setText(f.requests ? QString::number(f.medianMs, 'f', 0) : u"\u2013"_s);
        m_cells[r][4]->setText(f.p95Ms && f.requests ? QString::number(*f.p95Ms, 'f', 0) : u"\u2013"_s);
    }
    m_empty->setVisible(false);
}

} // namespace bc
