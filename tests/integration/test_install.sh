#!/bin/bash
# test_install.sh: `cmake --install` puts every file in its place.
#  - bin/tcpchat (runs), bin/TCPChat -> tcpchat, the man page (and TCPChat.1 -> tcpchat.1),
#    the bash/zsh/fish completions, the example systemd unit (pointing at the installed
#    binary), README.md, LICENSE; DESTDIR staging works too.
#  - with TCPCHAT_DEB_TEST=1: a Release tree of the sources is built, `cpack -G DEB` makes
#    the package, its metadata and contents are checked (Depends: libc6, libncursesw6,
#    libreadline8), and, as root, it is installed with dpkg -i, checked, and removed.
# Environment: TCPCHAT_BIN, TCPCHAT_SRC, TCPCHAT_BUILD (the build tree to install).
set -u

: "${TCPCHAT_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TCPCHAT_BUILD:=$TCPCHAT_SRC/build}"
: "${TCPCHAT_BIN:=$TCPCHAT_BUILD/tcpchat}"

failures=0
tmp=$(mktemp -d)
deb_installed=
cleanup() {
	if [[ -n $deb_installed ]]; then
		dpkg -r tcpchat >/dev/null 2>&1 || echo "warning: dpkg -r tcpchat failed"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}
ok() { echo "ok: $*"; }

# check_tree ROOT BINDIR: every installed file under ROOT (a prefix).
check_tree() {
	local root=$1 what=$2 f
	local files=(
		bin/tcpchat
		share/man/man1/tcpchat.1
		share/bash-completion/completions/tcpchat
		share/zsh/site-functions/_tcpchat
		share/fish/vendor_completions.d/tcpchat.fish
		share/doc/tcpchat/examples/tcpchat.service
		share/doc/tcpchat/examples/tcpchat.logrotate
		share/doc/tcpchat/README.md
		share/doc/tcpchat/LICENSE
	)
	for f in "${files[@]}"; do
		if [[ -f $root/$f && -s $root/$f ]]; then
			ok "$what: $f"
		else
			fail "$what: $f is missing or empty"
		fi
	done
	[[ -x $root/bin/tcpchat ]] || fail "$what: bin/tcpchat is not executable"
	check_link "$what" "$root/bin/TCPChat" tcpchat
	check_link "$what" "$root/share/man/man1/TCPChat.1" tcpchat.1
	check_link "$what" "$root/share/bash-completion/completions/TCPChat" tcpchat
	cmp -s "$root/share/man/man1/tcpchat.1" "$TCPCHAT_SRC/man/tcpchat.1" ||
		fail "$what: the installed man page differs from man/tcpchat.1"
	cmp -s "$root/share/bash-completion/completions/tcpchat" \
		"$TCPCHAT_SRC/completions/tcpchat.bash" ||
		fail "$what: the installed bash completion differs from completions/tcpchat.bash"
}

# check_link WHAT LINK TARGET: LINK is a symbolic link to TARGET (relative, same dir).
check_link() {
	local what=$1 link=$2 want=$3 got
	if [[ -L $link ]]; then
		got=$(readlink "$link")
		if [[ $got == "$want" ]]; then
			ok "$what: ${link##*/} -> $got"
		else
			fail "$what: ${link##*/} points at '$got', not '$want'"
		fi
		[[ -e $link ]] || fail "$what: ${link##*/} is a dangling link"
	else
		fail "$what: ${link##*/} is not a symbolic link"
	fi
}

