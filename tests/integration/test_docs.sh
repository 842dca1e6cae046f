#!/bin/bash
# test_docs.sh: the documentation says what the binary does.
#  1. The options of `tcpchat --help`, `tcpchat serve --help` and `tcpchat connect --help`
#     are the options of the man page (same tags, same words) and of the bash, zsh and
#     fish completions; the man SYNOPSIS is the --help usage; the man LIMITS section
#     lists every value of include/tclimits.h; the man page version is `tcpchat --version`;
#     README.md quotes `tcpchat serve --help` verbatim.
#  2. The man page lints clean: `groff -ww -mandoc -z`, and `mandoc -Tlint` if installed.
#  3. The bash completion, sourced into bash, completes real command lines (with and
#     without the bash-completion package).
#  4. The zsh and fish completions parse (skipped, saying why, when zsh/fish are missing);
#     with fish, its real completions are compared too.
# Environment: TCPCHAT_BIN (the binary), TCPCHAT_SRC (source tree).
set -u

: "${TCPCHAT_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TCPCHAT_BIN:=$TCPCHAT_SRC/build/tcpchat}"
MAN=$TCPCHAT_SRC/man/tcpchat.1
BASH_COMP=$TCPCHAT_SRC/completions/tcpchat.bash
ZSH_COMP=$TCPCHAT_SRC/completions/_tcpchat
FISH_COMP=$TCPCHAT_SRC/completions/tcpchat.fish
LIMITS_H=$TCPCHAT_SRC/include/tclimits.h

failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}
ok() { echo "ok: $*"; }

for f in "$TCPCHAT_BIN" "$MAN" "$BASH_COMP" "$ZSH_COMP" "$FISH_COMP" "$LIMITS_H"; do
	[[ -e $f ]] || { echo "FAIL: missing $f"; exit 1; }
done

# --- 1. one set of options everywhere -------------------------------------------------

"$TCPCHAT_BIN" --help >"$tmp/help.main" || fail "tcpchat --help exited $?"
"$TCPCHAT_BIN" serve --help >"$tmp/help.serve" || fail "tcpchat serve --help exited $?"
"$TCPCHAT_BIN" connect --help >"$tmp/help.connect" || fail "tcpchat connect --help exited $?"
"$TCPCHAT_BIN" --version >"$tmp/version" || fail "tcpchat --version exited $?"

# The real bash completions of "tcpchat -", "tcpchat serve -", "tcpchat connect -".
bash_complete() {
	# bash_complete [--with-bash-completion] WORDS...: print COMPREPLY, one a line.
	local pre=:
	if [[ $1 == --with-bash-completion ]]; then
		pre='source /usr/share/bash-completion/bash_completion'
		shift
	fi
	bash --norc --noprofile -c '
		'"$pre"'
		source "$1" || exit 3
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		_tcpchat tcpchat "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' bash_complete "$BASH_COMP" "$@"
}
bash_complete tcpchat - >"$tmp/bash.main"
bash_complete tcpchat serve - >"$tmp/bash.serve"
bash_complete tcpchat connect - >"$tmp/bash.connect"

# With fish installed, its real completions too.
if command -v fish >/dev/null 2>&1; then
	for ctx in main serve connect; do
		words="tcpchat "
		[[ $ctx != main ]] && words="tcpchat $ctx "
		fish --no-config -c "source '$FISH_COMP'; complete -C '$words-'; complete -C '$words--'" \
			2>&1 | cut -f1 >"$tmp/fish.$ctx"
	done
fi

python3 - "$tmp" "$MAN" "$ZSH_COMP" "$FISH_COMP" "$LIMITS_H" <<'PYEOF' || failures=$((failures + 1))
import os, re, shlex, sys

tmp, man_path, zsh_path, fish_path, limits_path = sys.argv[1:6]
CTXS = ("main", "serve", "connect")
bad = []

