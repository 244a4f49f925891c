"""Print, for a shell's `eval`, the PostgreSQL connection of the platform's settings (DATABASE_URL,
from the environment or .env) as libpq's variables, and MEDIA_ROOT: the backup scripts pass the
password to pg_dump through the environment, never on a command line. Run from the application's
directory: `eval "$(.venv/bin/python deploy/pg_env.py)"`."""

import os
import shlex
import sys

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")

from django.conf import settings  # noqa: E402 - after the settings module is named

db = settings.DATABASES["default"]
if db["ENGINE"] != "django.db.backends.postgresql":
    sys.exit(f"DATABASE_URL is not a PostgreSQL database ({db['ENGINE']}): pg_dump backs up PostgreSQL only")
for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
    value = str(db.get(key) or "")
    if value:  # else libpq's own default (or the variable already set), as for the platform itself
        print(f"export {variable}={shlex.quote(value)}")
print(f"export PGDATABASE={shlex.quote(db['NAME'])}")
print(f"MEDIA_ROOT={shlex.quote(str(settings.MEDIA_ROOT))}")
