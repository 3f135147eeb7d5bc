#include "app/gui_main.h"

#include "app/app_info.h"
#include "widgets/main_window.h"

#include <QApplication>
#include <QIcon>

namespace bc {

int runGui(int argc, char **argv)
{
    QApplication app(argc, argv);
    setApplicationIdentity();
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/bc/icons/boutique-control.svg")));
    MainWindow window;
    window.show();
    return QApplication::exec();
}

} // namespace bc