def read(p):
    with open(p, encoding="utf-8") as f:
        return f.read()

def roff_text(s):
    """Plain text of a roff text line: fonts, escapes, \\- ."""
    s = re.sub(r"\\f(\(..|\[[^]]*\]|.)", "", s)
    s = s.replace("\\-", "-").replace("\\(oq", "'").replace("\\(cq", "'")
    s = s.replace("\\&", "").replace("\\%", "").replace("\\e", "\\").replace("\\ ", " ")
    return s

def show_diff(what, want, got):
    missing, extra = sorted(want - got), sorted(got - want)
    msg = f"{what}:"
    if missing:
        msg += f" missing {' '.join(missing)};"
    if extra:
        msg += f" not in --help: {' '.join(extra)};"
    bad.append(msg.rstrip(";"))

# --help: '  -p, --port PORT          port to listen on (...)', or a long option alone:
#         '      --stall-timeout SECS  drop a client ...'
help_opts, help_usage = {}, {}
for ctx in CTXS:
    text = read(os.path.join(tmp, "help." + ctx))
    opts = {}
    for line in text.splitlines():
        m = re.match(r"^\s+(?:(-\w), )?(--[\w-]+)( [A-Z]+)?\s{2,}(\S.*)$", line)
        if m:
            short = f"{m[1]}, " if m[1] else ""
            opts[f"{short}{m[2]}{m[3] or ''}"] = m[4].strip()
    if not opts:
        bad.append(f"no options found in tcpchat {ctx} --help")
    help_opts[ctx] = opts
    help_usage[ctx] = [re.sub(r"^(Usage:)?\s+", "", l).strip()
                       for l in text.split("\n\n")[0].splitlines()
                       if re.match(r"^(Usage:|\s+tcpchat)", l)]
help_names = {ctx: {n for tag in help_opts[ctx] for n in tag.replace(",", "").split()
                    if n.startswith("-")} for ctx in CTXS}

# --- the man page -------------------------------------------------------------------
man = read(man_path).splitlines()
sections, cur_sh, cur_ss = {}, None, None
man_opts = {c: {} for c in CTXS}
ss_ctx = {"General options": "main", "Options of tcpchat serve": "serve",
          "Options of tcpchat connect": "connect"}
i = 0
while i < len(man):
    line = man[i]
    if line.startswith(".SH"):
        cur_sh = line[3:].strip().strip('"')
        cur_ss = None
        sections.setdefault(cur_sh, [])
    elif line.startswith(".SS"):
        cur_ss = line[3:].strip().strip('"')
    elif cur_sh is not None:
        sections[cur_sh].append(line)
    if cur_sh == "OPTIONS" and line.startswith(".TP") and cur_ss in ss_ctx:
        tag = roff_text(man[i + 1]).strip()
        desc, j = [], i + 2
        while j < len(man) and not re.match(r"^\.(TP|SS|SH|PP|IP|LP|P)\b", man[j]):
            l = man[j]
            if l.startswith("."):
                parts = l.split(None, 1)
                l = parts[1].replace('"', "") if len(parts) > 1 else ""
            desc.append(roff_text(l))
            j += 1
        man_opts[ss_ctx[cur_ss]][tag] = " ".join(" ".join(desc).split())
    i += 1
for ctx in CTXS:
    if set(man_opts[ctx]) != set(help_opts[ctx]):
        want, got = set(help_opts[ctx]), set(man_opts[ctx])
        bad.append(f"man page, {ctx} options: missing {sorted(want - got)}, "
                   f"not in --help {sorted(got - want)}")
    for tag, h in help_opts[ctx].items():
        m = man_opts[ctx].get(tag)
        first = h[0].upper() + h[1:] + "."
        if m is not None and not m.startswith(first):
            bad.append(f"man page, {ctx} {tag}: description must start with the --help "
                       f"words {first!r}; it reads {m[:len(first) + 20]!r}")

