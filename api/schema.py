"""Post-processing of the OpenAPI schema (settings.SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""

from __future__ import annotations


def require_request_bodies(result: dict, generator, request, public) -> dict:
    """Every write of the API needs its JSON body: say so (drf-spectacular cannot tell for a body that is
    one of several shapes, the support request's)."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation["requestBody"]["required"] = True
    return result
