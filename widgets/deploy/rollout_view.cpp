#include "widgets/deploy/rollout_view.h"

#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>
#include <QSet>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bc {

RolloutView::RolloutView(QWidget *parent)
    : QScrollArea(parent)
    , m_host(new QWidget)
    , m_grid(new QGridLayout)
    , m_empty(new QLabel(u"Press Deploy to apply the manifests; each deployment's rollout appears here."_s))
{
    m_host->setObjectName(u"rolloutRows"_s);
    auto *outer = new QVBoxLayout(m_host);
    m_empty->setWordWrap(true);
    outer->addWidget(m_empty);
    m_grid->setColumnStretch(1, 1);
    m_grid->setColumnStretch(3, 2);
    m_grid->setHorizontalSpacing(12);
    outer->addLayout(m_grid);
    outer->addStretch(1);
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setWidget(m_host);
}

double RolloutView::show(const QList<DeploymentProgress> &progress)
{
    m_empty->setVisible(progress.isEmpty());
    QSet<QString> names;
    int desired = 0;
    int ready = 0;
    for (const DeploymentProgress &p : progress) {
        names.insert(p.name);
        Row row = m_rows.value(p.name);
        if (!row.name) {
            const int r = m_grid->rowCount();
            row = Row {new QLabel(p.name), new QProgressBar, new QLabel, new QLabel};
            row.bar->setObjectName(u"rollout/"_s + p.name);
            row.bar->setTextVisible(false);
            row.bar->setMinimumWidth(160);
            row.state->setWordWrap(true);
            row.state->setObjectName(u"rolloutState/"_s + p.name);
            m_grid->addWidget(row.name, r, 0);
            m_grid->addWidget(row.bar, r, 1);
            m_grid->addWidget(row.count, r, 2);
            m_grid->addWidget(row.state, r, 3);
            m_rows.insert(p.name, row);
        }
        const int want = qMax(p.desired, 1);
        row.bar->setRange(0, want);
        row.bar->setValue(qMin(p.ready, want));
        row.count->setText(u"%1/%2 ready"_s.arg(p.ready).arg(p.desired));
        QPalette pal = row.state->palette();
        pal.setColor(QPalette::WindowText, p.problem.isEmpty() ? palette().color(QPalette::WindowText)
                                                               : QColor(0xc6, 0x28, 0x28));
        row.state->setPalette(pal);
        row.state->setText(!p.problem.isEmpty() ? p.problem
                : p.done                        ? u"\u2713 available"_s
                : p.seen                        ? u"rolling out\u2026"_s
                                                : u"waiting for the deployment\u2026"_s);
        desired += want;
        ready += qMin(p.done ? want : p.ready, want);
    }
    for (auto it = m_rows.begin(); it != m_rows.end();) {
        if (names.contains(it.key())) {
            ++it;
            continue;
        }
        for (QWidget *w : {static_cast<QWidget *>(it->name), static_cast<QWidget *>(it->bar),
                 static_cast<QWidget *>(it->count), static_cast<QWidget *>(it->state)})
            w->deleteLater();
        it = m_rows.erase(it);
    }
    return desired > 0 ? double(ready) / desired : -1.0;
}

} // namespace bc
