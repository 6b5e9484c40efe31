"""The floor every other layer stands on: errors, reports, strict JSON, base64url, clocks, work budgets.

Nothing here knows about credentials, keys or formats; each module is imported by its full name
(``thaivc.core.errors``, ``thaivc.core.report`` …), so this package itself loads nothing.
"""
