#include "backend/cluster/terraform_progress_parser.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

int changeCount(const QJsonObject &changes)
{
    return changes.value(u"add"_s).toInt() + changes.value(u"change"_s).toInt()
        + changes.value(u"remove"_s).toInt() + changes.value(u"import"_s).toInt();
}

bool countsTowardsPlan(const QString &action)
{
    return action == u"create" || action == u"update" || action == u"delete" || action == u"replace"
        || action == u"import";
}

} // namespace

TerraformProgressParser::Update TerraformProgressParser::makeUpdate(
    const QString &phase, const QString &resource, bool isError) const
{
    return Update {phase, resource, m_done, m_total, isError, m_finished};
}

std::optional<TerraformProgressParser::Update> TerraformProgressParser::feed(const QString &line)
{
    const QString trimmed = line.trimmed();
    if (!trimmed.startsWith(u'{'))
        return std::nullopt;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject obj = doc.object();
    const QString type = obj.value(u"type"_s).toString();
    const QString message = obj.value(u"@message"_s).toString();

    if (type == u"planned_change") {
        const QJsonObject change = obj.value(u"change"_s).toObject();
        const QString addr = change.value(u"resource"_s).toObject().value(u"addr"_s).toString();
        const QString action = change.value(u"action"_s).toString();
        // replace is a delete plus a create: two hooks complete, and the summary counts it twice.
        if (countsTowardsPlan(action) && !m_haveSummary) {
            m_planned.insert(addr);
            m_total = std::max(m_total, int(m_planned.size()) + (action == u"replace" ? 1 : 0));
        }
        return makeUpdate(message, addr);
    }
    if (type == u"change_summary") {
        const QJsonObject changes = obj.value(u"changes"_s).toObject();
        const QString operation = changes.value(u"operation"_s).toString();
        if (operation == u"plan") {
            m_haveSummary = true;
            m_total = changeCount(changes);
        } else { // apply or destroy
            m_finished = true;
            m_done = std::max(m_done, changeCount(changes));
            m_total = std::max(m_total, m_done);
        }
        return makeUpdate(message, {});
    }
    if (type == u"apply_start" || type == u"apply_progress" || type == u"apply_complete"
        || type == u"apply_errored") {
        const QJsonObject hook = obj.value(u"hook"_s).toObject();
        const QString addr = hook.value(u"resource"_s).toObject().value(u"addr"_s).toString();
        const QString action = hook.value(u"action"_s).toString();
        if (type == u"apply_complete" && countsTowardsPlan(action)) {
            ++m_done;
            m_total = std::max(m_total, m_done);
        } else if (type == u"apply_errored") {
            ++m_failed;
            return makeUpdate(message.isEmpty() ? addr + u": failed"_s : message, addr, true);
        }
        return makeUpdate(message, addr);
    }
    if (type == u"diagnostic") {
        const QJsonObject diag = obj.value(u"diagnostic"_s).toObject();
        if (diag.value(u"severity"_s).toString() != u"error")
            return std::nullopt;
        const QString summary = diag.value(u"summary"_s).toString();
        const QString addr = diag.value(u"address"_s).toString();
        m_errors.append(addr.isEmpty() ? summary : u"%1: %2"_s.arg(addr, summary));
        return makeUpdate(u"Error: "_s + summary, addr, true);
    }
    return std::nullopt;
}

} // namespace bc
