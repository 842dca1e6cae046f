# fish completion for tcpchat(1). Installed as share/fish/vendor_completions.d/tcpchat.fish.
# The options are the same as in `tcpchat [serve|connect] --help`;
# tests/integration/test_docs.sh checks that (one `complete` a line, please).

function __tcpchat_no_subcommand
    not __fish_seen_subcommand_from serve connect
end

function __tcpchat_listen_ports
    printf '%s\t%s\n' 8989 'the default port' 0 'let the kernel pick a free port'
end

function __tcpchat_bind_addresses
    printf '%s\t%s\n' 0.0.0.0 'every IPv4 address' :: 'every IPv6 address' \
        127.0.0.1 'IPv4 loopback' ::1 'IPv6 loopback' localhost 'this host'
end

# __tcpchat_operands: how many operands (not options, nor their arguments) follow
# the subcommand on the command line before the token being completed.
function __tcpchat_operands
    set -l tokens (commandline -opc)
    set -l n 0
    set -l skip 0
    for tok in $tokens[3..-1]
        if test $skip -eq 1
            set skip 0
        else if contains -- $tok -p --port -b --bind -m --max-clients -H --history --replay -l --log \
                -L --max-line -r --rate-limit -t --name-timeout -Q --max-queue -A --announce-max --stall-timeout --max-per-ip --max-per-ip-rate --max-total-queue -n --name --tls-port --tls-cert --tls-key --state-dir --tls-fingerprint \
                --oper-file --motd --password-file --redis --irc-port --irc-tls-port --server-name \
                -j --join --time-format --keepalive --server-password-file
            set skip 1
        else if not string match -q -- '-*' $tok
            set n (math $n + 1)
        end
    end
    echo $n
end

# __tcpchat_operand SUBCOMMAND N: is the token being completed operand N of SUBCOMMAND?
function __tcpchat_operand
    __fish_seen_subcommand_from $argv[1]
    and not string match -q -- '-*' (commandline -ct)
    and test (__tcpchat_operands) -eq $argv[2]
end

complete -c tcpchat -f

# tcpchat --help | --version
complete -c tcpchat -n __tcpchat_no_subcommand -s h -l help -d 'show this help and exit'
complete -c tcpchat -n __tcpchat_no_subcommand -s V -l version -d 'show the version and exit'
complete -c tcpchat -n __tcpchat_no_subcommand -a serve -d 'run the chat server (anyone can join with nc)'
complete -c tcpchat -n __tcpchat_no_subcommand -a connect -d 'join a tcpchat server in a terminal client'

# tcpchat serve [OPTION]... [PORT]
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -s p -l port -x -a '(__tcpchat_listen_ports)' -d 'port to listen on (default 8989; 0 picks a free port)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -s b -l bind -x -a '(__tcpchat_bind_addresses; __fish_print_hostnames)' -d 'address to listen on (default: every IPv4 and IPv6 address)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -s m -l max-clients -x -d 'connections at once, counted from accept (default 1000)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -s H -l history -x -d 'messages kept per room (default 1000)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l replay -x -d 'history lines sent to whoever enters a room, 0 none (default: all kept)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -s l -l log -r -F -d 'append every message and notice to FILE; reload history from it'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -s L -l max-line -x -d 'longest line accepted (default 4096)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -s r -l rate-limit -x -d 'messages per second per client, 0 for no limit (default 20)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -s t -l name-timeout -x -d 'close connections that give no name in time, 0 never (default 60)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -s Q -l max-queue -x -d 'output queued for one client before it is dropped (default 8192)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -s A -l announce-max -x -d 'announce joins, leaves and renames only in rooms of at most N members, 0 always (default 500)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l stall-timeout -x -d 'drop a client whose output made no progress for SECS, 0 never (default 60)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l max-per-ip -x -d 'connections at once from one address (IPv6: one /64), 0 no limit (default 32)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l max-per-ip-rate -x -d 'new connections per address per minute after a burst of 60, 0 no limit (default 30)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l max-total-queue -x -d 'output queued for all clients together; past it the largest queues are dropped (default 1024)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l tls -d 'also listen for TLS (ncat --ssl, openssl s_client) on the TLS port'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l tls-port -x -a '8990 0' -d 'port of the TLS listener (default 8990; 0 picks a free port)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l tls-only -d 'listen for TLS only, no plain listener (implies --tls)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l tls-cert -r -F -d 'PEM certificate, then its chain (default: a self-signed one in the state directory)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l tls-key -r -F -d 'PEM key of --tls-cert (default: in the --tls-cert file)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l state-dir -x -a '(__fish_complete_directories)' -d 'where the server keeps its certificate, bans and topics (default: see FILES in tcpchat(1))'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l oper-file -r -F -d 'operator accounts, NAME:HASH lines (chmod 600); enables /oper'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l motd -r -F -d 'text shown to each user after the name is accepted'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l password-file -r -F -d 'a server password (one crypt hash, chmod 600) asked before the name'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l redis -x -d 'join a cluster: every server given the same Redis (redis://HOST:PORT/DB or unix:/PATH) is one chat'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l reuse-port -d 'let several servers on this machine listen on the same port (SO_REUSEPORT)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l irc-port -x -a '6667 0' -d 'also listen for IRC clients (irssi, WeeChat, HexChat) on PORT; 0 picks a free port'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l irc-tls-port -x -a '6697 0' -d 'also listen for IRC over TLS on PORT (needs --tls; 0 picks a free port)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -l server-name -x -d 'the name of the server in IRC messages (default: the host name)'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -s v -l verbose -d 'log activity to stderr; twice for debugging'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -s q -l quiet -d 'log only errors'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -s h -l help -d 'show this help and exit'
complete -c tcpchat -n '__fish_seen_subcommand_from serve' -s V -l version -d 'show the version and exit'
complete -c tcpchat -n '__tcpchat_operand serve 0' -a '(__tcpchat_listen_ports)'

