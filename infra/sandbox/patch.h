#pragma once

#include "infra/sandbox/json.h"

namespace bc::sandbox {

// Strategic merge patch (application/strategic-merge-patch+json) for the fields kubectl touches:
// lists with a merge key (containers/env/volumes by name, ports by containerPort or port, ...)
// merge per element; $patch, $setElementOrder/, $retainKeys, $deleteFromPrimitiveList/ are honoured
// and never stored. null deletes a field.
Json strategicMerge(const Json &original, const Json &patch);

// RFC 7386 merge patch.
Json mergePatch(const Json &original, const Json &patch);

// RFC 6902 JSON patch; throws ApiError(422) when an operation fails.
Json jsonPatch(const Json &original, const Json &ops);

// Server-side apply, simplified: `applied` is merged into `live` (strategic rules), and fields
// this manager applied last time (`previous`) but no longer lists are removed.
Json serverSideApply(const Json &live, const Json &previous, const Json &applied);

} // namespace bc::sandbox
