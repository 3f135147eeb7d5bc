#include "widgets/orders/orders_panel.h"

using namespace Qt::StringLiterals;

namespace bc {

OrdersPanel::OrdersPanel(QWidget *parent)
    : Panel(describe(), parent)
{ }

PanelInfo OrdersPanel::describe()
{
    return PanelInfo {
        .key = u"orders"_s,
        .title = u"Order log"_s,
        .icon = u"orders"_s,
        .summary
        = u"Browse every order placed in the storefront, as recorded by the order log service in PostgreSQL."_s,
        .features = {u"Orders newest first, loaded page by page however many there are"_s,
            u"Search by order id or e-mail address"_s,
            u"Reconnect on its own through kubectl port-forward when the database runs in the cluster"_s},
        .needs
        = {u"The order log service and its PostgreSQL (deployed with Online Boutique, or the local sandbox)"_s,
            u"kubectl, for a database in the cluster"_s},
    };
}

} // namespace bc
