#pragma once

#include <QDialog>
#include <QList>

class QLabel;
class QTreeWidget;

namespace bc {

class ToolLocator;
struct ToolInfo;

// Product name and version, and the external tools found with their versions. Asking a tool for its
// version is a process, so the list fills in when ToolLocator::probed() arrives.
class AboutDialog : public QDialog
{
    Q_OBJECT
public:
    AboutDialog(
        const QString &productName, const QString &version, ToolLocator *tools, QWidget *parent = nullptr);

    QString headline() const;
    QTreeWidget *toolList() const { return m_toolList; }
    bool isProbing() const { return m_probing; }

private:
    void showTools(const QList<ToolInfo> &tools);

    QLabel *m_headline;
    QLabel *m_toolsStatus;
    QTreeWidget *m_toolList;
    bool m_probing = false;
};

} // namespace bc
