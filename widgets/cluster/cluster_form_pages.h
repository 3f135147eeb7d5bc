#pragma once

#include "backend/cluster/cluster_profile.h"

#include <QList>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QVBoxLayout;

namespace bc {

class FieldRows;

// A cluster page of the Cluster panel whose form describes one profile: the profile name and the
// Google Cloud project first, the target's own fields after them, its action buttons below.
// Its rows are keyed "<prefix><field>" in the panel's FieldRows.
class ProfileFormPage : public QWidget
{
    Q_OBJECT
public:
    // Fills the target's part of `profile` (and its name) from the inputs; load() does the reverse.
    virtual void read(ClusterProfile &profile) const = 0;
    virtual void load(const ClusterProfile &profile) = 0;

    // The buttons that start an operation: disabled while one runs.
    const QList<QPushButton *> &runButtons() const { return m_runButtons; }

protected:
    ProfileFormPage(FieldRows *rows, const QString &prefix, const QString &namePlaceholder, QWidget *parent);
    // Puts the form, then a row of these buttons (named objectName), under it.
    void finish(const QList<std::pair<QString, QString>> &buttons); // {objectName, text}
    QPushButton *button(const QString &objectName) const;

    FieldRows *m_rows;
    QFormLayout *m_form;
    QLineEdit *m_name;
    QLineEdit *m_project;

private:
    QVBoxLayout *m_layout;
    QList<QPushButton *> m_runButtons;
};

class GkeFormPage : public ProfileFormPage
{
    Q_OBJECT
public:
    GkeFormPage(FieldRows *rows, QWidget *parent = nullptr);
    void read(ClusterProfile &profile) const override;
    void load(const ClusterProfile &profile) override;

Q_SIGNALS:
    void createClicked();
    void credentialsClicked();
    void deleteClicked();

private:
    QLineEdit *m_location, *m_cluster, *m_machine, *m_version;
    QComboBox *m_locationKind;
    QSpinBox *m_nodes;
    QCheckBox *m_networkPolicy;
};

class K3sFormPage : public ProfileFormPage
{
    Q_OBJECT
public:
    K3sFormPage(FieldRows *rows, QWidget *parent = nullptr);
    void read(ClusterProfile &profile) const override;
    void load(const ClusterProfile &profile) override;

Q_SIGNALS:
    void createClicked();
    void deleteClicked();

private:
    QLineEdit *m_region, *m_zone, *m_cluster, *m_machine, *m_user, *m_key;
    QSpinBox *m_masters, *m_workers;
    QCheckBox *m_spot;
};

} // namespace bc