# --- cmake --install --prefix ---------------------------------------------------------------
prefix=$tmp/prefix
if out=$(cmake --install "$TCPCHAT_BUILD" --prefix "$prefix" 2>&1); then
	ok "cmake --install --prefix $prefix"
	check_tree "$prefix" "install"
	# The installed binary runs, under both names.
	if v=$("$prefix/bin/tcpchat" --version 2>&1) && [[ $v == "tcpchat "* ]]; then
		ok "install: bin/tcpchat --version: $v"
	else
		fail "install: bin/tcpchat --version: $v"
	fi
	u=$("$prefix/bin/TCPChat" not-a-port 2>/dev/null)
	rc=$?
	if [[ $u == '[USAGE]: ./TCPChat $port' && $rc == 2 ]]; then
		ok "install: bin/TCPChat takes the classic command line"
	else
		fail "install: 'TCPChat not-a-port' printed '$u', status $rc (want the classic usage, 2)"
	fi
	# The example unit runs the installed binary.
	unit=$prefix/share/doc/tcpchat/examples/tcpchat.service
	if grep -q '^ExecStart=[^ ]*/bin/tcpchat serve' "$unit" &&
		grep -q '^StateDirectory=tcpchat' "$unit" && grep -q '^ProtectSystem=strict' "$unit" &&
		grep -q '^NoNewPrivileges=yes' "$unit"; then
		ok "install: example systemd unit ($(grep '^ExecStart=' "$unit" | cut -d' ' -f1))"
	else
		fail "install: the example systemd unit lacks ExecStart/StateDirectory/hardening"
	fi
	if command -v systemd-analyze >/dev/null 2>&1; then
		# `verify` also runs man for Documentation=: point it at the installed page, or
		# drop the line when there is no man.
		sed "s|^ExecStart=[^ ]*|ExecStart=$prefix/bin/tcpchat|" "$unit" >"$tmp/tcpchat.service"
		command -v man >/dev/null 2>&1 || sed -i '/^Documentation=/d' "$tmp/tcpchat.service"
		if out=$(MANPATH=$prefix/share/man timeout 60 systemd-analyze verify \
			"$tmp/tcpchat.service" 2>&1) && [[ -z $out ]]; then
			ok "install: systemd-analyze verify tcpchat.service"
		elif grep -q 'tcpchat\.service' <<<"$out"; then
			fail "install: systemd-analyze verify tcpchat.service:"$'\n'"$out"
		else
			echo "skip: systemd-analyze verify cannot run here:"$'\n'"$out"
		fi
	else
		echo "skip: systemd-analyze is not installed, the unit is not verified"
	fi
	# man finds the installed page.
	if command -v man >/dev/null 2>&1; then
		if MANPATH=$prefix/share/man man -w tcpchat >/dev/null 2>&1 &&
			MANPATH=$prefix/share/man man -w TCPChat >/dev/null 2>&1; then
			ok "install: man -w tcpchat and man -w TCPChat find the page"
		else
			fail "install: man -w tcpchat/TCPChat with MANPATH=$prefix/share/man finds nothing"
		fi
	fi
else
	fail "cmake --install --prefix $prefix:"$'\n'"$out"
fi

# --- DESTDIR staging, as packagers do -----------------------------------------------------
if out=$(DESTDIR=$tmp/stage cmake --install "$TCPCHAT_BUILD" --prefix /usr 2>&1); then
	check_tree "$tmp/stage/usr" "DESTDIR"
else
	fail "DESTDIR=... cmake --install --prefix /usr:"$'\n'"$out"
fi

