#include "backend/cluster/terraform_commands.h"

using namespace Qt::StringLiterals;

namespace bc {

QStringList TerraformCommands::variables(const QList<std::pair<QString, QString>> &nameValues)
{
    QStringList args;
    for (const auto &[name, value] : nameValues)
        args << u"-var"_s << u"%1=%2"_s.arg(name, value);
    return args;
}

Command TerraformCommands::terraform(QStringList arguments, std::chrono::milliseconds timeout) const
{
    arguments.prepend(u"-chdir=%1"_s.arg(m_config.terraformDir));
    Command c {.program = u"terraform"_s, .arguments = std::move(arguments),
        .workingDirectory = m_config.workingDirectory};
    c.timeout = timeout;
    c.environment.insert(u"TF_IN_AUTOMATION"_s, u"1"_s);
    c.environment.insert(u"TF_INPUT"_s, u"0"_s);
    c.environment.insert(u"CHECKPOINT_DISABLE"_s, u"1"_s);
    return c;
}

Command TerraformCommands::init() const
{
    return terraform({u"init"_s, u"-input=false"_s, u"-no-color"_s}, kInitTimeout);
}

Command TerraformCommands::apply() const
{
    return terraform(QStringList {u"apply"_s, u"-auto-approve"_s, u"-json"_s, u"-input=false"_s} + m_config.variables,
                     m_config.applyTimeout);
}

Command TerraformCommands::output() const
{
    Command c = terraform({u"output"_s, u"-json"_s}, std::chrono::minutes(1));
    c.captureStdout = true;
    return c;
}

Command TerraformCommands::destroy() const
{
    return terraform(QStringList {u"destroy"_s, u"-auto-approve"_s, u"-json"_s, u"-input=false"_s} + m_config.variables,
                     m_config.applyTimeout);
}

} // namespace bc
