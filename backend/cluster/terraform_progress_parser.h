#pragma once

#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace bc {

// Reads Terraform's machine-readable UI (`terraform apply|destroy -json`, one JSON object a line) and
// keeps a count of resources over the plan: planned_change and the plan's change_summary give the
// total, apply_complete / apply_errored move it on, the apply's change_summary ends it.
class TerraformProgressParser
{
public:
    struct Update
    {
        QString phase; // the line's @message, e.g. "google_compute_instance.master[0]: Creating..."
        QString resource = {}; // hook/change resource address, when the line is about one
        int done = 0;
        int total = 0;
        bool isError = false;
        bool finished = false; // the apply's (or destroy's) change_summary arrived
        double fraction() const { return total > 0 ? double(done) / total : (finished ? 1.0 : 0.0); }
    };

    // nullopt for lines that move nothing (version, refresh, outputs, non-JSON text).
    std::optional<Update> feed(const QString &line);

    int done() const { return m_done; }
    int total() const { return m_total; }
    int failed() const { return m_failed; }
    bool finished() const { return m_finished; }
    const QStringList &errors() const { return m_errors; } // diagnostic summaries of severity error

private:
    Update makeUpdate(const QString &phase, const QString &resource, bool isError = false) const;

    QSet<QString> m_planned;
    QStringList m_errors;
    int m_total = 0;
    int m_done = 0;
    int m_failed = 0;
    bool m_haveSummary = false;
    bool m_finished = false;
};

} // namespace bc
