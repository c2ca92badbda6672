# bash completion for ocirun, an OCI container runtime with runc's CLI.
# Installed as "ocirun" in bash-completion's completionsdir.

_ocirun_commands="create delete events exec features help kill list pause ps resume run spec start state update"

_ocirun_global_flags="--debug --log --log-format --root --systemd-cgroup --rootless --help -h --version -v"
# Global flags that take a value.
_ocirun_global_value_flags="--log --log-format --root --rootless"

# _ocirun_flags COMMAND: the command's flags (--help/-h included).
_ocirun_flags ()
{
	case "$1" in
	create) echo "--bundle -b --console-socket --pid-file --no-pivot --no-new-keyring --preserve-fds" ;;
	delete) echo "--force -f" ;;
	events) echo "--interval --stats" ;;
	exec) echo "--console-socket --cwd --env -e --tty -t --user -u --additional-gids -g --process -p" \
		"--detach -d --pid-file --process-label --apparmor --no-new-privs --cap -c --preserve-fds" \
		"--cgroup --ignore-paused" ;;
	kill) echo "--all -a" ;;
	list) echo "--format -f --quiet -q" ;;
	ps) echo "--format -f" ;;
	run) echo "--bundle -b --console-socket --detach -d --keep --pid-file --no-subreaper --no-pivot" \
		"--no-new-keyring --preserve-fds" ;;
	spec) echo "--bundle -b --rootless" ;;
	update) echo "--resources -r --blkio-weight --cpu-period --cpu-quota --cpu-burst --cpu-share" \
		"--cpu-rt-period --cpu-rt-runtime --cpuset-cpus --cpuset-mems --cpu-idle --memory" \
		"--memory-reservation --memory-swap --pids-limit --l3-cache-schema --mem-bw-schema" ;;
	esac
	echo "--help -h"
}

# _ocirun_value_flags COMMAND: those of its flags that take a value.
_ocirun_value_flags ()
{
	case "$1" in
	create) echo "--bundle -b --console-socket --pid-file --preserve-fds" ;;
	events) echo "--interval" ;;
	exec) echo "--console-socket --cwd --env -e --user -u --additional-gids -g --process -p --pid-file" \
		"--process-label --apparmor --cap -c --preserve-fds --cgroup" ;;
	list|ps) echo "--format -f" ;;
	run) echo "--bundle -b --console-socket --pid-file --preserve-fds" ;;
	spec) echo "--bundle -b" ;;
	update) echo "--resources -r --blkio-weight --cpu-period --cpu-quota --cpu-burst --cpu-share" \
		"--cpu-rt-period --cpu-rt-runtime --cpuset-cpus --cpuset-mems --cpu-idle --memory" \
		"--memory-reservation --memory-swap --pids-limit --l3-cache-schema --mem-bw-schema" ;;
	esac
}

# Container ids from the state directory (--root, default /run/ocirun).
_ocirun_containers ()
{
	local root="$1"
	[ -d "$root" ] || return 0
	( cd "$root" 2>/dev/null && for d in *; do [ -d "$d" ] && echo "$d"; done )
}

_ocirun_in_list ()
{
	local word="$1" item
	shift
	for item in $*; do
		[ "$item" = "$word" ] && return 0
	done
	return 1
}

_ocirun ()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null 2>&1; then
		_init_completion || return
	else
		cur="${COMP_WORDS[COMP_CWORD]}"
		prev="${COMP_WORDS[COMP_CWORD-1]}"
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi

	local i command="" command_at=0 root=/run/ocirun
	for ((i = 1; i < cword; i++)); do
		case "${words[i]}" in
		--root) root="${words[i+1]}"; ((i++)) ;;
		--root=*) root="${words[i]#--root=}" ;;
		--log|--log-format|--rootless) ((i++)) ;;
		-*) ;;
		*) command="${words[i]}"; command_at=$i; break ;;
		esac
	done

	if [ -z "$command" ]; then
		if _ocirun_in_list "$prev" "$_ocirun_global_value_flags"; then
			case "$prev" in
			--log-format) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
			--rootless) COMPREPLY=($(compgen -W "true false auto" -- "$cur")) ;;
			*) COMPREPLY=($(compgen -f -- "$cur")) ;;
			esac
			return
		fi
		if [[ "$cur" == -* ]]; then
			COMPREPLY=($(compgen -W "$_ocirun_global_flags" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_ocirun_commands" -- "$cur"))
		fi
		return
	fi

	if [ "$command" = help ]; then
		[ $((cword - command_at)) -eq 1 ] && COMPREPLY=($(compgen -W "$_ocirun_commands" -- "$cur"))
		return
	fi

	if _ocirun_in_list "$prev" "$(_ocirun_value_flags "$command")"; then
		case "$prev" in
		--format|-f) COMPREPLY=($(compgen -W "table json" -- "$cur")) ;;
		--bundle|-b|--cwd) COMPREPLY=($(compgen -d -- "$cur")) ;;
		*) COMPREPLY=($(compgen -f -- "$cur")) ;;
		esac
		return
	fi
	if [[ "$cur" == -* ]]; then
		COMPREPLY=($(compgen -W "$(_ocirun_flags "$command")" -- "$cur"))
		return
	fi
	local operands=0
	for ((i = command_at + 1; i < cword; i++)); do
		_ocirun_in_list "${words[i]}" "$(_ocirun_value_flags "$command")" && { ((i++)); continue; }
		[[ "${words[i]}" != -* ]] && ((operands++))
	done
	case "$command" in
	spec|features|list) ;;
	*)
		if [ $operands -eq 0 ]; then
			COMPREPLY=($(compgen -W "$(_ocirun_containers "$root")" -- "$cur"))
		elif [ "$command" = kill ] && [ $operands -eq 1 ]; then
			# The signal, by name with or without SIG, or by number.
			COMPREPLY=($(compgen -W "$(kill -l | tr -s ' \t' '\n' | grep '^SIG')" -- "$cur"))
		fi
		;;
	esac
}

complete -F _ocirun ocirun