synopsis = [roff_text(l).strip() for l in sections.get("SYNOPSIS", [])
            if not l.startswith(".")]
if synopsis != help_usage["main"]:
    bad.append(f"man SYNOPSIS {synopsis} is not the --help usage {help_usage['main']}")
for ctx in ("serve", "connect"):
    for u in help_usage[ctx]:
        if u not in synopsis:
            bad.append(f"man SYNOPSIS lacks 'tcpchat {ctx} --help' usage {u!r}")

version = read(os.path.join(tmp, "version")).split()[-1]
th = [l for l in man if l.startswith(".TH")]
if not th or f"tcpchat {version}" not in th[0]:
    bad.append(f"man .TH {th[:1]} does not name 'tcpchat {version}' (tcpchat --version)")

# LIMITS: every value of tclimits.h, and the option named next to it.
limits_text = " ".join(roff_text(l) for l in sections.get("LIMITS", []))
serve_names = help_names["serve"]
for line in read(limits_path).splitlines():
    m = re.match(r"#define\s+(TC_\w+)\s+(.+?)\s*(?:/\*(.*)\*/)?\s*$", line)
    if not m:
        continue
    name, value, comment = m[1], m[2], m[3] or ""
    if value.startswith('"'):
        shown = value.strip('"')
    else:
        if not re.fullmatch(r"[\d\s()*+/-]+", value):
            bad.append(f"tclimits.h: cannot evaluate {name} = {value}")
            continue
        shown = str(eval(value))
    if not re.search(r"(?<![\w.])" + re.escape(shown) + r"(?![\w])", limits_text):
        bad.append(f"man LIMITS does not list {name} = {shown}")
    for opt in re.findall(r"--[\w-]+", comment):
        if opt not in serve_names:
            bad.append(f"tclimits.h names {opt} for {name}, but tcpchat serve has no such option")
        if opt not in limits_text:
            bad.append(f"man LIMITS does not name {opt} for {name}")

# --- bash (real completions, from the shell script above) -----------------------------
for ctx in CTXS:
    got = set(read(os.path.join(tmp, "bash." + ctx)).split())
    if got != help_names[ctx]:
        show_diff(f"bash completion of 'tcpchat {'' if ctx == 'main' else ctx + ' '}-'",
                  help_names[ctx], got)

# --- zsh (static: the _arguments specs of each function) ------------------------------
zsh = read(zsh_path)
zsh_funcs = {"main": "_tcpchat", "serve": "_tcpchat_serve", "connect": "_tcpchat_connect"}
for ctx, fn in zsh_funcs.items():
    m = re.search(r"^" + fn + r"\(\) \{\n(.*?)^\}", zsh, re.M | re.S)
    if not m:
        bad.append(f"zsh completion: no function {fn}")
        continue
    got, descs = set(), {}
    for line in m[1].splitlines():
        line = line.strip()
        if not line.startswith(("'(", "'*", "'-", "{-")):
            continue
        unquoted = re.sub(r"'[^']*'", " ", line)
        found = []
        for group in re.findall(r"\{([^}]*)\}", unquoted):
            found += [g.rstrip("+=-") for g in group.split(",")]
        for q in re.findall(r"'([^']*)'", line):
            mm = re.match(r"^(?:\([^)]*\))?\*?(--?[A-Za-z][\w-]*)[+=-]?\[", q)
            if mm:
                found.append(mm[1])
        d = re.search(r"'\[([^]]*)\]", line)
        for o in found:
            got.add(o)
            if d:
                descs[o] = d[1]
    if got != help_names[ctx]:
        show_diff(f"zsh completion ({fn})", help_names[ctx], got)
    for tag, h in help_opts[ctx].items():
        for o in tag.replace(",", "").split()[:2]:
            if o in descs and descs[o] != h:
                bad.append(f"zsh completion ({fn}) {o}: description {descs[o]!r} "
                           f"is not the --help text {h!r}")

