# Sourced by tools/build/build-*: the cache outside the clone, apt with the
# lock shared with other users of the machine, Debian's source packages.
#
# A result lives in /var/cache/b2c-build/NAME-VERSION-HASH/, HASH being the
# first 12 hex digits of the SHA-256 of the recipe (the build script, this
# file and the files the script names). It is built in a temporary
# directory next to it and renamed into place when complete, under a lock,
# so a second run (or a concurrent one) finds it and builds nothing.

B2C_BUILD_CACHE=${B2C_BUILD_CACHE:-/var/cache/b2c-build}
B2C_BUILD_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export DEBIAN_FRONTEND=noninteractive

log() { echo "$(basename "$0"): $*" >&2; }
die() { log "$*"; exit 1; }

# apt-get, waiting for another agent's apt or dpkg rather than failing.
apt_get() { apt-get -o DPkg::Lock::Timeout=1200 -o APT::Get::Assume-Yes=true "$@"; }

# Installs the packages given that are not installed yet (quietly).
apt_install_missing() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "apt-get install ${missing[*]}"
    apt_get install --no-install-recommends "${missing[@]}" >&2
}

# Makes Debian 12's source packages (bookworm, its updates, security and
# backports) known to apt, in a file of our own, unless TEST (a command)
# already succeeds.
B2C_SOURCES_FILE=/etc/apt/sources.list.d/b2c-build-src.sources
ensure_deb_src() {
    "$@" >/dev/null 2>&1 && return 0
    if [ ! -f "$B2C_SOURCES_FILE" ]; then
        log "adding Debian 12's deb-src lines in $B2C_SOURCES_FILE"
        cat >"$B2C_SOURCES_FILE" <<'EOF'
# Added by boot2container's tools/build/* scripts: Debian 12's source
# packages (apt-get source kmod) and bookworm-backports' curl.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    fi
    apt_get update >&2
    "$@" >/dev/null 2>&1 || die "apt still has no source for: $*"
}

# recipe_hash FILE...: 12 hex digits that change whenever the recipe does.
recipe_hash() {
    cat "$0" "$B2C_BUILD_HERE/common.sh" "$@" | sha256sum | cut -c1-12
}

# cache_begin NAME VERSION [RECIPE FILE...]: sets $result (the final
# directory) and $work (an empty directory to build in, on the same file
# system). When $result exists already, runs cache_hit and exits.
cache_begin() {
    local name=$1 version=$2
    shift 2
    mkdir -p "$B2C_BUILD_CACHE"
    result="$B2C_BUILD_CACHE/$name-$version-$(recipe_hash "$@")"
    if [ -d "$result" ]; then cache_hit; exit 0; fi
    exec 9>"$B2C_BUILD_CACHE/.$name.lock"
    flock 9
    if [ -d "$result" ]; then cache_hit; exit 0; fi
    work=$(mktemp -d "$B2C_BUILD_CACHE/.work-$name.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    build_started=$(date +%s)
}

# cache_commit DIR: moves the finished DIR to $result.
cache_commit() {
    mv "$1" "$result"
    log "built in $(($(date +%s) - build_started)) s: $result"
}
