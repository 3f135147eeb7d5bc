#pragma once

namespace bc {

class JourneyModel;
class JourneyStrip;
class MainWindow;

// Connects the Start here strip to the window's panels: each step's button runs the panel's own action
// (the same as its button) and shows the panel; each backend object a panel creates (deploy job, load
// session, canary controller, order repository) is handed to the model, which follows its signals.
void wireJourney(MainWindow *window, JourneyModel *model, JourneyStrip *strip);

} // namespace bc