# tcpchat connect [OPTION]... HOST [PORT]
complete -c tcpchat -n '__fish_seen_subcommand_from connect' -s p -l port -x -a 8989 -d 'port to connect to (default 8989)'
complete -c tcpchat -n '__fish_seen_subcommand_from connect' -s n -l name -x -a '(set -q USER; and echo $USER)' -d 'join with this name instead of asking'
complete -c tcpchat -n '__fish_seen_subcommand_from connect' -s P -l plain -d 'plain line mode even on a terminal'
complete -c tcpchat -n '__fish_seen_subcommand_from connect' -l tls -d 'connect with TLS (default port 8990)'
complete -c tcpchat -n '__fish_seen_subcommand_from connect' -l tls-fingerprint -x -d 'trust the server certificate with this SHA-256 fingerprint (implies --tls)'
complete -c tcpchat -n '__fish_seen_subcommand_from connect' -l listen -d 'plain mode: read nothing, print what arrives until the server closes (needs --name)'
complete -c tcpchat -n '__fish_seen_subcommand_from connect' -l reconnect -d 'plain mode: reconnect after a drop instead of exiting'
complete -c tcpchat -n '__fish_seen_subcommand_from connect' -l no-history -d 'plain mode: do not print the history replayed on joining'
complete -c tcpchat -n '__fish_seen_subcommand_from connect' -l json -d 'plain mode: one JSON object per line and event'
complete -c tcpchat -n '__fish_seen_subcommand_from connect' -l no-bell -d 'no terminal bell when a line names you or is private'
complete -c tcpchat -n '__fish_seen_subcommand_from connect' -l no-mouse -d 'leave the mouse to the terminal (no wheel scrolling)'
complete -c tcpchat -n '__fish_seen_subcommand_from connect' -s j -l join -x -d 'be in these rooms (a comma-separated list) instead of the ones of last time'
complete -c tcpchat -n '__fish_seen_subcommand_from connect' -l time-format -x -d 'strftime format of the times shown (default %H:%M)'
complete -c tcpchat -n '__fish_seen_subcommand_from connect' -l keepalive -x -d 'ping a quiet link after SECS, mark it stalled, then reconnect; 0 never (default 30)'
complete -c tcpchat -n '__fish_seen_subcommand_from connect' -l server-password-file -r -F -d 'the password of a server that asks for one: the first line of FILE'
complete -c tcpchat -n '__fish_seen_subcommand_from connect' -s h -l help -d 'show this help and exit'
complete -c tcpchat -n '__fish_seen_subcommand_from connect' -s V -l version -d 'show the version and exit'
complete -c tcpchat -n '__tcpchat_operand connect 0' -a '(__fish_print_hostnames; echo localhost)' -d host
complete -c tcpchat -n '__tcpchat_operand connect 1' -a 8989 -d 'the default port'

# TCPChat [PORT]: the classic command line.
complete -c TCPChat -f -a '(__tcpchat_listen_ports)'
