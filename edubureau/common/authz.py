"""Declarations for the authorization matrix (edubureau/tests/test_authorization_matrix.py).

Every app that adds URLs or API operations declares them in its own `authz.py`:

    URLS = {"safety:hazard_detail": Route("safety.hazard.view", "hazard")}
    API = {("GET", "/api/v1/safety/hazards/{id}"): Op("safety.hazard.view", "hazard")}
    TARGETS = {"hazard": lambda unit, requester: ({"pk": make_hazard(unit).pk}, unit)}
    BODIES = {"hazard_create": lambda unit, counter: {"school": unit.pk, ...}}

A URL that names an object takes it as `pk` (the matrix also checks that a missing pk answers 404).
The matrix then checks each declared page and operation for every test role against objects in three
schools, and fails for any URL or operation nobody declared.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    perm: str | None  # the permission the page needs; None: any signed-in user
    target: str | None = None  # the kind of object the URL names (see TARGETS), None: no object
    method: str = "get"  # "post": POST-only; "form": a GET form that may answer 422 without input
    public: bool = False  # answers anonymous visitors too


@dataclass(frozen=True)
class Op:
    perm: str | None
    target: str | None = None  # object named by {id}
    body: str | None = None  # how to build the request body (see BODIES / the matrix's api_body)
    lists: str | None = None  # a list endpoint: which kind of object must appear only when in scope
