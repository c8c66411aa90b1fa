#!/bin/sh
# Restore a dump made by backup.sh into the database DATABASE_URL names.
# docs/operations.md, "Back up and restore".
#
#   DATABASE_URL=postgres://mentoring:password@127.0.0.1:5432/mentoring_restored \
#     scripts/restore.sh /var/backups/mentoring/mentoring-2026-01-31T020000Z.dump
#
# The database must exist (createdb makes an empty one). What the dump holds replaces
# what the database has of the same tables (--clean); all in one transaction, so a
# restore that fails changes nothing. Owners and grants are not restored: the tables
# belong to the user DATABASE_URL names. Stop the web processes, workers and beat
# before restoring over the database they use.
set -eu

if [ "$#" -ne 1 ] || [ ! -f "$1" ]; then
  echo "Usage: scripts/restore.sh DUMP-FILE   (with DATABASE_URL set)" >&2
  exit 2
fi
. "$(dirname "$0")/database.sh"

pg_restore --dbname "$PGDATABASE" --clean --if-exists --no-owner --no-privileges \
  --single-transaction --exit-on-error "$1"
echo "Restored $1 into $PGDATABASE."
