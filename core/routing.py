"""A site's router: the core's routes, then each plugin's routes under its own prefix.

A plugin's ``maillage_routes`` paths are relative to its prefix: the ``blog`` plugin returns
``Route("/new", ...)`` and serves ``/blog/new``. Its routes are mounted in a :class:`PluginMount`
named after it, so no plugin can answer a path of the core or of another plugin. Every endpoint
is a plain ``def`` the core wraps with :func:`core.web.wrap_endpoint` (database connection, the
member, CSRF on POST); anything the core cannot wrap that way stops the site's start with a
:class:`core.plugins.PluginContractError` saying why.
"""

from __future__ import annotations

import contextlib
import functools
import inspect

from starlette.datastructures import URLPath
from starlette.routing import BaseRoute, Mount, Route, Router

from core import web
from core.plugins import PluginContractError


class PluginMount(Mount):
    """One plugin's routes under ``/<plugin>``.

    A route is found for ``url_for`` by ``"<plugin>:<route name>"``, as Starlette names the
    routes of a named Mount, or by its bare name: the core keeps route names unique on a site.
    """

    def url_path_for(self, name: str, /, **path_params) -> URLPath:
        if ":" not in name and not (name == self.name and "path" in path_params):
            name = f"{self.name}:{name}"
        return super().url_path_for(name, **path_params)


def build(core_routes: list[BaseRoute], plugin_routes: dict[str, list[BaseRoute]],
          static: list[BaseRoute]) -> Router:
    """The router of a site: ``static`` mounts, the core's routes, then each plugin's mount.

    Raise :class:`PluginContractError` when a plugin's prefix is a path the core serves, when
    two routes share a name, or when an endpoint cannot be wrapped.
    """
    core_routes = [checked("core", route) for route in core_routes]
    taken = {_first_segment(route.path): "the core" for route in core_routes + static}
    taken.pop("", None)
    names = {name: "the core" for name in _names(core_routes)}
    mounts = []
    for plugin, routes in plugin_routes.items():
        if plugin in taken:
            raise PluginContractError(
                f"plugin {plugin!r}: its pages would be served under /{plugin}/, where {taken[plugin]} "
                f"already serves pages; a plugin cannot take over the core's paths")
        doubled = [r.path for r in routes if r.path == f"/{plugin}" or r.path.startswith(f"/{plugin}/")]
        if doubled:
            raise PluginContractError(
                f"plugin {plugin!r}: route paths are relative to the plugin's prefix /{plugin}/; write "
                f"{doubled[0].removeprefix('/' + plugin) or '/'!r}, not {doubled[0]!r}")
        routes = [checked(plugin, route) for route in routes]
        for name in _names(routes):
            if name in names:
                raise PluginContractError(
                    f"plugin {plugin!r}: the route name {name!r} is already used by {names[name]}; "
                    "route names are unique on a site (prefix them with the plugin's name)")
            names[name] = f"plugin {plugin!r}"
        mounts.append(PluginMount(f"/{plugin}", app=Router(routes, default=web.not_found_endpoint),
                                  name=plugin))
    return SiteRouter(routes=[*static, *core_routes, *mounts], default=web.not_found_endpoint)


PATHS_KEPT = 50_000  # addresses kept per site router (about 10 MB at most)


