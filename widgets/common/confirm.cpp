#include "widgets/common/confirm.h"

#include <QMessageBox>
#include <QPushButton>

namespace bc {

bool confirmDestructive(QWidget *parent, const DestructiveQuestion &question)
{
    QMessageBox box(QMessageBox::Warning, question.title, question.text, QMessageBox::Cancel, parent);
    if (!question.objectName.isEmpty())
        box.setObjectName(question.objectName);
    if (!question.details.isEmpty())
        box.setInformativeText(question.details);
    QPushButton *yes = box.addButton(question.action, QMessageBox::DestructiveRole);
    if (!question.actionObjectName.isEmpty())
        yes->setObjectName(question.actionObjectName);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == yes;
}

ConfirmHook confirmDestructiveHook(QWidget *parent)
{
    return [parent](const QString &title, const QString &text, const QString &action) {
        return confirmDestructive(parent, DestructiveQuestion {.title = title, .text = text, .action = action});
    };
}

} // namespace bc
