"""Every blueprint and the URL prefix it owns: the one place that mounts them on the app.

Each blueprint is defined beside its views, one per package, and owns the URLs under its prefix.
Where a package holds more than one module should (~300 lines), the second module is a blueprint
nested in the first, beside it: client.people (webapp/client/people.py) and staff.voice
(webapp/staff/voice.py, at /staff/voice). Nothing attaches routes by being imported.
"""

from flask import Flask

from webapp.auth.views import bp as auth
from webapp.client.views import bp as client
from webapp.extensions import csrf
from webapp.partner.views import bp as partner
from webapp.partner_api.views import bp as partner_api
from webapp.pwa.views import bp as pwa
from webapp.staff.views import bp as staff
from webapp.voice.views import bp as voice


def register_blueprints(app: Flask) -> None:
    csrf.exempt(partner_api)  # bearer tokens, not cookies: no cross-site request can carry one
    for blueprint, prefix in ((auth, None), (client, None), (pwa, None), (voice, None), (staff, "/staff"),
                              (partner, "/partner"), (partner_api, "/api/v1")):
        app.register_blueprint(blueprint, url_prefix=prefix)
