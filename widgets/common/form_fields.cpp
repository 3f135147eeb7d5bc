#include "widgets/common/form_fields.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bc {

QWidget *buttonRow(const QList<QWidget *> &widgets, bool stretch)
{
    auto *row = new QWidget;
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QWidget *w : widgets)
        layout->addWidget(w);
    if (stretch)
        layout->addStretch(1);
    return row;
}

QFormLayout *FieldRows::newForm(const QString &prefix)
{
    auto *form = new QFormLayout;
    form->setObjectName(prefix);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    return form;
}

QLineEdit *FieldRows::addLine(QFormLayout *form, const QString &label, const QString &field, const QString &placeholder)
{
    auto *edit = new QLineEdit;
    edit->setPlaceholderText(placeholder);
    addRow(form, label, edit, {field});
    return edit;
}

QSpinBox *FieldRows::addSpin(QFormLayout *form, const QString &label, const QString &field, int minimum, int maximum)
{
    auto *spin = new QSpinBox;
    spin->setRange(minimum, maximum);
    addRow(form, label, spin, {field});
    return spin;
}

void FieldRows::addRow(QFormLayout *form, const QString &label, QWidget *input, const QStringList &fields)
{
    auto *cell = new QWidget;
    auto *layout = new QVBoxLayout(cell);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(input);
    auto *error = new QLabel;
    error->setWordWrap(true);
    QPalette pal = error->palette();
    pal.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    error->setPalette(pal);
    error->setVisible(false);
    layout->addWidget(error);
    form->addRow(label, cell);
    const QString prefix = form->objectName();
    for (const QString &field : fields) {
        m_errors.insert(prefix + field, error);
        m_inputs.insert(prefix + field, input);
    }
    input->setObjectName(prefix + fields.first());
    error->setObjectName(prefix + fields.first() + u"/error"_s);
    input->setAccessibleName(QString(label).remove(u'&').remove(u':'));
}

QString FieldRows::message(const QString &key) const
{
    const QLabel *label = m_errors.value(key);
    return label && !label->isHidden() ? label->text() : QString();
}

bool FieldRows::show(const QString &key, const QString &message)
{
    QLabel *label = m_errors.value(key);
    if (!label)
        return false;
    label->setText(message);
    label->setVisible(true);
    if (QWidget *input = m_inputs.value(key))
        input->setFocus(Qt::OtherFocusReason);
    return true;
}

void FieldRows::clear()
{
    for (QLabel *label : std::as_const(m_errors)) {
        label->clear();
        label->setVisible(false);
    }
}

} // namespace bc
