#include "widgets/journey/journey_wiring.h"

#include "backend/deploy/deploy_job.h"
#include "backend/deploy/manifest_set.h"
#include "backend/journey/journey_model.h"
#include "backend/load/load_session.h"
#include "backend/session/cluster_session.h"
#include "widgets/canary/canary_panel.h"
#include "widgets/cluster/cluster_panel.h"
#include "widgets/deploy/deploy_panel.h"
#include "widgets/journey/journey_strip.h"
#include "widgets/loadtest/load_test_panel.h"
#include "widgets/main_window.h"
#include "widgets/orders/orders_panel.h"

namespace bc {

namespace {

template <typename P> P *panelOf(MainWindow *window)
{
    for (Panel *panel : window->panels()) {
        if (auto *p = qobject_cast<P *>(panel))
            return p;
    }
    return nullptr;
}

} // namespace

void wireJourney(MainWindow *window, JourneyModel *model, JourneyStrip *strip)
{
    auto *cluster = panelOf<ClusterPanel>(window);
    auto *deploy = panelOf<DeployPanel>(window);
    auto *load = panelOf<LoadTestPanel>(window);
    auto *canary = panelOf<CanaryPanel>(window);
    auto *orders = panelOf<OrdersPanel>(window);

    if (deploy)
        QObject::connect(deploy, &DeployPanel::deployStarted, model, &JourneyModel::watchDeployJob);
    if (load)
        QObject::connect(load, &LoadTestPanel::runStarted, model, &JourneyModel::watchLoadSession);
    if (load && canary)
        QObject::connect(load, &LoadTestPanel::runStarted, canary, &CanaryPanel::followLoadSession);
    if (orders)
        model->watchOrders(orders->repository());
    if (canary) {
        // The panel makes its controller for the first target; it exists once targetChanged reached it.
        const auto watchCanary = [model, canary] { model->watchCanary(canary->controller(), nullptr); };
        QObject::connect(window->session(), &ClusterSession::targetChanged, model, watchCanary);
        model->watchCanary(canary->controller(), canary->verifier());
    }

    QObject::connect(
        strip, &JourneyStrip::actionRequested, window, [=](JourneyStep::Id id, JourneyAction action) {
            switch (action) {
            case JourneyAction::StartSandbox:
                window->showPanel(ClusterPanel::describe().key);
                if (cluster) {
                    cluster->setEnvironment(ClusterPanel::Environment::Sandbox);
                    cluster->startSandbox();
                }
                return;
            case JourneyAction::Deploy:
                window->showPanel(DeployPanel::describe().key);
                if (deploy) {
                    // The lab's shop: the minimal edition with v2 of the catalog, ready for the canary.
                    deploy->setEdition(ManifestSet::Edition::Minimal, true);
                    deploy->deploy();
                }
                return;
            case JourneyAction::RunLoadTest:
                window->showPanel(LoadTestPanel::describe().key);
                if (load)
                    load->startRunAgainst(model->frontendUrl());
                return;
            case JourneyAction::StopLoadTest:
                if (load)
                    load->stopRun();
                return;
            case JourneyAction::ApplyCanary:
                window->showPanel(CanaryPanel::describe().key);
                if (canary)
                    canary->applyShare(JourneyModel::kCanaryPercent);
                return;
            case JourneyAction::VerifyCanary:
                window->showPanel(CanaryPanel::describe().key);
                if (canary)
                    canary->verifySplit();
                return;
            case JourneyAction::Show: {
                const QStringList keys = {ClusterPanel::describe().key, DeployPanel::describe().key,
                    LoadTestPanel::describe().key, CanaryPanel::describe().key, OrdersPanel::describe().key};
                window->showPanel(keys.at(int(id)));
                if (id == JourneyStep::Id::Orders)
                    model->refreshOrders();
                return;
            }
            case JourneyAction::None:
                return;
            }
        });
}

} // namespace bc
