#pragma once
// The Deploy panel's pod table as the benches drive it: WorkloadsModel behind the sorted proxy and a shown
// QTableView, sorted by `column`.
#include "backend/deploy/workloads_model.h"

#include <QHeaderView>
#include <QSortFilterProxyModel>
#include <QTableView>

struct SortedPodTable
{
    SortedPodTable(int column, Qt::SortOrder order)
    {
        proxy.setSortRole(bc::WorkloadsModel::SortRole);
        proxy.setSourceModel(&model);
        view.setModel(&proxy);
        view.setSortingEnabled(true);
        view.sortByColumn(column, order);
        view.verticalHeader()->setDefaultSectionSize(20);
        view.resize(1200, 700);
        view.show();
    }

    bc::WorkloadsModel model {bc::WorkloadsModel::Kind::Pods};
    QSortFilterProxyModel proxy;
    QTableView view;
};