# --- fish (static: the complete lines; and real completions when fish is installed) ---
fish_static = {c: set() for c in CTXS}
fish_descs = {c: {} for c in CTXS}
for line in read(fish_path).splitlines():
    if not line.startswith("complete -c tcpchat "):
        continue
    args = shlex.split(line)
    cond = args[args.index("-n") + 1] if "-n" in args else ""
    if cond == "__tcpchat_no_subcommand":
        ctx = "main"
    else:
        mm = re.fullmatch(r"__fish_seen_subcommand_from (serve|connect)", cond)
        if not mm:
            continue
        ctx = mm[1]
    opts = []
    for flag, prefix in (("-s", "-"), ("-l", "--")):
        if flag in args:
            opts.append(prefix + args[args.index(flag) + 1])
    d = args[args.index("-d") + 1] if "-d" in args else None
    for o in opts:
        fish_static[ctx].add(o)
        if d is not None:
            fish_descs[ctx][o] = d
for ctx in CTXS:
    if fish_static[ctx] != help_names[ctx]:
        show_diff(f"fish completion ({ctx} complete lines)", help_names[ctx], fish_static[ctx])
    for tag, h in help_opts[ctx].items():
        for o in tag.replace(",", "").split()[:2]:
            if o in fish_descs[ctx] and fish_descs[ctx][o] != h:
                bad.append(f"fish completion ({ctx}) {o}: description {fish_descs[ctx][o]!r} "
                           f"is not the --help text {h!r}")
    p = os.path.join(tmp, "fish." + ctx)
    if os.path.exists(p):
        got = {w for w in read(p).split() if w.startswith("-")}
        if got != help_names[ctx]:
            show_diff(f"fish real completion ({ctx})", help_names[ctx], got)

# README.md quotes `tcpchat serve --help` verbatim.
readme_path = os.path.join(os.path.dirname(os.path.dirname(man_path)), "README.md")
if os.path.exists(readme_path):
    blocks = re.findall(r"```text\n(Usage: tcpchat serve.*?)```", read(readme_path), re.S)
    if not blocks:
        bad.append("README.md: no ```text block with the `tcpchat serve --help` text")
    elif blocks[0] != read(os.path.join(tmp, "help.serve")):
        bad.append("README.md: the server options block is not `tcpchat serve --help` verbatim")

for b in bad:
    print("FAIL:", b)
if bad:
    sys.exit(1)
total = sum(len(v) for v in help_names.values())
print(f"ok: {total} option names agree across --help, man page, bash, zsh, fish"
      f"{' (fish also live)' if os.path.exists(os.path.join(tmp, 'fish.main')) else ''}")
print("ok: man SYNOPSIS, option descriptions, version and LIMITS match the binary and tclimits.h")
PYEOF

# --- 2. the man page lints clean -------------------------------------------------------

if command -v groff >/dev/null 2>&1; then
	if out=$(groff -ww -mandoc -z "$MAN" 2>&1) && [[ -z $out ]]; then
		ok "groff -ww -mandoc -z: no warnings"
	else
		fail "groff -ww -mandoc -z:"$'\n'"$out"
	fi
else
	fail "groff is not installed (apt-get install groff-base)"
fi
if command -v mandoc >/dev/null 2>&1; then
	out=$(mandoc -Tlint "$MAN" 2>&1)
	if grep -v ': STYLE: ' <<<"$out" | grep -q .; then
		fail "mandoc -Tlint:"$'\n'"$out"
	else
		ok "mandoc -Tlint: no warnings"
		[[ -n $out ]] && echo "note: mandoc style remarks:"$'\n'"$out"
	fi
else
	echo "skip: mandoc -Tlint (mandoc is not installed)"
fi

# --- 3. real bash completions ----------------------------------------------------------

