#pragma once

#include "backend/core/result.h"

#include <QDialog>
#include <QHash>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace bc {

class AppSettings;
class InlineBanner;
class ToolLocator;

// Edits AppSettings: tool paths (applied to the ToolLocator), the kube context and namespace, and the
// number of Locust workers. Bad input is shown in an inline banner and nothing invalid is stored.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(AppSettings *settings, ToolLocator *tools, QWidget *parent = nullptr);

    // Validates and stores every field; on error the banner says what is wrong and the valid fields are
    // kept. Tool paths are applied to the ToolLocator.
    Status apply();
    void load(); // fields from the settings
    void restoreDefaults(); // fields to defaults (stored on apply)

    QLineEdit *toolPathEdit(const QString &tool) const { return m_toolEdits.value(tool); }
    QLineEdit *contextEdit() const { return m_context; }
    QLineEdit *namespaceEdit() const { return m_namespace; }
    QSpinBox *workersSpin() const { return m_workers; }
    InlineBanner *banner() const { return m_banner; }

Q_SIGNALS:
    void applied();

private:
    QWidget *createToolsPage();
    QWidget *createClusterPage();
    void updateToolHint(const QString &tool);
    void browse(const QString &tool);

    AppSettings *m_settings;
    ToolLocator *m_tools;
    InlineBanner *m_banner;
    QHash<QString, QLineEdit *> m_toolEdits;
    QHash<QString, QLabel *> m_toolHints;
    QLineEdit *m_context = nullptr;
    QLineEdit *m_namespace = nullptr;
    QSpinBox *m_workers = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace bc
