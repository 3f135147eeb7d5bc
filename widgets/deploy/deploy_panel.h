#pragma once

#include "widgets/common/panel.h"

namespace bc {

// Deploy: Deploy Online Boutique to the selected cluster and watch every workload roll out.
// Not built yet: it shows what it will do and what it needs.
class DeployPanel : public Panel
{
    Q_OBJECT
public:
    explicit DeployPanel(QWidget *parent = nullptr);

    static PanelInfo describe();
};

} // namespace bc
