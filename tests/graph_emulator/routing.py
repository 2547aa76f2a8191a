"""Route templates such as "/v1.0/me/events/{id}" matched against request paths.

Literal segments match case-insensitively, as Graph does ("calendarview" works too);
captured values keep their case.
"""

import re
from dataclasses import dataclass


@dataclass
class Route:
    method: str
    template: str
    handler: object
    pattern: re.Pattern
    locked: bool = True        # run under the state lock (False: handler locks itself)


class Router:
    def __init__(self):
        self.routes = []

    def add(self, method, template, handler, locked=True):
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        self.routes.append(Route(method.upper(), template, handler,
                                 re.compile(f"^{regex}$", re.IGNORECASE), locked))

    def find(self, method, path):
        """(route, params) for the method; (None, None) if no template fits; a route list
        of other methods when only the method is wrong."""
        other_methods = []
        for route in self.routes:
            match = route.pattern.match(path)
            if not match:
                continue
            if route.method == method.upper():
                return route, match.groupdict()
            other_methods.append(route)
        return None, other_methods
