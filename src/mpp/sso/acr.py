"""Levels of assurance as OpenID Connect ``acr`` values: ``urn:mpp:loa:1`` … ``urn:mpp:loa:3``.

The levels are ordered: an account at level 3 satisfies a request for level 2.
"""

from mpp.identity.models import AssuranceLevel

PREFIX = "urn:mpp:loa:"
ACR_VALUES: dict[str, int] = {f"{PREFIX}{level}": level for level in AssuranceLevel.values}


def acr_of(user) -> str:
    return f"{PREFIX}{user.assurance_level}"


def required_level(acr_values: str = "", claims: dict | None = None) -> int | None:
    """The lowest level an authorization request accepts, or None when it asks for none.

    Reads ``acr_values`` (space-separated, in order of preference) and the ``acr`` entry of
    the ``claims`` parameter's ``id_token`` member (``value`` or ``values``). Values we do not
    issue are ignored; any of the known ones satisfies the request, so the lowest one counts.
    """
    requested = acr_values.split()
    acr_claim = ((claims or {}).get("id_token") or {}).get("acr") if isinstance(claims, dict) else None
    if isinstance(acr_claim, dict):
        if isinstance(acr_claim.get("values"), list):
            requested += [value for value in acr_claim["values"] if isinstance(value, str)]
        if isinstance(acr_claim.get("value"), str):
            requested.append(acr_claim["value"])
    levels = [ACR_VALUES[value] for value in requested if value in ACR_VALUES]
    return min(levels) if levels else None
