#include "widgets/loadtest/pod_cpu_picker.h"

#include "backend/metrics/metrics_poller.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSet>

using namespace Qt::StringLiterals;

namespace bc {

namespace {
constexpr int kKindRole = Qt::UserRole + 1; // "deployment" or "pod"
}

PodCpuPicker::PodCpuPicker(QWidget *parent)
    : QWidget(parent), m_choice(new QComboBox(this)), m_add(new QPushButton(tr("Add CPU"), this)),
      m_clear(new QPushButton(tr("Remove pod CPU"), this))
{
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    m_choice->setObjectName(u"podCpuChoice"_s);
    m_choice->setMinimumContentsLength(28);
    m_choice->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_choice->setPlaceholderText(tr("connect to a cluster first"));
    m_add->setObjectName(u"addPodCpu"_s);
    m_add->setToolTip(tr("Chart the CPU of this deployment (all its pods) or pod on the requests chart's right axis"));
    m_clear->setEnabled(false);
    row->addWidget(new QLabel(tr("Pod CPU on the requests chart"), this));
    row->addWidget(m_choice);
    row->addWidget(m_add);
    row->addWidget(m_clear);
    row->addStretch(1);
    connect(m_add, &QPushButton::clicked, this, [this] {
        const QString name = m_choice->currentData().toString();
        if (name.isEmpty())
            return;
        if (m_choice->currentData(kKindRole).toString() == u"deployment")
            Q_EMIT deploymentChosen(name);
        else
            Q_EMIT podChosen(name);
    });
    connect(m_clear, &QPushButton::clicked, this, &PodCpuPicker::clearRequested);
    refill();
}

void PodCpuPicker::setPoller(MetricsPoller *poller)
{
    if (m_poller)
        disconnect(m_poller, nullptr, this, nullptr);
    m_poller = poller;
    if (m_poller)
        connect(m_poller, &MetricsPoller::updated, this, &PodCpuPicker::refill);
    refill();
}

void PodCpuPicker::setClearEnabled(bool on)
{
    m_clear->setEnabled(on);
}

void PodCpuPicker::refill()
{
    QStringList deployments, pods;
    if (m_poller) {
        QSet<QString> seen;
        for (const PodUsage &row : m_poller->rows()) {
            pods.append(row.pod);
            if (!seen.contains(row.deployment)) {
                seen.insert(row.deployment);
                deployments.append(row.deployment);
            }
        }
    }
    deployments.sort();
    pods.sort();
    QStringList keys;
    for (const QString &d : deployments)
        keys.append(u"deployment/"_s + d);
    for (const QString &p : pods)
        keys.append(u"pod/"_s + p);
    QStringList current;
    for (int i = 0; i < m_choice->count(); ++i)
        current.append(m_choice->itemData(i, kKindRole).toString() + u'/' + m_choice->itemData(i).toString());
    if (current == keys)
        return; // the list the user is reading stays put
    const QString chosen = m_choice->currentData(kKindRole).toString() + u'/' + m_choice->currentData().toString();
    m_choice->clear();
    for (const QString &d : deployments) {
        m_choice->addItem(tr("%1 (deployment)").arg(d), d);
        m_choice->setItemData(m_choice->count() - 1, u"deployment"_s, kKindRole);
    }
    for (const QString &p : pods) {
        m_choice->addItem(p, p);
        m_choice->setItemData(m_choice->count() - 1, u"pod"_s, kKindRole);
    }
    const qsizetype again = keys.indexOf(chosen);
    m_choice->setCurrentIndex(again >= 0 ? int(again) : (keys.isEmpty() ? -1 : 0));
    m_add->setEnabled(!keys.isEmpty());
}

} // namespace bc
