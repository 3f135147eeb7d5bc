#pragma once

#include "widgets/common/panel.h"

namespace bc {

// Canary: Roll a new version of a service out to a share of the traffic, check the split, then promote or
// roll back. Not built yet: it shows what it will do and what it needs.
class CanaryPanel : public Panel
{
    Q_OBJECT
public:
    explicit CanaryPanel(QWidget *parent = nullptr);

    static PanelInfo describe();
};

} // namespace bc
