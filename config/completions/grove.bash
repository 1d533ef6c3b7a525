# bash completion for grove. Installed as
# $(PREFIX)/share/bash-completion/completions/grove; to try it from a
# checkout: source config/completions/grove.bash
#
# grove itself says what fits (`grove __complete WORDS...`): the first line
# of its answer is the kind, the rest are the candidates.

_grove() {
	local cur=${COMP_WORDS[COMP_CWORD]} kind IFS=$'\n'
	local -a out
	out=($("${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)) || return
	kind=${out[0]}
	case $kind in
	:dirs)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		;;
	:files)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	:paths)
		compopt -o filenames 2>/dev/null
		COMPREPLY=("${out[@]:1}")
		;;
	:described)
		COMPREPLY=("${out[@]:1}")
		COMPREPLY=("${COMPREPLY[@]%%$'\t'*}")
		;;
	*)
		COMPREPLY=("${out[@]:1}")
		;;
	esac
}

complete -F _grove grove
