# deps.sh: install what building and testing tcpchat needs, on Debian or Ubuntu.
# Sourced by scripts/serve and scripts/test; `tcpchat_deps` installs only the
# packages that are missing, with apt-get, through sudo when not root.
# Set TCPCHAT_NO_APT=1 to skip it (then a missing package is only reported).

# What building the program needs; the tests need TCPCHAT_DEB_TEST_PACKAGES as well
# (scripts/test passes them to tcpchat_deps).
TCPCHAT_DEB_PACKAGES=(build-essential cmake pkg-config libncurses-dev libreadline-dev
	libicu-dev libcrypt-dev libssl-dev libhiredis-dev libjansson-dev)
TCPCHAT_DEB_TEST_PACKAGES=(libcmocka-dev redis-server netcat-openbsd tmux python3 groff-base openssl)

tcpchat_missing_packages() {
	local p
	for p in "$@"; do
		# dpkg -s says "Status: install ok installed" for an installed package.
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
			echo "$p"
		fi
	done
}

tcpchat_deps() {
	local missing sudo=()
	if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
		echo "deps: not a Debian or Ubuntu system; make sure these are installed:" >&2
		echo "  ${TCPCHAT_DEB_PACKAGES[*]} $*" >&2
		return 0
	fi
	mapfile -t missing < <(tcpchat_missing_packages "${TCPCHAT_DEB_PACKAGES[@]}" "$@")
	((${#missing[@]} == 0)) && return 0
	echo "deps: missing ${missing[*]}" >&2
	if [[ ${TCPCHAT_NO_APT:-0} == 1 ]]; then
		echo "deps: TCPCHAT_NO_APT=1, not installing them" >&2
		return 1
	fi
	if ((EUID != 0)); then
		if ! command -v sudo >/dev/null 2>&1; then
			echo "deps: not root and no sudo; as root run: apt-get install ${missing[*]}" >&2
			return 1
		fi
		sudo=(sudo)
	fi
	# Refresh the package lists only when they are missing or an install fails.
	if ! ls /var/lib/apt/lists/*Packages* >/dev/null 2>&1; then
		"${sudo[@]}" apt-get update -q || return 1
	fi
	if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; then
		"${sudo[@]}" apt-get update -q &&
			"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" ||
			return 1
	fi
}

# The top of the source tree (the parent of scripts/).
tcpchat_top() {
	cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd
}
