#!/usr/bin/env bash
# check-layers.sh: the folders keep to their layers. `make lint` runs it
# (tests/lint.sh); it runs alone too, in a second, with nothing but bash
# and awk:
#
#   tests/check-layers.sh
#
# Two rules, over every .c and .h in common/, peer/ and client/:
#
#  (a) A private header, X_int.h, is included only from its own folder.
#      What another folder needs goes in a header of its own.
#  (b) A folder includes only its own headers and those of the layers
#      below it:
#        common                     (speaks to no one)
#        peer      < common
#        client:   common < words < probe < sandbox < platform < agent
#                  < language < evaluate < report < runner < observe < cmd
#      A folder under a layer (client/observe/shim) is part of that layer.
#      tests/ may include anything, and is included by nothing here.
#
# The CMake libraries must agree: a folder's target_link_libraries names
# only libraries of its own layer or below. docs/architecture.md draws the
# layers and says what each holds.
#
# Each violation is printed as FILE:LINE: what, and why not; exit 1 if
# there is any, 0 when the tree keeps to its layers, 2 when it cannot look.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2

# The client's layers, lowest first. A new folder under client/ must be
# placed here (the check says so until it is).
client_order="words probe sandbox platform agent language evaluate report runner observe cmd"

for d in common peer client; do
	if [ ! -d "$d" ]; then
		echo "check-layers: no $d/ under $root" >&2
		exit 2
	fi
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-layers.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# Every header of the tree, and where the libraries are declared.
find common peer client tests -name '*.h' | LC_ALL=C sort >"$tmp/headers"
find common peer client -name '*.[ch]' | LC_ALL=C sort >"$tmp/sources"
find common peer client -name CMakeLists.txt | LC_ALL=C sort >"$tmp/cmake"
# "name folder" for each lingerlab_library() and add_library()
while read -r f; do
	sed -n 's/^[[:space:]]*\(lingerlab_library\|add_library\)([[:space:]]*\([A-Za-z0-9_-]*\).*/\2/p' "$f" |
	    while read -r lib; do
		echo "$lib $(dirname "$f")"
	done
done <"$tmp/cmake" >"$tmp/libraries"

# shellcheck disable=SC2046 # one file name per word: none has a space
awk -v order="$client_order" -v headers="$tmp/headers" -v libraries="$tmp/libraries" '
function layer_of(path,    a) {
	split(path, a, "/")
	if (a[1] == "client")
		return a[3] == "" ? "client" : a[2]
	return a[1]
}
function dir_of(path) {
	sub(/\/[^\/]*$/, "", path)
	return path
}
function allowed(from, to) {
	if (from == to || (to == "common" && from != "tests"))
		return 1
	if (from == "common" || from == "peer" || to == "tests")
		return 0
	if (!(from in rank) || !(to in rank))
		return 0
	return rank[to] < rank[from]
}
# What a layer may use besides its own, for the messages.
function below(from,    s, l) {
	if (from == "common")
		return ""
	if (from == "peer" || !(from in rank))
		return " and those of common"
	s = "common"
	for (l = 1; l <= nlayers && layers[l] != from; l++)
		s = s (l + 1 < rank[from] ? ", " : " and ") layers[l]
	return " and those of " s
}
function where(layer) {
	return layer == "common" || layer == "peer" || layer == "tests" ? \
	    layer "/" : "client/" layer "/"
}
function flag(msg) {
	if (msg ~ /^client\// && !(layer_of(msg) in rank) && !(layer_of(msg) in told)) {
		told[layer_of(msg)] = 1
		print "client/" layer_of(msg) "/: not in the layer order: place it in " \
		    "client_order in tests/check-layers.sh"
		bad++
	}
	print msg
	bad++
}
BEGIN {
	nlayers = split(order, layers, " ")
	for (l = 1; l <= nlayers; l++)
		rank[layers[l]] = l
	while ((getline h <headers) > 0) {
		n = h
		sub(/.*\//, "", n)
		if (n in header && header[n] != h)
			dup[n] = dup[n] " " h
		else
			header[n] = h
	}
	while ((getline line <libraries) > 0) {
		split(line, a, " ")
		lib[a[1]] = a[2]
	}
	for (n in dup)
		flag(header[n] ": the header name " n " is also" dup[n] \
		    ": which one a file gets depends on the include path; rename one")
}
FILENAME ~ /CMakeLists\.txt$/ {
	# target_link_libraries(...) calls, which may span lines
	if (!incall && $0 ~ /^[ \t]*target_link_libraries[ \t]*\(/) {
		incall = 1
		call = ""
		callline = FNR
	}
	if (incall) {
		call = call " " $0
		if ($0 ~ /\)/) {
			incall = 0
			sub(/^[ \t]*target_link_libraries[ \t]*\(/, "", call)
			sub(/\).*/, "", call)
			nt = split(call, t, /[ \t]+/)
			from = layer_of(FILENAME)
			target = ""
			for (i = 1; i <= nt; i++) {
				if (t[i] == "")
					continue
				if (target == "") {
					target = t[i]
					continue
				}
				if (!(t[i] in lib))
					continue
				to = layer_of(lib[t[i]] "/x")
				if (!allowed(from, to))
					flag(FILENAME ":" callline ": " target " links " t[i] \
					    " (" where(to) "): " where(from) " may link only its " \
					    "own libraries" below(from))
			}
		}
	}
	next
}
/^[ \t]*#[ \t]*include[ \t]*"/ {
	name = $0
	sub(/^[ \t]*#[ \t]*include[ \t]*"/, "", name)
	sub(/".*/, "", name)
	base = name
	sub(/.*\//, "", base)
	if (!(base in header))
		next		# not one of ours: a system or generated header
	h = header[base]
	if (base in dup) {	# flagged above; the one beside the file, if any
		if (dir_of(h) != dir_of(FILENAME))
			h = dir_of(FILENAME) "/" base
		if (index(dup[base] " ", " " h " ") == 0 && h != header[base])
			next
	}
	from = layer_of(FILENAME)
	to = layer_of(h)
	if (base ~ /_int\.h$/ && dir_of(h) != dir_of(FILENAME)) {
		flag(FILENAME ":" FNR ": includes \"" name "\" (" h "), private to " \
		    dir_of(h) "/: publish what this file needs from it in a " \
		    "header of its own")
		next
	}
	if (!allowed(from, to))
		flag(FILENAME ":" FNR ": includes \"" name "\" (" h "): " \
		    where(from) " may include only its own headers" below(from))
}
END {
	if (bad > 0) {
		printf "check-layers: %d violation%s of the layers (tests/check-layers.sh " \
		    "says the rules; docs/architecture.md why)\n", bad, bad == 1 ? "" : "s" \
		    >"/dev/stderr"
		exit 1
	}
}
' $(cat "$tmp/cmake" "$tmp/sources")
rc=$?
[ $rc -eq 0 ] && echo "check-layers: $(wc -l <"$tmp/sources") files keep to their layers"
exit $rc
