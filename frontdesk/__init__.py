"""frontdesk: the showroom front desk of a car dealership (4S store).

The core package: models, the store, the business rules and services, and the CLI.
It never imports Textual; the terminal UI lives in the sibling package ``screens``.
"""

import sys
from importlib.abc import MetaPathFinder

__version__ = "0.1.0"


class _NoDriverForPeewee(MetaPathFinder):
    """Peewee (and its ``playhouse.migrations``) imports psycopg, PostgreSQL's driver, at
    its own import whenever it is installed: about 190 ms of every start, for a store that
    is an SQLite file. While Peewee's modules are being imported, psycopg is not found;
    ``frontdesk.store.postgres`` brings it in when a PostgreSQL store is opened, and hands
    it to Peewee."""

    def find_spec(self, name, path=None, target=None):
        if name == "psycopg" and any(
            (module == "peewee" or module.startswith("playhouse."))
            and getattr(getattr(sys.modules[module], "__spec__", None), "_initializing", False)
            for module in list(sys.modules)
        ):
            raise ModuleNotFoundError("psycopg: imported when a PostgreSQL store opens")
        return None


if "peewee" not in sys.modules:
    sys.meta_path.insert(0, _NoDriverForPeewee())
