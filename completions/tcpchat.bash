# bash completion for tcpchat(1)                                  -*- shell-script -*-
# Installed as share/bash-completion/completions/tcpchat. Works with and without the
# bash-completion package (it uses its host list when it is loaded).
# The option lists are the same as in `tcpchat [serve|connect] --help`;
# tests/integration/test_docs.sh checks that.

_tcpchat_main_opts='-h --help -V --version'
_tcpchat_serve_opts='-p --port -b --bind -m --max-clients -H --history --replay -l --log
	-L --max-line -r --rate-limit -t --name-timeout -Q --max-queue -A --announce-max --stall-timeout --max-per-ip --max-per-ip-rate --max-total-queue -v --verbose
	-q --quiet --tls --tls-port --tls-only --tls-cert --tls-key --state-dir
	--oper-file --motd --password-file --redis --reuse-port --irc-port --irc-tls-port --server-name
	-h --help -V --version'
_tcpchat_connect_opts='-p --port -n --name -P --plain --tls --tls-fingerprint --listen --reconnect --no-history --json
	--no-bell --no-mouse -j --join --time-format --keepalive --server-password-file -h --help -V --version'
# Options that take an argument, per subcommand.
_tcpchat_serve_argopts='-p --port -b --bind -m --max-clients -H --history --replay -l --log
	-L --max-line -r --rate-limit -t --name-timeout -Q --max-queue -A --announce-max --stall-timeout --max-per-ip --max-per-ip-rate --max-total-queue
	--tls-port --tls-cert --tls-key --state-dir --oper-file --motd --password-file --redis
	--irc-port --irc-tls-port --server-name'
_tcpchat_connect_argopts='-p --port -n --name --tls-fingerprint -j --join --time-format --keepalive
	--server-password-file'

# _tcpchat_words WORDS...: COMPREPLY = the words that start with $cur.
_tcpchat_words()
{
	local w
	COMPREPLY=()
	for w in "$@"; do
		[[ $w == "$cur"* ]] && COMPREPLY+=("$w")
	done
}

# _tcpchat_in WORD LIST...: is WORD one of LIST?
_tcpchat_in()
{
	local w=$1 w2
	shift
	for w2 in "$@"; do
		[[ $w == "$w2" ]] && return 0
	done
	return 1
}

_tcpchat_hosts()
{
	if declare -F _known_hosts_real >/dev/null 2>&1; then
		_known_hosts_real -- "$cur"
	else
		COMPREPLY=($(compgen -A hostname -- "$cur"))
	fi
	if [[ localhost == "$cur"* ]] && ! _tcpchat_in localhost "${COMPREPLY[@]}"; then
		COMPREPLY+=(localhost)
	fi
	return 0
}

_tcpchat_value()
{
	# Complete the argument of option $1 of subcommand $2.
	case $1 in
	-p | --port) _tcpchat_words 8989 $([[ $2 == serve ]] && echo 0) ;;
	-b | --bind)
		_tcpchat_words 0.0.0.0 :: 127.0.0.1 ::1 localhost
		# bash splits words at ":"; bash-completion knows how to undo that.
		declare -F __ltrim_colon_completions >/dev/null 2>&1 &&
			__ltrim_colon_completions "$cur"
		;;
	-l | --log | --tls-cert | --tls-key | --oper-file | --motd | --password-file | \
	--server-password-file)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	--state-dir)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		;;
	--tls-port) _tcpchat_words 8990 0 ;;
	--irc-port) _tcpchat_words 6667 0 ;;
	--irc-tls-port) _tcpchat_words 6697 0 ;;
	--server-name) _tcpchat_words "$(hostname 2>/dev/null)" ;;
	-m | --max-clients) _tcpchat_words 10 100 1000 10000 ;;
	-H | --history) _tcpchat_words 0 100 1000 10000 ;;
	--replay) _tcpchat_words 0 10 50 100 ;;
	-L | --max-line) _tcpchat_words 1024 4096 65536 ;;
	-r | --rate-limit) _tcpchat_words 0 5 20 100 ;;
	-t | --name-timeout) _tcpchat_words 0 30 60 300 ;;
	-Q | --max-queue) _tcpchat_words 1024 8192 65536 ;;
	-A | --announce-max) _tcpchat_words 0 100 500 1000 ;;
	--stall-timeout) _tcpchat_words 0 30 60 300 ;;
	--max-total-queue) _tcpchat_words 256 1024 4096 ;;
	--max-per-ip) _tcpchat_words 0 8 32 100 ;;
	--max-per-ip-rate) _tcpchat_words 0 30 120 ;;
	-n | --name) [[ -n ${USER-} ]] && _tcpchat_words "$USER" ;;
	*) COMPREPLY=() ;;
	esac
}

_tcpchat()
{
	local cur prev sub i word nargs=0 opts argopts
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	# --opt=value: bash splits it into "--opt" "=" "value" (COMP_WORDBREAKS).
	if [[ $cur == = ]]; then
		cur=''
	elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	else
		[[ $prev == --*=* ]] && prev=${prev%%=*}
		if [[ $cur == --*=* ]]; then
			prev=${cur%%=*}
			cur=${cur#*=}
		fi
	fi

	# The classic name takes one argument, a port.
	if [[ ${COMP_WORDS[0]##*/} == TCPChat ]]; then
		((COMP_CWORD == 1)) && _tcpchat_words 8989
		return 0
	fi

	if ((COMP_CWORD == 1)); then
		if [[ $cur == -* ]]; then
			_tcpchat_words $_tcpchat_main_opts
		else
			_tcpchat_words serve connect
		fi
		return 0
	fi

	sub=${COMP_WORDS[1]}
	case $sub in
	serve) opts=$_tcpchat_serve_opts argopts=$_tcpchat_serve_argopts ;;
	connect) opts=$_tcpchat_connect_opts argopts=$_tcpchat_connect_argopts ;;
	*) return 0 ;;
	esac

	# The argument of an option?
	if _tcpchat_in "$prev" $argopts; then
		_tcpchat_value "$prev" "$sub"
		return 0
	fi

	if [[ $cur == -* ]]; then
		_tcpchat_words $opts
		return 0
	fi

	# Count the operands before the word being completed.
	for ((i = 2; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		if _tcpchat_in "$word" $argopts; then
			# its argument is the next word, or the one after "="
			if [[ ${COMP_WORDS[i + 1]-} == = ]]; then
				((i += 2))
			else
				((i += 1))
			fi
		elif [[ $word != -?* ]]; then
			((nargs += 1))
		fi
	done
	case $sub:$nargs in
	serve:0) _tcpchat_words 8989 0 ;;
	connect:0) _tcpchat_hosts ;;
	connect:1) _tcpchat_words 8989 ;;
	esac
	return 0
} &&
	complete -F _tcpchat tcpchat TCPChat

# ex: filetype=sh
