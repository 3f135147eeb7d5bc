#pragma once

#include "widgets/common/panel.h"

namespace bc {

// Cluster: Choose where Online Boutique runs: the local sandbox, a GKE cluster, or k3s on your own machines.
// Create, check and delete clusters from here. Not built yet: it shows what it will do and what it needs.
class ClusterPanel : public Panel
{
    Q_OBJECT
public:
    explicit ClusterPanel(QWidget *parent = nullptr);

    static PanelInfo describe();
};

} // namespace bc
