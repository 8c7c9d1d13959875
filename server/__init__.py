"""Ruhu (入户通): household surveys for rural poverty registration and monitoring.

The package holds no code of its own, so that `import server.domain` loads the rules alone,
without Flask, SQLAlchemy or the JWT library. The app is built by `server.app.create_app()`.
"""
