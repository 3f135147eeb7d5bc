#pragma once

#include <QString>

#include <functional>

class QWidget;

namespace bc {

// What a panel asks before an action that cannot be undone (delete a cluster, a pod, a profile,
// destroy the load generator). `action` names both the action and the button that does it.
struct DestructiveQuestion
{
    QString title;
    QString text;
    QString action;
    QString details = {}; // shown below the text (costs, what exactly goes)
    QString objectName = {}; // of the dialog and "confirm<...>" of its button, for tests that click it
    QString actionObjectName = {};
};

// Every panel confirms through this: a warning box whose default button is Cancel and whose
// destructive button names the action. True when that button was chosen.
bool confirmDestructive(QWidget *parent, const DestructiveQuestion &question);

// The hook a panel keeps so tests can answer for the user; the default calls confirmDestructive().
using ConfirmHook = std::function<bool(const QString &title, const QString &text, const QString &action)>;
ConfirmHook confirmDestructiveHook(QWidget *parent);

} // namespace bc
