# lingerlab.bash - bash completion for lingerlab and lingerlab-sandbox.
#
# Installed as /usr/share/bash-completion/completions/lingerlab (and
# lingerlab-sandbox); from a checkout: source client/cmd/completion/lingerlab.bash
#
# Nothing is listed twice: the options come from the program's own --help
# (its option table: lines "  --name ..." or "  -x, --name ..."), the
# formats from its usage line, the behaviours from lingerpeer --help, the
# tags from `lingerlab list` of the scenario files already on the line, and
# the scenario library's folder from `lingerlab --help`. The program run is
# the one being completed (build/client/cmd/lingerlab works too).
# tests/completion/test-bash-completion.sh checks it.

# The long options of "$@ --help", one a line: those of its usage lines
# (up to the first blank line) and of its option table.
_lingerlab_options()
{
	local help
	help=$("$@" --help 2>/dev/null)
	sed -n '1,/^$/p' <<<"$help" | grep -oE -- '--[a-z][a-z-]*'
	sed -nE 's/^  (-[a-zA-Z], )?(--[a-z][a-z-]*).*/\2/p' <<<"$help"
	echo --help
}

# The values of an option as the usage line lists them: --format human|tap|...
_lingerlab_usage_values()
{
	"$1" run --help 2>/dev/null |
	    sed -nE "s/.*\\[$2 ([a-z0-9|]+)\\].*/\\1/p" | head -n 1 | tr '|' ' '
}

# "$1 --help" names where the scenario library and lingerpeer are.
_lingerlab_found()
{
	"$1" --help 2>/dev/null | sed -nE "s/^  $2 +(\\/[^ ]*).*/\\1/p" | head -n 1
}

# lingerpeer's behaviours, from the table after "Behaviours:" in its --help.
_lingerlab_behaviours()
{
	local peer
	peer=$(_lingerlab_found "$1" lingerpeer)
	[[ -x $peer ]] || peer=lingerpeer
	"$peer" --help 2>/dev/null | sed -n '/^Behaviours:/,/^$/p' |
	    sed -nE 's/^  ([a-z-]+) .*/\1/p'
}

# Complete the last item of a comma-separated list: "quick,li" -> "quick,linger".
_lingerlab_list_item()
{
	local cur=$1 head='' item
	shift
	[[ $cur == *,* ]] && head=${cur%,*},
	for item in $(compgen -W "$*" -- "${cur##*,}"); do
		COMPREPLY+=("$head$item")
	done
	[[ ${#COMPREPLY[@]} -eq 1 ]] && compopt -o nospace 2>/dev/null
}

# .scn files and folders (inside the library with --library).
_lingerlab_paths()
{
	local cur=$1 library=$2 lib item
	compopt -o filenames 2>/dev/null
	if [[ -n $library ]]; then
		lib=$(_lingerlab_found "$library" 'scenario library')
		[[ -d $lib ]] || return
		while IFS= read -r item; do
			COMPREPLY+=("${item#"$lib"/}")
		done < <(compgen -f -- "$lib/$cur")
		return
	fi
	while IFS= read -r item; do
		[[ -d $item || $item == *.scn ]] && COMPREPLY+=("$item")
	done < <(compgen -f -- "$cur")
}

_lingerlab()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local prog=${COMP_WORDS[0]} cmd='' library='' i w
	local -a paths=()
	COMPREPLY=()

	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ -z $cmd && $w != -* ]]; then
			cmd=$w
		elif [[ $cmd == observe && $w == -- ]]; then
			# the program observe runs: complete it as a command of its own
			if declare -F _command_offset >/dev/null; then
				_command_offset $((i + 1))
			else
				mapfile -t COMPREPLY < <(compgen -c -- "$cur")
			fi
			return
		elif [[ $w == --library ]]; then
			library=$prog
		elif [[ $w != -* && ${COMP_WORDS[i-1]} != --@(format|jobs|pcap-dir|timeout|tags|skip-tags|shard|output|family|peer|peer-addr|peer-token|iface|svg-dir|html|agent|agent-token|agent-wait) ]]; then
			paths+=("$w")
		fi
	done

	if [[ -z $cmd ]]; then
		mapfile -t COMPREPLY < <(compgen -W "run check list observe merge --help --version" -- "$cur")
		return
	fi
	case $cmd:$prev in
	run:--format)
		mapfile -t COMPREPLY < <(compgen -W "$(_lingerlab_usage_values "$prog" --format)" -- "$cur")
		return ;;
	merge:--format)
		mapfile -t COMPREPLY < <(compgen -W "json junit" -- "$cur")
		return ;;
	merge:-o|merge:--output)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	run:--family)
		mapfile -t COMPREPLY < <(compgen -W "$(_lingerlab_usage_values "$prog" --family)" -- "$cur")
		return ;;
	run:--tags|run:--skip-tags)
		local -a tags=()
		if [[ ${#paths[@]} -gt 0 || -n $library ]]; then
			mapfile -t tags < <("$prog" list ${library:+--library} "${paths[@]}" 2>/dev/null |
			    sed -n 's/^  tags: //p' | tr ' ' '\n' | sort -u | grep -v '^-$')
		fi
		_lingerlab_list_item "$cur" "${tags[@]}"
		return ;;
	run:--pcap-dir|run:--svg-dir)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return ;;
	run:--html|run:--peer-token|run:--agent-token|observe:--pcap)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	run:--iface)
		mapfile -t COMPREPLY < <(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur")
		return ;;
	observe:--behaviour|observe:--behavior)
		# shellcheck disable=SC2046 # one word a behaviour
		_lingerlab_list_item "$cur" $(_lingerlab_behaviours "$prog")
		return ;;
	run:--jobs|run:--shard|run:--timeout|run:--peer|run:--peer-addr|run:--agent|run:--agent-wait|observe:--port|observe:--expect|observe:--timeout|observe:--settle|observe:--interval)
		return ;;	# a value of the user's own
	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_lingerlab_options "$prog" "$cmd")" -- "$cur")
		return
	fi
	case $cmd in
	run|check|list)
		_lingerlab_paths "$cur" "$library" ;;
	observe)
		mapfile -t COMPREPLY < <(compgen -W "--" -- "$cur") ;;
	merge)	# the shards' reports: JSON or JUnit files, and folders
		compopt -o filenames 2>/dev/null
		while IFS= read -r w; do
			[[ -d $w || $w == *.json || $w == *.xml ]] && COMPREPLY+=("$w")
		done < <(compgen -f -- "$cur") ;;
	esac
}

_lingerlab_sandbox()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} i
	COMPREPLY=()

	for ((i = 1; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} == -- ]]; then
			if declare -F _command_offset >/dev/null; then
				_command_offset $((i + 1))
			else
				mapfile -t COMPREPLY < <(compgen -c -- "$cur")
			fi
			return
		fi
	done
	case $prev in
	--control-socket)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	--agent)
		mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		return ;;
	--peer-arg|--agent-arg)
		return ;;
	esac
	mapfile -t COMPREPLY < <(compgen -W "$(_lingerlab_options "${COMP_WORDS[0]}") --" -- "$cur")
}

complete -F _lingerlab lingerlab
complete -F _lingerlab_sandbox lingerlab-sandbox
