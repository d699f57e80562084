"""The search page: one box, results of every kind the viewer may see, a filter by kind."""

from core import inputs, search, web


def page(request):
    """Search the site's content (members, posts, events, documents...)."""
    site = web.site_of(request)
    q = (request.query_params.get("q") or "").strip()[:200]
    kind = request.query_params.get("kind", "")
    kinds = [kind] if kind in site.entity_kinds else None
    rows = search.search(site, web.current_user(request), q, kinds, inputs.query_id(request, "before"))
    results = [{"entity": e, "kind": site.entity_kinds[e.kind], "url": web.entity_url(site, e)} for e in rows]
    return web.render(request, "core/search.html", {
        "q": q, "kind": kind, "results": results,
        "kinds": [(k.name, k.plural or k.label) for k in site.entity_kinds.values() if k.searchable],
        "next_before": rows[-1].guid if len(rows) == search.PAGE else None})
