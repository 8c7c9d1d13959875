"""Ruhu (入户通): the Flask application factory."""

from pathlib import Path

from flask import Flask

from server import compression, config, security
from server.core.database import tune_engine
from server.extensions import db, jwt, migrate

WEB = config.ROOT / "web"


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(config.ROOT / "instance"),
        static_folder=str(WEB / "static"),
        template_folder=str(WEB / "templates"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config.load(Path(app.instance_path), test_config))
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    security.init_app(app)
    compression.init_app(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.ROOT / "migrations"), render_as_batch=True)
    jwt.init_app(app)
    with app.app_context():
        tune_engine(db.engine)
    from server.campaigns import tasks as campaign_jobs
    from server.core import queue
    from server.identity import tokens  # noqa: F401  (registers the JWT callbacks)
    from server.reports import tasks as report_jobs

    jobs = queue.init_app(app)
    report_jobs.register(jobs, app.config["RUHU_PRERENDER_MINUTES"])
    campaign_jobs.register(jobs)


def register_blueprints(app: Flask) -> None:
    from server.api import api

    app.register_blueprint(api)
    try:
        from server.webapp import bp as webapp
    except ImportError:  # the phone app's routes live beside the API; absent in a bare API build
        webapp = None
    if webapp is not None:
        app.register_blueprint(webapp)
    from server.desk import bp as desk

    app.register_blueprint(desk)


def register_errorhandlers(app: Flask) -> None:
    from server.api.errors import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    from server.cli import init_app

    init_app(app)
