#pragma once

#include <QString>

#include <optional>

namespace bc {

// Reads gcloud's human progress on stderr ("Creating cluster boutique in us-central1-b...", the
// tracker's detail " Cluster is being health-checked...", "done.", "Created [...]") and turns the lines
// that mean something into a phase and a rough fraction (0..1) of that one gcloud call.
class GcloudProgressParser
{
public:
    enum class Operation { Create, GetCredentials, Delete };
    explicit GcloudProgressParser(Operation operation)
        : m_operation(operation)
    { }

    struct Step
    {
        QString phase;
        double fraction = -1.0; // negative: no change
        bool isError = false;
    };
    std::optional<Step> feed(const QString &stderrLine);
    double fraction() const { return m_fraction; }

private:
    std::optional<Step> advance(QString phase, double fraction);

    Operation m_operation;
    QString m_base; // "Creating cluster boutique in us-central1-b"
    QString m_current;
    double m_fraction = 0.0;
};

} // namespace bc
