#!/bin/sh
# check-editors.sh - run check_editors.py (the Vim syntax and the TextMate
# grammar know every keyword of the language) with Debian's python3.
# Usage: check-editors.sh LINGERLAB SOURCE_DIR. Exit 77 (SKIP) without python3.
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3) || {
	echo "SKIP: python3 is not installed (Debian: python3): the editor files were not checked"
	exit 77
}
exec "$py" "$(dirname "$0")/check_editors.py" "$@"
