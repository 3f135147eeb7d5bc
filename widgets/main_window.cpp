#include "widgets/main_window.h"

#include <QLabel>
#include <QTabWidget>

using namespace Qt::StringLiterals;

namespace bc {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    auto *tabs = new QTabWidget(this);
    for (const QString &name : {u"Cluster"_s, u"Deploy"_s, u"Load test"_s, u"Pods"_s, u"Canary"_s, u"Order log"_s})
        tabs->addTab(new QLabel(name, tabs), name);
    setCentralWidget(tabs);
    setWindowTitle(u"Boutique Control"_s);
    resize(1200, 800);
}

} // namespace bc
