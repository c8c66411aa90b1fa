# Sourced by backup.sh and restore.sh: the database to connect to, from DATABASE_URL
# (postgres://user:password@host:port/name?sslmode=...) when it is set, as libpq's PG*
# variables. The password then travels in the environment of pg_dump or pg_restore,
# readable by this user only, never on a command line that `ps` shows everyone.
# Without DATABASE_URL, libpq's own PGHOST, PGUSER, PGDATABASE... and ~/.pgpass apply.

if [ -n "${DATABASE_URL:-}" ]; then
  # An assignment, so that with `set -e` a URL python3 refuses stops the script here.
  variables=$(python3 - <<'PYTHON'
import os
import shlex
from urllib.parse import parse_qs, unquote, urlsplit

url = urlsplit(os.environ["DATABASE_URL"])
if url.scheme not in ("postgres", "postgresql"):
    raise SystemExit(f"DATABASE_URL is not a PostgreSQL URL ({url.scheme}://...)")
values = {
    "PGHOST": url.hostname or "",
    "PGPORT": str(url.port or ""),
    "PGUSER": unquote(url.username or ""),
    "PGPASSWORD": unquote(url.password or ""),
    "PGDATABASE": unquote(url.path.lstrip("/")),
    "PGSSLMODE": parse_qs(url.query).get("sslmode", [""])[0],
}
for name, value in values.items():
    if value:
        print(f"export {name}={shlex.quote(value)}")
PYTHON
  )
  eval "$variables"
fi

if [ -z "${PGDATABASE:-}" ]; then
  echo "Name the database: set DATABASE_URL (or libpq's PGDATABASE and friends)." >&2
  exit 2
fi
