#include "infra/sandbox/api_tables.h"

#include "infra/sandbox/api_context.h"
#include "infra/sandbox/list_paging.h"
#include "infra/sandbox/table_printer.h"

#include <string>
#include <vector>

namespace bc::sandbox {

Json objectTable(const ApiRoute &r, const Json &obj)
{
    const Json o = withVersion(r, obj);
    return TablePrinter::table(r.type, {&o}, str(o["metadata"], "resourceVersion"));
}

Json listTable(const ApiRoute &r, const ListPage &page, bool includeObject)
{
    std::vector<Json> objs;
    objs.reserve(page.items.size());
    for (const auto &s : page.items)
        objs.push_back(withVersion(r, s->obj));
    std::vector<const Json *> ptrs;
    for (const auto &o : objs)
        ptrs.push_back(&o);
    Json table = TablePrinter::table(r.type, ptrs, std::to_string(page.resourceVersion));
    if (!page.continueToken.empty())
        table["metadata"]["continue"] = page.continueToken;
    if (page.remainingItems >= 0)
        table["metadata"]["remainingItemCount"] = page.remainingItems;
    if (includeObject)
        for (size_t i = 0; i < objs.size(); ++i)
            table["rows"][i]["object"] = objs[i];
    return table;
}

} // namespace bc::sandbox
