"""The domain is importable on its own: report workers, import jobs and scripts load the rules
without the web framework or the database layer."""

import subprocess
import sys


def test_importing_the_domain_loads_no_framework():
    code = (
        "import sys, server.domain, server.domain.summary, server.domain.validation,"
        " server.domain.workflow, server.domain.forms, server.sync.merge, server.sync.paths\n"
        "loaded = [m for m in ('flask', 'sqlalchemy', 'flask_jwt_extended', 'marshmallow')"
        " if m in sys.modules]\n"
        "assert not loaded, loaded"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
