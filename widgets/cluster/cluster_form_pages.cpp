#include "widgets/cluster/cluster_form_pages.h"

#include "widgets/common/form_fields.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bc {

ProfileFormPage::ProfileFormPage(FieldRows *rows, const QString &prefix, const QString &namePlaceholder, QWidget *parent)
    : QWidget(parent)
    , m_rows(rows)
    , m_form(FieldRows::newForm(prefix))
    , m_layout(new QVBoxLayout(this))
{
    m_name = m_rows->addLine(m_form, u"Profile name:"_s, u"name"_s, namePlaceholder);
    m_project = m_rows->addLine(m_form, u"Project ID:"_s, u"project"_s, u"my-project-123"_s);
}

void ProfileFormPage::finish(const QList<std::pair<QString, QString>> &buttons)
{
    m_layout->addLayout(m_form);
    QList<QWidget *> row;
    for (const auto &[name, text] : buttons) {
        auto *b = new QPushButton(text);
        b->setObjectName(name);
        m_runButtons << b;
        row << b;
    }
    m_layout->addWidget(buttonRow(row));
    m_layout->addStretch(1);
}

QPushButton *ProfileFormPage::button(const QString &objectName) const
{
    for (QPushButton *b : m_runButtons)
        if (b->objectName() == objectName)
            return b;
    return nullptr;
}

GkeFormPage::GkeFormPage(FieldRows *rows, QWidget *parent)
    : ProfileFormPage(rows, u"gke/"_s, u"my-gke"_s, parent)
{
    auto *location = new QWidget;
    auto *locationLayout = new QHBoxLayout(location);
    locationLayout->setContentsMargins(0, 0, 0, 0);
    m_locationKind = new QComboBox;
    m_locationKind->setObjectName(u"gke/location_kind"_s);
    m_locationKind->addItems({u"Zone"_s, u"Region"_s});
    m_location = new QLineEdit;
    m_location->setPlaceholderText(u"us-central1-b"_s);
    locationLayout->addWidget(m_locationKind);
    locationLayout->addWidget(m_location, 1);
    m_rows->addRow(m_form, u"Zone or region:"_s, location, {u"zone"_s, u"region"_s});
    m_location->setObjectName(u"gke/location"_s);
    m_cluster = m_rows->addLine(m_form, u"Cluster name:"_s, u"cluster_name"_s, u"online-boutique"_s);
    m_machine = m_rows->addLine(m_form, u"Machine type:"_s, u"machine_type"_s);
    m_nodes = m_rows->addSpin(m_form, u"Node count:"_s, u"node_count"_s, 0, 1000);
    m_version = m_rows->addLine(m_form, u"Cluster version:"_s, u"cluster_version"_s, u"GKE default"_s);
    m_networkPolicy = new QCheckBox(u"Enable network policy (needed by the canary's balancing)"_s);
    m_networkPolicy->setObjectName(u"gke/network_policy"_s);
    m_form->addRow(QString(), m_networkPolicy);
    finish({{u"gkeCreate"_s, u"Create cluster"_s}, {u"gkeCredentials"_s, u"Get credentials"_s},
        {u"gkeDelete"_s, u"Delete cluster\u2026"_s}});
    connect(button(u"gkeCreate"_s), &QPushButton::clicked, this, &GkeFormPage::createClicked);
    connect(button(u"gkeCredentials"_s), &QPushButton::clicked, this, &GkeFormPage::credentialsClicked);
    connect(button(u"gkeDelete"_s), &QPushButton::clicked, this, &GkeFormPage::deleteClicked);

    const GkeSettings defaults;
    m_machine->setText(defaults.machineType);
    m_nodes->setValue(defaults.nodeCount);
    m_networkPolicy->setChecked(defaults.networkPolicy);
}

void GkeFormPage::read(ClusterProfile &p) const
{
    p.kind = ClusterKind::Gke;
    p.name = m_name->text().trimmed();
    p.gke.project = m_project->text().trimmed();
    const QString location = m_location->text().trimmed();
    (m_locationKind->currentIndex() == 0 ? p.gke.zone : p.gke.region) = location;
    p.gke.clusterName = m_cluster->text().trimmed();
    p.gke.machineType = m_machine->text().trimmed();
    p.gke.nodeCount = m_nodes->value();
    p.gke.clusterVersion = m_version->text().trimmed();
    p.gke.networkPolicy = m_networkPolicy->isChecked();
}

