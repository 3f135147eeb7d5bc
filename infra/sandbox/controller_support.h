#pragma once

// Small helpers the simulated controllers share: reading pods and owners, building conditions.

#include "infra/sandbox/json.h"

#include <string>

namespace bc::sandbox {

struct ResourceType;

namespace sim {

constexpr const char *kPods = "pods";
constexpr const char *kNodes = "nodes";
constexpr const char *kServices = "services";
constexpr const char *kEndpoints = "endpoints";
constexpr const char *kDeployments = "deployments.apps";
constexpr const char *kReplicaSets = "replicasets.apps";

std::string randomSuffix(int n);
double random01();
bool isOwnedBy(const Json &obj, const std::string &uid);
bool terminating(const Json &obj);
bool podReady(const Json &pod);
long long intAt(const Json &obj, const char *path, long long dflt = 0);

struct Requests {
    double cpu = 0, memory = 0;
};
Requests podRequests(const Json &pod); // requests, else limits, summed over containers
Requests podLimits(const Json &pod);

Json condition(const std::string &type, bool status, const std::string &now, const std::string &reason = {},
               const std::string &message = {});
// Keeps lastTransitionTime (and lastUpdateTime) when a condition did not change, so an
// unchanged status writes nothing.
void setConditions(Json &status, Json conditions);

const ResourceType &podType();
std::string timeNow(); // the API's timestamp format

} // namespace sim
} // namespace bc::sandbox
