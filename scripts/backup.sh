#!/bin/sh
# Back up the product's PostgreSQL database into one file, in pg_dump's custom format
# (compressed; pg_restore reads it). docs/operations.md, "Back up and restore".
#
#   DATABASE_URL=postgres://mentoring:password@127.0.0.1:5432/mentoring \
#     scripts/backup.sh /var/backups/mentoring
#
# Writes FOLDER/mentoring-<UTC date and time>.dump, readable by its owner only, and
# prints its path. The file appears only once the dump is complete: a failed dump
# leaves nothing that looks like a backup. pg_dump must be of the server's major
# version or newer.
set -eu

if [ "$#" -ne 1 ]; then
  echo "Usage: scripts/backup.sh FOLDER   (with DATABASE_URL set)" >&2
  exit 2
fi
. "$(dirname "$0")/database.sh"

folder=$1
mkdir -p "$folder"
umask 077
file="$folder/mentoring-$(date -u +%Y-%m-%dT%H%M%SZ).dump"
trap 'rm -f "$file.partial"' EXIT
pg_dump --format custom --file "$file.partial"
mv "$file.partial" "$file"
echo "$file"
