#pragma once

#include "widgets/common/panel.h"

namespace bc {

// Order log: Browse every order placed in the storefront, as recorded by the order log service in PostgreSQL.
// Not built yet: it shows what it will do and what it needs.
class OrdersPanel : public Panel
{
    Q_OBJECT
public:
    explicit OrdersPanel(QWidget *parent = nullptr);

    static PanelInfo describe();
};

} // namespace bc
