#include "backend/process/tool_locator.h"

#include "backend/process/command_runner.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace bc {

ToolLocator::ToolLocator(QObject *parent) : QObject(parent) {}

QStringList ToolLocator::knownTools()
{
    return {u"kubectl"_s, u"gcloud"_s, u"terraform"_s, u"ansible-playbook"_s, u"locust"_s, u"ssh"_s};
}

void ToolLocator::setConfiguredPath(const QString &tool, const QString &path)
{
    if (path.trimmed().isEmpty())
        m_configured.remove(tool);
    else
        m_configured.insert(tool, path.trimmed());
}

QString ToolLocator::configuredPath(const QString &tool) const
{
    const QString path = m_configured.value(tool);
    if (path.isEmpty())
        return {};
    const QFileInfo info(path);
    return info.isFile() && info.isExecutable() ? info.absoluteFilePath() : QString();
}

QString ToolLocator::locate(const QString &tool) const
{
    const QString configured = configuredPath(tool);
    return configured.isEmpty() ? QStandardPaths::findExecutable(tool) : configured;
}

QStringList ToolLocator::versionArguments(const QString &tool)
{
    if (tool == u"kubectl")
        return {u"version"_s, u"--client"_s, u"-o"_s, u"json"_s};
    if (tool == u"terraform")
        return {u"version"_s, u"-json"_s};
    if (tool == u"ssh")
        return {u"-V"_s};
    return {u"--version"_s};
}

QString ToolLocator::parseVersion(const QString &tool, const QString &output)
{
    if (tool == u"kubectl" || tool == u"terraform") {
        const QJsonObject o = QJsonDocument::fromJson(output.toUtf8()).object();
        const QString v = tool == u"kubectl" ? o.value(u"clientVersion"_s).toObject().value(u"gitVersion"_s).toString()
                                             : o.value(u"terraform_version"_s).toString();
        if (!v.isEmpty())
            return v;
    }
    if (tool == u"locust" && output.trimmed() == u"locust")
        return u"locust (version not reported: Debian's 2.12 package prints none)"_s;
    static const QRegularExpression versionLike(uR"((\d+\.\d+(?:\.\d+)?[^\s,)]*))"_s);
    const QStringList lines = output.split(u'\n', Qt::SkipEmptyParts);
    for (const QString &line : lines) {
        const auto m = versionLike.match(line);
        if (m.hasMatch())
            return line.trimmed().left(120);
    }
    return lines.isEmpty() ? QString() : lines.first().trimmed().left(120);
}

void ToolLocator::probeVersions()
{
    m_tools.clear();
    const QStringList names = knownTools();
    for (const QString &name : names) {
        ToolInfo info{name, locate(name), {}};
        if (!info.found())
            info.problem = u"not found on PATH"_s;
        m_tools.append(info);
    }
    m_pending = 0;
    for (qsizetype i = 0; i < m_tools.size(); ++i) {
        if (!m_tools[i].found())
            continue;
        ++m_pending;
        auto *runner = new CommandRunner(nullptr, this);
        auto output = std::make_shared<QString>();
        auto errors = std::make_shared<QString>();
        connect(runner, &CommandRunner::stdoutLine, runner, [output](const QString &l) { output->append(l + u'\n'); });
        connect(runner, &CommandRunner::stderrLine, runner, [errors](const QString &l) { errors->append(l + u'\n'); });
        connect(runner, &CommandRunner::finished, this, [this, runner, output, errors, i](const CommandResult &r) {
            runner->deleteLater();
            ToolInfo &info = m_tools[i];
            // ssh -V answers on stderr; terraform warns there about a missing ~/.terraformrc.
            info.version = parseVersion(info.name, output->trimmed().isEmpty() ? *errors : *output);
            if (!r.succeeded() && info.version.isEmpty())
                info.problem = r.toError().message;
            if (--m_pending == 0)
                Q_EMIT probed(m_tools);
        });
        Command c{m_tools[i].path, versionArguments(m_tools[i].name)};
        c.timeout = std::chrono::seconds(20);
        runner->start(c);
    }
    if (m_pending == 0)
        Q_EMIT probed(m_tools);
}

} // namespace bc
