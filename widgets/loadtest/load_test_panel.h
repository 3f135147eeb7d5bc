#pragma once

#include "widgets/common/panel.h"

namespace bc {

// Load test: Send realistic shopper traffic to the storefront with Locust and chart requests per second,
// response times and failures as they happen. Not built yet: it shows what it will do and what it needs.
class LoadTestPanel : public Panel
{
    Q_OBJECT
public:
    explicit LoadTestPanel(QWidget *parent = nullptr);

    static PanelInfo describe();
};

} // namespace bc
