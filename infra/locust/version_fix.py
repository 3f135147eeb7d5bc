"""Make Debian 12's Locust 2.12.1 master accept its workers.

Debian ships locust/_version.py with ``version = ''``. A worker announces that empty string in its
``client_ready`` message and the master rejects it as "An old (pre 2.0) worker". Loading this module
as an extra locustfile on the master AND on every worker gives both sides a non-empty version:

    locust -f version_fix.py,locustfile.py --master ...
    locust -f version_fix.py,locustfile.py --worker ...

It defines no User class, so it changes nothing else. With a Locust that has a real version string
it does nothing.
"""

import locust
import locust.runners

FALLBACK_VERSION = "2.12.1"

if not getattr(locust.runners, "__version__", ""):
    locust.runners.__version__ = FALLBACK_VERSION
if not getattr(locust, "__version__", ""):
    locust.__version__ = FALLBACK_VERSION
