// `charts RUN`: the Load test panel's chart images of a saved run, headless (issue 20 point 6). The
// panel itself draws them, offscreen, so the files are the ones "Save chart images" writes.
#include "app/cli/chart_commands.h"

#include "backend/load/run_store.h"
#include "backend/process/run_context.h"
#include "widgets/common/inline_banner.h"
#include "widgets/loadtest/load_test_panel.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QListWidget>

using namespace Qt::StringLiterals;

namespace bc::cli {

namespace {

void chartsCommand(CliCall &call)
{
    QCommandLineParser parser;
    const QCommandLineOption width(u"width"_s, u"Width of the charts area in pixels (default 1600)."_s, u"PX"_s, u"1600"_s);
    const QCommandLineOption height(u"height"_s, u"Height of the charts area in pixels (default 900)."_s, u"PX"_s, u"900"_s);
    parser.addOption(width);
    parser.addOption(height);
    if (!call.parse(parser,
            u"Save the charts of a saved load-test run as PNG files in its folder, as the Load test panel's\n"
            "\"Save chart images\" does: chart-requests.png, chart-response-time.png, chart-users.png,\n"
            "chart-endpoints.png. RUN is a run folder or a run id of `boutique-control load list`.\n"
            "Runs no tool (--dry-run: nothing is written)."_s,
            u"RUN"_s))
        return;
    const QStringList args = parser.positionalArguments();
    if (args.size() != 1) {
        call.fail(u"usage: boutique-control charts RUN"_s, 2);
        return;
    }
    bool okW = false;
    bool okH = false;
    const int w = parser.value(width).toInt(&okW);
    const int h = parser.value(height).toInt(&okH);
    if (!okW || !okH || w < 400 || h < 300 || w > 8000 || h > 8000) {
        call.fail(u"--width and --height: pixels, from 400x300 to 8000x8000"_s, 2);
        return;
    }
    QString dir = args[0];
    if (!QFileInfo(dir).isDir())
        dir = QDir(RunStore::defaultRoot()).filePath(args[0]);
    dir = QFileInfo(dir).absoluteFilePath();
    if (!QFileInfo::exists(QDir(dir).filePath(u"settings.json"_s))) {
        call.fail(u"%1 is not a saved run (no settings.json there)"_s.arg(args[0]), 2);
        return;
    }
    if (call.context()->dryRun()) {
        call.out() << u"would write the chart images of %1"_s.arg(dir) << Qt::endl;
        call.finish(0);
        return;
    }
    LoadTestPanel panel(call.context(), nullptr);
    panel.setRunsRoot(QFileInfo(dir).absolutePath());
    for (int i = 0; i < panel.runList()->count(); ++i)
        if (panel.runList()->item(i)->data(Qt::UserRole).toString() == dir)
            panel.runList()->setCurrentRow(i);
    panel.showSelectedRun();
    if (panel.shownRunDir() != dir) {
        call.fail(panel.banner()->message().isEmpty() ? u"cannot read the run %1"_s.arg(dir) : panel.banner()->message());
        return;
    }
    // The charts take ~70% of the panel's height (the tables the rest).
    panel.resize(w, h * 10 / 7);
    panel.show();
    QCoreApplication::processEvents();
    const QStringList saved = panel.exportChartImages();
    if (saved.size() != 4) {
        call.fail(panel.banner()->message());
        return;
    }
    for (const QString &file : saved)
        call.out() << QDir(dir).filePath(file) << Qt::endl;
    call.finish(0);
}

} // namespace

QList<CommandSpec> widgetCommands()
{
    return {{u"charts"_s, u"Save the charts of a saved load-test run as PNG images."_s, chartsCommand, true}};
}

std::unique_ptr<QCoreApplication> makeWidgetApplication(int &argc, char **argv)
{
    return std::make_unique<QApplication>(argc, argv);
}

} // namespace bc::cli
