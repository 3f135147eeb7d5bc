#pragma once

// The checks and defaults every write shares: create, replace (api_writes.cpp), patch and apply
// (api_patch.cpp).

#include "infra/sandbox/json.h"
#include "infra/sandbox/object_store.h"

namespace bc::sandbox {

struct ApiContext;
struct ApiRoute;

// Missing apiVersion/kind default from the URL (as the API server's decoder does); a
// different one is an error.
void checkKind(const ApiContext &ctx, const ApiRoute &r, Json &obj);
// The namespace from the URL; labels and annotations must be maps.
void prepareMetadata(const ApiRoute &r, Json &obj);
// Validates, admits and stores a new object (or only checks it, dryRun). Throws ApiError.
SnapshotPtr createObject(ApiContext &ctx, const ApiRoute &r, Json obj, bool dryRun);
// Keeps what clients may not change through the main resource.
Json keepServerFields(const ApiRoute &r, const Json &live, Json obj);
// What a stored write sets off (a CustomResourceDefinition serves its types).
void afterWrite(ApiContext &ctx, const ApiRoute &r, const SnapshotPtr &s);

} // namespace bc::sandbox
