#include "widgets/about/about_dialog.h"

#include "backend/process/tool_locator.h"
#include "widgets/common/icons.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bc {

AboutDialog::AboutDialog(
    const QString &productName, const QString &version, ToolLocator *tools, QWidget *parent)
    : QDialog(parent)
    , m_headline(new QLabel(this))
    , m_toolsStatus(new QLabel(this))
    , m_toolList(new QTreeWidget(this))
{
    setWindowTitle(u"About %1"_s.arg(productName));
    setObjectName(u"aboutDialog"_s);

    auto *icon = new QLabel(this);
    icon->setPixmap(svgIcon(u":/bc/icons/boutique-control.svg"_s).pixmap(QSize(72, 72), devicePixelRatioF()));

    m_headline->setText(u"%1 %2"_s.arg(productName, version));
    QFont big = m_headline->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_headline->setFont(big);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *blurb
        = new QLabel(u"A control panel for Google's Online Boutique microservices demo on Kubernetes: "
                     u"provision a cluster, deploy, load-test with Locust, watch pods, run canaries and "
                     u"browse the order log."_s,
            this);
    blurb->setWordWrap(true);

    auto *text = new QVBoxLayout;
    text->addWidget(m_headline);
    text->addWidget(blurb);
    auto *top = new QHBoxLayout;
    top->setSpacing(16);
    top->addWidget(icon, 0, Qt::AlignTop);
    top->addLayout(text, 1);

    m_toolList->setColumnCount(3);
    m_toolList->setHeaderLabels({u"Tool"_s, u"Version"_s, u"Path"_s});
    m_toolList->setRootIsDecorated(false);
    m_toolList->setSelectionMode(QAbstractItemView::NoSelection);
    m_toolList->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_toolList->setMinimumHeight(190);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(10);
    layout->addLayout(top);
    layout->addSpacing(6);
    layout->addWidget(m_toolsStatus);
    layout->addWidget(m_toolList, 1);
    layout->addWidget(buttons);
    resize(720, 420);

    if (tools) {
        connect(tools, &ToolLocator::probed, this, &AboutDialog::showTools);
        QList<ToolInfo> unprobed;
        for (const QString &name : ToolLocator::knownTools())
            unprobed.append(ToolInfo {name, tools->locate(name), {}});
        showTools(unprobed);
        m_probing = true;
        m_toolsStatus->setText(u"External tools (asking each for its version\u2026)"_s);
        tools->probeVersions();
    } else {
        m_toolsStatus->setText(u"External tools: unknown"_s);
    }
}

QString AboutDialog::headline() const
{
    return m_headline->text();
}

void AboutDialog::showTools(const QList<ToolInfo> &tools)
{
    m_probing = false;
    m_toolsStatus->setText(u"External tools"_s);
    m_toolList->clear();
    for (const ToolInfo &tool : tools) {
        QString version = tool.version;
        if (!tool.found())
            version = tool.problem.isEmpty() ? u"not found"_s : tool.problem;
        else if (version.isEmpty())
            version = tool.problem.isEmpty() ? u"\u2026"_s : tool.problem;
        auto *item = new QTreeWidgetItem(m_toolList, {tool.name, version, tool.path});
        item->setToolTip(1, version);
        item->setToolTip(2, tool.path);
        if (!tool.found())
            item->setForeground(1, palette().color(QPalette::PlaceholderText));
    }
}

} // namespace bc
