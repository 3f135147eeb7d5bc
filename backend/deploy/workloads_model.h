#pragma once

#include "backend/kube/kube_objects.h"

#include <QPointer>

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSet>

namespace bc {

struct WatchEvent;
class FailureReasons;

// Deployments or pods of the target namespace as a table, fed only by KubeWatch events (never a re-list).
// A batch of events is applied incrementally: modified rows get one dataChanged per contiguous run,
// new rows one beginInsertRows at the end, deleted rows one beginRemoveRows per contiguous run. A model
// reset happens only in clear(). After a watch restart (resynced) the stream repeats the whole state:
// beginResync() marks every row stale, the repeated events refresh them, and sweepStale() drops the rows
// that did not come back (deleted while the stream was down).
class WorkloadsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum class Kind { Pods, Deployments };
    Q_ENUM(Kind)

    enum PodColumn { PodName, PodStatus, PodReady, PodRestarts, PodAge, PodNode, PodColumnCount };
    enum DeploymentColumn {
        DeploymentName,
        DeploymentReady,
        DeploymentUpToDate,
        DeploymentAvailable,
        DeploymentAge,
        DeploymentProblem, // reason: message, from FailureReasons
        DeploymentColumnCount
    };
    enum Role { NameRole = Qt::UserRole + 1, SortRole };

    explicit WorkloadsModel(Kind kind, QObject *parent = nullptr);

    Kind kind() const { return m_kind; }
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void applyEvents(const QList<WatchEvent> &events);
    void beginResync();
    void sweepStale();
    void clear();

    int rowOf(const QString &name) const; // -1 when absent
    QString nameAt(int row) const;
    const Pod *pod(int row) const; // Kind::Pods only
    const Deployment *deployment(int row) const; // Kind::Deployments only
    QStringList names() const;

    // Where the deployments' Problem column comes from (Kind::Deployments); not owned.
    void setFailureReasons(const FailureReasons *reasons);

    // The clock "age" is measured against; tests set it.
    void setNow(const QDateTime &now) { m_now = now; }

    static QString formatAge(qint64 seconds); // 45s, 3m, 2h5m, 4d

private:
    struct Row
    {
        QString name;
        Pod pod;
        Deployment deployment;
    };
    void removeRows(QList<int> rows);
    void reindexFrom(int first);
    QString cell(const Row &row, int column) const;
    QVariant sortKey(const Row &row, int column) const;

    Kind m_kind;
    QList<Row> m_rows;
    QHash<QString, int> m_index; // name -> row
    QSet<QString> m_stale;
    QDateTime m_now;
    QPointer<const FailureReasons> m_reasons;
};

} // namespace bc
