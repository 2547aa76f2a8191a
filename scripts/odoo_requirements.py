"""Print Odoo's own Python requirements, adapted to the Python running this script.

Odoo 18 pins, for Python 3.11, versions that no longer build from source; its pins for
Python 3.12 install fine on 3.11, so markers are evaluated as if on 3.12 when older.
psycopg2 becomes psycopg2-binary (no libpq headers needed); python-ldap and gevent
(LDAP login and the long-polling worker) are not needed by this addon and are left out.
"""

import sys

from packaging.markers import default_environment
from packaging.requirements import Requirement

LEFT_OUT = {"python-ldap", "gevent", "greenlet"}
RENAMED = {"psycopg2": "psycopg2-binary"}


def adapted(requirements_file):
    env = default_environment()
    if sys.version_info < (3, 12):
        env.update(python_version="3.12", python_full_version="3.12.0")
    for line in open(requirements_file, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        if req.marker and not req.marker.evaluate(env):
            continue
        name = req.name.lower()
        if name in LEFT_OUT:
            continue
        yield RENAMED.get(name, req.name) + str(req.specifier)


if __name__ == "__main__":
    print("\n".join(adapted(sys.argv[1])))
