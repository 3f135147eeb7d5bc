#include "widgets/settings/settings_dialog.h"

#include "backend/process/tool_locator.h"
#include "backend/settings/app_settings.h"
#include "widgets/common/inline_banner.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bc {

SettingsDialog::SettingsDialog(AppSettings *settings, ToolLocator *tools, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_tools(tools)
    , m_banner(new InlineBanner(this))
{
    setWindowTitle(u"Settings"_s);
    setObjectName(u"settingsDialog"_s);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Apply | QDialogButtonBox::Cancel
            | QDialogButtonBox::RestoreDefaults,
        this);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (apply())
            accept();
    });
    connect(
        m_buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, [this] { (void)apply(); });
    connect(m_buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
        &SettingsDialog::restoreDefaults);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addWidget(createToolsPage());
    layout->addWidget(createClusterPage());
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    load();
    resize(sizeHint().expandedTo(QSize(640, 0)));
}

QWidget *SettingsDialog::createToolsPage()
{
    auto *box = new QGroupBox(u"Tools"_s, this);
    auto *form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    auto *intro = new QLabel(u"Leave a path empty to use the one found on PATH."_s, box);
    intro->setWordWrap(true);
    intro->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(intro);
    for (const QString &tool : AppSettings::tools()) {
        auto *edit = new QLineEdit(box);
        edit->setObjectName(u"toolPath_"_s + tool);
        edit->setClearButtonEnabled(true);
        edit->setAccessibleName(u"%1 path"_s.arg(tool));
        auto *browseButton = new QToolButton(box);
        browseButton->setText(u"Browse\u2026"_s);
        browseButton->setToolTip(u"Choose the %1 executable"_s.arg(tool));
        auto *hint = new QLabel(box);
        hint->setForegroundRole(QPalette::PlaceholderText);
        hint->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_toolEdits.insert(tool, edit);
        m_toolHints.insert(tool, hint);
        connect(edit, &QLineEdit::textChanged, this, [this, tool] { updateToolHint(tool); });
        connect(browseButton, &QToolButton::clicked, this, [this, tool] { browse(tool); });

        auto *row = new QHBoxLayout;
        row->addWidget(edit, 1);
        row->addWidget(browseButton);
        auto *cell = new QVBoxLayout;
        cell->setSpacing(2);
        cell->addLayout(row);
        cell->addWidget(hint);
        form->addRow(tool, cell);
    }
    return box;
}

QWidget *SettingsDialog::createClusterPage()
{
    auto *box = new QGroupBox(u"Cluster and load test"_s, this);
    auto *form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_context = new QLineEdit(box);
    m_context->setObjectName(u"kubeContext"_s);
    m_context->setPlaceholderText(u"the kubeconfig's current context"_s);
    m_namespace = new QLineEdit(box);
    m_namespace->setObjectName(u"kubeNamespace"_s);
    m_namespace->setPlaceholderText(u"default"_s);
    m_workers = new QSpinBox(box);
    m_workers->setObjectName(u"locustWorkers"_s);
    m_workers->setRange(AppSettings::kMinLocustWorkers, AppSettings::kMaxLocustWorkers);
    m_workers->setSuffix(u" workers"_s);
    form->addRow(u"Kube context"_s, m_context);
    form->addRow(u"Namespace"_s, m_namespace);
    form->addRow(u"Locust workers"_s, m_workers);
    return box;
}

void SettingsDialog::load()
{
    for (auto it = m_toolEdits.cbegin(); it != m_toolEdits.cend(); ++it) {
        it.value()->setText(m_settings->toolPath(it.key()));
        updateToolHint(it.key());
    }
    m_context->setText(m_settings->kubeContext());
    m_namespace->setText(m_settings->kubeNamespace());
    m_workers->setValue(m_settings->locustWorkers());
    m_banner->dismiss();
}

void SettingsDialog::restoreDefaults()
{
    for (QLineEdit *edit : std::as_const(m_toolEdits))
        edit->clear();
    m_context->clear();
    m_namespace->clear();
    m_workers->setValue(AppSettings::kDefaultLocustWorkers);
}

Status SettingsDialog::apply()
{
    QStringList problems;
    const auto check = [&problems](const Status &s) {
        if (!s)
            problems << s.error().message;
    };
    for (const QString &tool : AppSettings::tools())
        check(m_settings->setToolPath(tool, m_toolEdits.value(tool)->text()));
    check(m_settings->setKubeContext(m_context->text()));
    check(m_settings->setKubeNamespace(m_namespace->text()));
    check(m_settings->setLocustWorkers(m_workers->value()));
    check(m_settings->sync());
    m_settings->applyToolPaths(m_tools);

    if (!problems.isEmpty()) {
        const Error error {Error::Kind::Invalid,
            problems.size() == 1 ? problems.first()
                                 : u"%1 settings were not saved; see Details."_s.arg(problems.size()),
            problems.join(u'\n')};
        m_banner->showError(error);
        return error;
    }
    m_banner->dismiss();
    Q_EMIT applied();
    return ok();
}

void SettingsDialog::updateToolHint(const QString &tool)
{
    QLabel *hint = m_toolHints.value(tool);
    const QString path = m_toolEdits.value(tool)->text().trimmed();
    if (path.isEmpty()) {
        const QString onPath = QStandardPaths::findExecutable(tool);
        hint->setText(onPath.isEmpty() ? u"Not found on PATH"_s : u"On PATH: %1"_s.arg(onPath));
        return;
    }
    const QFileInfo info(path);
    hint->setText(info.isFile() && info.isExecutable() ? u"Executable file"_s : u"Not an executable file"_s);
}

void SettingsDialog::browse(const QString &tool)
{
    QLineEdit *edit = m_toolEdits.value(tool);
    const QString start = edit->text().isEmpty() ? u"/usr/bin"_s : QFileInfo(edit->text()).absolutePath();
    const QString file = QFileDialog::getOpenFileName(this, u"Choose %1"_s.arg(tool), start);
    if (!file.isEmpty())
        edit->setText(file);
}

} // namespace bc