# --- the .deb -------------------------------------------------------------------------------
if [[ ${TCPCHAT_DEB_TEST:-0} == 1 ]]; then
	rel=$tmp/build-release
	echo "building a Release tree in $rel for the .deb"
	if ! out=$(cmake -S "$TCPCHAT_SRC" -B "$rel" -DCMAKE_BUILD_TYPE=Release \
		-DTCPCHAT_WERROR=OFF 2>&1) ||
		! out=$(cmake --build "$rel" -j2 --target tcpchat 2>&1); then
		fail "Release build:"$'\n'"$out"
	elif ! out=$(cd "$rel" && cpack -G DEB 2>&1); then
		fail "cpack -G DEB:"$'\n'"$out"
	else
		deb=$(ls "$rel"/tcpchat_*.deb 2>/dev/null | head -1)
		if [[ -z $deb ]]; then
			fail "cpack -G DEB made no tcpchat_*.deb:"$'\n'"$out"
		else
			ok "cpack -G DEB: ${deb##*/}"
			info=$(dpkg-deb -f "$deb" Package Depends Maintainer Description)
			echo "$info" | sed 's/^/  /'
			[[ $(dpkg-deb -f "$deb" Package) == tcpchat ]] || fail ".deb: Package is not tcpchat"
			depends=$(dpkg-deb -f "$deb" Depends)
			for dep in libc6 libncursesw6 libreadline8; do
				if [[ $depends == *"$dep"* ]]; then
					ok ".deb: depends on $dep"
				else
					fail ".deb: Depends '$depends' lacks $dep"
				fi
			done
			[[ -n $(dpkg-deb -f "$deb" Maintainer) ]] || fail ".deb: no Maintainer"
			contents=$(dpkg-deb -c "$deb")
			for f in ./usr/bin/tcpchat ./usr/bin/TCPChat ./usr/share/man/man1/tcpchat.1 \
				./usr/share/bash-completion/completions/tcpchat \
				./usr/share/zsh/site-functions/_tcpchat \
				./usr/share/fish/vendor_completions.d/tcpchat.fish \
				./usr/share/doc/tcpchat/examples/tcpchat.service; do
				if grep -q " $f\( \|$\)" <<<"$contents"; then
					ok ".deb contains $f"
				else
					fail ".deb lacks $f"
				fi
			done
			grep -q ' ./usr/bin/TCPChat -> tcpchat$' <<<"$contents" ||
				fail ".deb: usr/bin/TCPChat is not a link to tcpchat"
			grep -q '^ExecStart=/usr/bin/tcpchat ' < <(dpkg-deb --fsys-tarfile "$deb" |
				tar -xO ./usr/share/doc/tcpchat/examples/tcpchat.service) ||
				fail ".deb: the example unit does not run /usr/bin/tcpchat"
			if ((EUID != 0)); then
				echo "skip: dpkg -i (not root)"
			elif dpkg-query -W tcpchat >/dev/null 2>&1; then
				echo "skip: dpkg -i (a tcpchat package is installed already; not touching it)"
			elif out=$(dpkg -i "$deb" 2>&1); then
				deb_installed=1
				ok "dpkg -i ${deb##*/}"
				v=$(/usr/bin/tcpchat --version 2>&1) || true
				[[ $v == "tcpchat "* ]] && ok "installed /usr/bin/tcpchat --version: $v" ||
					fail "installed /usr/bin/tcpchat --version: $v"
				[[ $(readlink /usr/bin/TCPChat) == tcpchat ]] && ok "/usr/bin/TCPChat -> tcpchat" ||
					fail "/usr/bin/TCPChat is not a link to tcpchat"
				if command -v man >/dev/null 2>&1; then
					man -w tcpchat >/dev/null 2>&1 && ok "man -w tcpchat finds the page" ||
						fail "man -w tcpchat finds nothing after dpkg -i"
				fi
				if out=$(dpkg -r tcpchat 2>&1); then
					deb_installed=
					ok "dpkg -r tcpchat"
					[[ ! -e /usr/bin/tcpchat ]] || fail "/usr/bin/tcpchat left after dpkg -r"
				else
					fail "dpkg -r tcpchat:"$'\n'"$out"
				fi
			else
				fail "dpkg -i ${deb##*/}:"$'\n'"$out"
				dpkg -r tcpchat >/dev/null 2>&1 || true
			fi
		fi
	fi
else
	echo "skip: the .deb (set TCPCHAT_DEB_TEST=1 to build it with cpack and install it with dpkg)"
fi

if ((failures)); then
	echo "test_install: $failures failure(s)"
	exit 1
fi
echo "test_install: all passed"
