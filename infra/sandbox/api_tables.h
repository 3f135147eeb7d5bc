#pragma once

// Accept: application/json;as=Table;g=meta.k8s.io;v=v1: the Table answers of get, list and watch,
// in the route's version (the columns come from TablePrinter).

#include "infra/sandbox/json.h"

namespace bc::sandbox {

struct ApiRoute;
struct ListPage;

// One object as a Table with one row (get NAME, and every watch event).
Json objectTable(const ApiRoute &r, const Json &obj);
// A list page as a Table; with includeObject every row carries its object too (includeObject=Object).
Json listTable(const ApiRoute &r, const ListPage &page, bool includeObject);

} // namespace bc::sandbox
