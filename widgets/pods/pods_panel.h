#pragma once

#include "widgets/common/panel.h"

namespace bc {

// Pods: See every pod of the demo with its CPU and memory against its requests and limits, and spot the
// bottleneck. Not built yet: it shows what it will do and what it needs.
class PodsPanel : public Panel
{
    Q_OBJECT
public:
    explicit PodsPanel(QWidget *parent = nullptr);

    static PanelInfo describe();
};

} // namespace bc