expect_bash() {
	# expect_bash LABEL "EXPECTED WORDS" WORDS...: COMPREPLY, sorted, is EXPECTED.
	local label=$1 want=$2 got
	shift 2
	got=$(bash_complete $label_mode "$@" | sort | tr '\n' ' ' | sed 's/ $//')
	want=$(printf '%s\n' $want | sort | tr '\n' ' ' | sed 's/ $//')
	if [[ $got == "$want" ]]; then
		ok "bash$label_note: '$label' -> $got"
	else
		fail "bash$label_note: '$label' completes to [$got], expected [$want]"
	fi
}

# help_names FILE: the option names of a --help text.
help_names() {
	grep -oE '^ +(-[[:alnum:]], )?--[[:alnum:]-]+' "$1" | tr -d ',' | tr '\n' ' '
}

touch "$tmp/chat-log-file.txt"
for mode in plain with; do
	label_mode='' label_note=''
	if [[ $mode == with ]]; then
		if [[ ! -r /usr/share/bash-completion/bash_completion ]]; then
			echo "skip: bash completion under the bash-completion package (not installed)"
			continue
		fi
		label_mode=--with-bash-completion label_note=' (with bash-completion)'
	fi
	expect_bash "tcpchat ser<TAB>" "serve" tcpchat ser
	expect_bash "tcpchat <TAB>" "serve connect" tcpchat ''
	expect_bash "tcpchat serve --ma<TAB>" "--max-clients --max-line --max-per-ip --max-per-ip-rate --max-queue --max-total-queue" \
		tcpchat serve --ma
	expect_bash "tcpchat connect -<TAB>" "$(help_names "$tmp/help.connect")" \
		tcpchat connect -
	expect_bash "tcpchat serve -<TAB>" "$(help_names "$tmp/help.serve")" tcpchat serve -
	expect_bash "tcpchat -<TAB>" "$(help_names "$tmp/help.main")" tcpchat -
	expect_bash "tcpchat serve -l .../chat-l<TAB>" "$tmp/chat-log-file.txt" \
		tcpchat serve -l "$tmp/chat-l"
	expect_bash "tcpchat serve --port=<TAB>" "8989 0" tcpchat serve --port =
	expect_bash "tcpchat serve -p <TAB>" "8989 0" tcpchat serve -p ''
	expect_bash "tcpchat connect localh<TAB>" "localhost" tcpchat connect localh
	expect_bash "tcpchat connect -n bob localhost <TAB>" "8989" \
		tcpchat connect -n bob localhost ''
	expect_bash "tcpchat serve 2525 <TAB>" "" tcpchat serve 2525 ''
done

# --- 4. zsh and fish files parse ---------------------------------------------------------

if command -v zsh >/dev/null 2>&1; then
	if out=$(zsh -n "$ZSH_COMP" 2>&1) &&
		# The dump file must be a file of ours: compinit replaces it with mv, and
		# "-d /dev/null" once turned this machine's /dev/null into a regular file.
		out=$(zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -D -d "$2";
			autoload -Uz +X _tcpchat' zsh "$(dirname "$ZSH_COMP")" "$tmp/zcompdump" 2>&1) &&
		[[ -z $out ]]; then
		ok "zsh: _tcpchat parses and autoloads"
	else
		fail "zsh: _tcpchat:"$'\n'"$out"
	fi
else
	echo "skip: zsh is not installed, _tcpchat not parsed"
fi
if command -v fish >/dev/null 2>&1; then
	if out=$(fish --no-config -n "$FISH_COMP" 2>&1) &&
		out=$(fish --no-config -c "source '$FISH_COMP'" 2>&1) && [[ -z $out ]]; then
		ok "fish: tcpchat.fish parses and loads"
	else
		fail "fish: tcpchat.fish:"$'\n'"$out"
	fi
else
	echo "skip: fish is not installed, tcpchat.fish parsed statically only"
fi

if ((failures)); then
	echo "test_docs: $failures failure(s)"
	exit 1
fi
echo "test_docs: all passed"
