#include "backend/core/logging.h"

Q_LOGGING_CATEGORY(lcProcess, "bc.process", QtWarningMsg)
Q_LOGGING_CATEGORY(lcKube, "bc.kube", QtWarningMsg)
Q_LOGGING_CATEGORY(lcLocust, "bc.locust", QtWarningMsg)
Q_LOGGING_CATEGORY(lcOrderlog, "bc.orderlog", QtWarningMsg)
Q_LOGGING_CATEGORY(lcCluster, "bc.cluster", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "bc.ui", QtWarningMsg)