void GkeFormPage::load(const ClusterProfile &p)
{
    m_name->setText(p.name);
    m_project->setText(p.gke.project);
    m_locationKind->setCurrentIndex(p.gke.region.isEmpty() ? 0 : 1);
    m_location->setText(p.gke.region.isEmpty() ? p.gke.zone : p.gke.region);
    m_cluster->setText(p.gke.clusterName);
    m_machine->setText(p.gke.machineType);
    m_nodes->setValue(p.gke.nodeCount);
    m_version->setText(p.gke.clusterVersion);
    m_networkPolicy->setChecked(p.gke.networkPolicy);
}

K3sFormPage::K3sFormPage(FieldRows *rows, QWidget *parent)
    : ProfileFormPage(rows, u"k3s/"_s, u"my-k3s"_s, parent)
{
    m_region = m_rows->addLine(m_form, u"Region:"_s, u"region"_s, u"europe-west6"_s);
    m_zone = m_rows->addLine(m_form, u"Zone:"_s, u"zone"_s, u"europe-west6-a"_s);
    m_cluster = m_rows->addLine(m_form, u"Name prefix:"_s, u"cluster_name"_s);
    m_masters = m_rows->addSpin(m_form, u"Masters:"_s, u"masters"_s, 0, 99);
    m_workers = m_rows->addSpin(m_form, u"Workers:"_s, u"workers"_s, 0, 999);
    m_machine = m_rows->addLine(m_form, u"Machine type:"_s, u"machine_type"_s);
    m_user = m_rows->addLine(m_form, u"SSH user:"_s, u"ssh_user"_s);
    auto *key = new QWidget;
    auto *keyLayout = new QHBoxLayout(key);
    keyLayout->setContentsMargins(0, 0, 0, 0);
    m_key = new QLineEdit;
    m_key->setPlaceholderText(u"~/.ssh/id_ed25519.pub"_s);
    auto *browse = new QPushButton(u"Browse\u2026"_s);
    keyLayout->addWidget(m_key, 1);
    keyLayout->addWidget(browse);
    m_rows->addRow(m_form, u"SSH public key:"_s, key, {u"ssh_public_key"_s});
    m_key->setObjectName(u"k3s/ssh_public_key_path"_s);
    m_spot = new QCheckBox(u"Spot VMs (cheaper, may be preempted)"_s);
    m_spot->setObjectName(u"k3s/spot"_s);
    m_form->addRow(QString(), m_spot);
    finish({{u"k3sCreate"_s, u"Create cluster"_s}, {u"k3sDestroy"_s, u"Destroy cluster\u2026"_s}});
    connect(button(u"k3sCreate"_s), &QPushButton::clicked, this, &K3sFormPage::createClicked);
    connect(button(u"k3sDestroy"_s), &QPushButton::clicked, this, &K3sFormPage::deleteClicked);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, u"SSH public key"_s, QDir::homePath() + u"/.ssh"_s, u"Public keys (*.pub)"_s);
        if (!path.isEmpty())
            m_key->setText(path);
    });

    const K3sSettings defaults;
    m_cluster->setText(defaults.clusterName);
    m_masters->setValue(defaults.masters);
    m_workers->setValue(defaults.workers);
    m_machine->setText(defaults.machineType);
    m_user->setText(defaults.sshUser);
    m_spot->setChecked(defaults.spot);
}

void K3sFormPage::read(ClusterProfile &p) const
{
    p.kind = ClusterKind::K3s;
    p.name = m_name->text().trimmed();
    p.k3s.project = m_project->text().trimmed();
    p.k3s.region = m_region->text().trimmed();
    p.k3s.zone = m_zone->text().trimmed();
    p.k3s.clusterName = m_cluster->text().trimmed();
    p.k3s.masters = m_masters->value();
    p.k3s.workers = m_workers->value();
    p.k3s.machineType = m_machine->text().trimmed();
    p.k3s.sshUser = m_user->text().trimmed();
    p.k3s.sshPublicKeyPath = m_key->text().trimmed();
    p.k3s.spot = m_spot->isChecked();
}

void K3sFormPage::load(const ClusterProfile &p)
{
    m_name->setText(p.name);
    m_project->setText(p.k3s.project);
    m_region->setText(p.k3s.region);
    m_zone->setText(p.k3s.zone);
    m_cluster->setText(p.k3s.clusterName);
    m_masters->setValue(p.k3s.masters);
    m_workers->setValue(p.k3s.workers);
    m_machine->setText(p.k3s.machineType);
    m_user->setText(p.k3s.sshUser);
    m_key->setText(p.k3s.sshPublicKeyPath);
    m_spot->setChecked(p.k3s.spot);
}

} // namespace bc
