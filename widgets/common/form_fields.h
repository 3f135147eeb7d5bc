#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;
class QWidget;

namespace bc {

// A row of widgets, left-aligned (a stretch after them unless `stretch` is false).
QWidget *buttonRow(const QList<QWidget *> &widgets, bool stretch = true);

// The inputs of one or more forms whose rows show a validation message right below their input.
// Each row is keyed "<prefix><field>" where the prefix is the form layout's objectName ("gke/") and
// the field is the profile's YAML key ("project"); the input gets that key as its objectName, so
// tests and accessibility find it, and its label (without & and :) as its accessible name.
class FieldRows
{
public:
    // A form that grows its fields, keyed by `prefix`.
    static QFormLayout *newForm(const QString &prefix);

    QLineEdit *addLine(QFormLayout *form, const QString &label, const QString &field, const QString &placeholder = {});
    QSpinBox *addSpin(QFormLayout *form, const QString &label, const QString &field, int minimum, int maximum);
    // `input` may be a composite widget; all `fields` report their problems on this row.
    void addRow(QFormLayout *form, const QString &label, QWidget *input, const QStringList &fields);

    // The message shown for `key` ("gke/project"); empty when none.
    QString message(const QString &key) const;
    // Shows `message` under the row of `key` and focuses its input; false when no row has that key.
    bool show(const QString &key, const QString &message);
    void clear();

private:
    QHash<QString, QLabel *> m_errors;
    QHash<QString, QWidget *> m_inputs;
};

} // namespace bc
