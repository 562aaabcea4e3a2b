"""Stapstenen: the app factory. Wiring only; behaviour lives in the blueprints and webapp.domain."""

from flask import Flask


def create_app(config=None) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_relative_config=True)
    from webapp.config import Config

    app.config.from_object(config or Config)
    proxies = app.config["PROXY_FIX"]
    if any(proxies.values()):  # request.remote_addr (rate limits), scheme and host as the proxy received them
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, **{f"x_{key}": n for key, n in proxies.items()})

    from webapp import assets, database, errors, security, templating
    from webapp.extensions import babel, compress, csrf, db, htmx, limiter, login_manager, migrate
    from webapp.i18n import get_locale, get_timezone
    from webapp.models.base import render_item

    app.url_map.converters["int"] = database.DatabaseId

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True,
                     render_item=render_item)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=get_locale, timezone_selector=get_timezone)
    csrf.init_app(app)
    htmx.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    assets.init_app(app)
    errors.init_app(app)

    from webapp.blueprints import register_blueprints

    register_blueprints(app)

    from webapp import cli

    cli.init_app(app)
    return app
