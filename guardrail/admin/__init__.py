"""The admin listener's JSON API under ``/guardrail/v1/``, one module per resource.

Each module offers a ``web.RouteTableDef`` and the ``web.AppKey`` of what its handlers need, so
``guardrail.app`` wires the parts it built: ``app[CONVERSATIONS] = store`` and
``app.router.add_routes(conversations.routes)``.
"""
