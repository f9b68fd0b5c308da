#!/usr/bin/env bash
# The map in docs/architecture.md ("The parts") against the tree: every
# folder under common/, peer/, client/ and tests/ that holds .c or .h files
# must have a row of its own in the map, and that row must name each of
# those files (by its bare name, in backquotes), and no file that is not
# there. Each mismatch is printed; the exit status is 1 if there was any.
#
#   tests/check-architecture.sh [ROOT]
#
# ROOT defaults to the top of this checkout. `make lint` runs it
# (tests/lint.sh); it needs only bash, find, sort and awk.
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
doc=docs/architecture.md
cd "$root" || exit 2
if [ ! -f "$doc" ]; then
	echo "check-architecture: $root/$doc is missing" >&2
	exit 2
fi

# The map's rows, one line each: "LINE FOLDER NAME...". A row starts with
# "| `FOLDER/`" in the section "## The parts"; the names are every
# backquoted word of the row ending in .c or .h without a slash.
rows=$(awk '
	/^## / { inmap = ($0 == "## The parts") ; next }
	!inmap || !/^\| `[^`]+\/`/ { next }
	{
		split($0, q, "`")
		folder = q[2]
		sub(/\/$/, "", folder)
		out = NR " " folder
		for (i = 4; i in q; i += 2)
			if (q[i] ~ /^[A-Za-z0-9_.+-]+\.[ch]$/)
				out = out " " q[i]
		print out
	}' "$doc")
if [ -z "$rows" ]; then
	echo "check-architecture: no map in $doc (a table of \"| \`FOLDER/\` |\" rows under \"## The parts\")" >&2
	exit 2
fi

# The source folders and their .c and .h files, from the tree.
sources=$(find common peer client tests -type f -name '*.[ch]' 2>/dev/null | sort)
folders=$(printf '%s\n' "$sources" | sed 's|/[^/]*$||' | sort -u)

bad=0
say() {
	echo "$*"
	bad=$((bad + 1))
}

# Each row: its folder exists, it names each file there, and only those.
while read -r line folder names; do
	if [ ! -d "$folder" ]; then
		say "$doc:$line: the map has a row for $folder/, which does not exist"
		continue
	fi
	for n in $names; do
		[ -f "$folder/$n" ] ||
		    say "$doc:$line: the map names $folder/$n, which does not exist"
	done
	for f in $(printf '%s\n' "$sources" | grep "^$folder/[^/]*$"); do
		case " $names " in
		*" ${f##*/} "*) ;;
		*) say "$f: not in the map (add it to the $folder/ row of $doc, \"The parts\")" ;;
		esac
	done
done <<<"$rows"

# Each source folder has a row.
mapped=$(printf '%s\n' "$rows" | awk '{ print $2 }')
for d in $folders; do
	printf '%s\n' "$mapped" | grep -qx "$d" ||
	    say "$d/: holds sources but has no row in the map ($doc, \"The parts\")"
done

# A folder named twice would be checked twice, against two lists.
for d in $(printf '%s\n' "$mapped" | sort | uniq -d); do
	say "$doc: the map has more than one row for $d/"
done

if [ $bad -ne 0 ]; then
	echo "check-architecture: $bad mismatch(es) between $doc and the tree" >&2
	exit 1
fi
echo "check-architecture: the map names every source file, and only those ($(printf '%s\n' "$sources" | wc -l) files in $(printf '%s\n' "$folders" | wc -l) folders)"
