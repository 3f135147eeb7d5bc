#include "backend/process/run_context.h"

#include "backend/process/command_log.h"
#include "backend/process/tool_locator.h"

namespace bc {

RunContext::RunContext(QObject *parent)
    : QObject(parent), m_log(new CommandLog(this)), m_tools(new ToolLocator(this))
{
}

} // namespace bc
