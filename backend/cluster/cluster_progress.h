#pragma once

#include <QMetaType>
#include <QString>

namespace bc {

// One step forward in a long provisioning job, for a progress bar and a status line.
struct ClusterProgress
{
    QString phase; // "Creating cluster boutique in us-central1-b", "google_compute_instance.master[0]:
                   // Creating..."
    double fraction = -1.0; // 0..1 over the whole job; negative when unknown
    qint64 elapsedMs = 0; // since the job started
    bool operator==(const ClusterProgress &) const = default;
};

} // namespace bc

Q_DECLARE_METATYPE(bc::ClusterProgress)