class SiteRouter(Router):
    """A site's router, finding the path of a named route without trying every route.

    Starlette's ``url_path_for`` asks each route in turn, each refusal an exception: with some
    sixty routes, the thirty links of a page cost more than its queries. Route names are unique
    on a site (:func:`build` checks it), so each name maps to one route and the prefixes of the
    Mounts above it; anything else (a Mount's own name, an unknown name) goes the usual way."""

    @functools.cached_property
    def _by_name(self) -> dict[str, tuple[str, Route]]:
        found = {}

        def walk(routes, prefix, mount_names):
            for route in routes:
                if isinstance(route, Mount):
                    if "{" in route.path:
                        continue  # a Mount with parameters of its own: left to Starlette
                    walk(route.routes, prefix + route.path, mount_names + ([route.name] if route.name else []))
                elif isinstance(route, Route) and route.name:
                    for name in {route.name, ":".join([*mount_names, route.name])}:
                        found[name] = (prefix, route)

        walk(self.routes, "", [])
        return found

    def url_path_for(self, name: str, /, **path_params) -> URLPath:
        """The path of the route ``name``; each distinct (name, parameters) is built once per router
        (a router never changes: a site's new revision builds a new one): a feed page asks its
        members' and entities' addresses some eighty times."""
        key = (name, *path_params.items())
        try:
            return self._paths[key]
        except (KeyError, TypeError):  # TypeError: a parameter that cannot be a key
            pass
        known = self._by_name.get(name)
        if known is None:
            return super().url_path_for(name, **path_params)
        prefix, route = known
        path = route.url_path_for(route.name, **path_params)
        path = URLPath(prefix + str(path), protocol=path.protocol) if prefix else path
        if len(self._paths) >= PATHS_KEPT:
            self._paths.clear()
        with contextlib.suppress(TypeError):
            self._paths[key] = path
        return path

    @functools.cached_property
    def _paths(self) -> dict:
        return {}


def route_of(router: Router, path: str, method: str = "GET") -> str | None:
    """The name of the route of ``router`` (a site's ``site.app``) answering ``method`` at ``path``
    (a path, a query string or fragment ignored), or None when no named route does: what a test
    asks of an address the site builds, such as an entity kind's ``url``."""
    path = path.split("#", 1)[0].split("?", 1)[0]
    for route in router.routes:
        if isinstance(route, Mount):
            match = route.path_regex.match(path)
            if match and route.routes:
                found = route_of(route, "/" + match.group("path"), method)
                if found:
                    return found
        elif isinstance(route, Route) and route.name and route.path_regex.match(path) \
                and (route.methods is None or method in route.methods):
            return route.name
    return None


def checked(owner: str, route: BaseRoute) -> BaseRoute:
    """``route`` with its endpoint wrapped by :func:`core.web.wrap_endpoint` (in a Mount, each
    route's); raise :class:`PluginContractError` for what the core cannot wrap."""
    if isinstance(route, Route):
        endpoint = route.endpoint
        if getattr(endpoint, "_maillage_wrapped", False):
            return route
        target = endpoint
        while isinstance(target, functools.partial):
            target = target.func
        where = f"{owner!r}: the endpoint of {route.path} ({getattr(target, '__qualname__', target)!r})"
        if inspect.iscoroutinefunction(target) or inspect.iscoroutinefunction(endpoint):
            raise PluginContractError(
                f"{where} is an async function. Write it as a plain def: the core runs endpoints in "
                "the thread pool with the database connection open, the member loaded and the CSRF "
                "token of a POST checked, which an async endpoint would skip")
        if not (inspect.isfunction(target) or inspect.ismethod(target)):
            raise PluginContractError(f"{where} is not a function; endpoints are plain def functions "
                                      "taking the request")
        return Route(route.path, web.wrap_endpoint(endpoint), methods=list(route.methods or []) or None,
                     name=route.name, include_in_schema=route.include_in_schema)
    if isinstance(route, Mount):
        if not route.routes:
            raise PluginContractError(f"{owner!r}: the Mount {route.path} serves an application the core "
                                      "cannot check; give it routes instead")
        return Mount(route.path, app=Router([checked(owner, r) for r in route.routes],
                                            default=web.not_found_endpoint), name=route.name)
    raise PluginContractError(f"{owner!r}: {type(route).__name__} {getattr(route, 'path', '')} is not a "
                              "Route or a Mount of Routes; the core serves only those")


def _first_segment(path: str) -> str:
    return path.strip("/").split("/", 1)[0]


def _names(routes) -> list[str]:
    found = []
    for route in routes:
        if isinstance(route, Mount):
            found += _names(route.routes)
        elif getattr(route, "name", None):
            found.append(route.name)
    return found
