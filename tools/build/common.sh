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

# --arch ARCH, Debian's name of what a build-* script builds for: amd64
# (default on amd64) or arm64. Another architecture than the machine's is
# cross-compiled with Debian's cross toolchain (gcc-TRIPLET) against the
# -dev:ARCH packages installed next to the machine's own (multiarch), and
# its check programs run under qemu-user. Sets B2C_ARCH, triplet,
# target_cc, target_strip, target_run (the runner prefix, empty when
# native), cross_host (configure's --host=..., empty when native) and
# arch_suffix (-ARCH for a foreign architecture: the cache's NAME gets it);
# makes a foreign ARCH known to dpkg.
parse_arch() {  # "$@" of the script: --arch ARCH is the only argument taken
    B2C_ARCH=$(dpkg --print-architecture)
    while [ $# -gt 0 ]; do
        case "$1" in
            --arch) [ $# -ge 2 ] || die "--arch needs a value (amd64, arm64)"; B2C_ARCH=$2; shift 2 ;;
            *) die "unknown argument '$1' (--arch ARCH is the only one)" ;;
        esac
    done
    case "$B2C_ARCH" in
        amd64) triplet=x86_64-linux-gnu qemu_user=qemu-x86_64-static ;;
        arm64) triplet=aarch64-linux-gnu qemu_user=qemu-aarch64-static ;;
        *) die "--arch $B2C_ARCH: amd64 or arm64" ;;
    esac
    if [ "$B2C_ARCH" = "$(dpkg --print-architecture)" ]; then
        target_cc=gcc target_strip=strip target_run=() cross_host=() arch_suffix=""
        return
    fi
    target_cc=$triplet-gcc target_strip=$triplet-strip target_run=("$qemu_user")
    cross_host=(--host="$triplet") arch_suffix=-$B2C_ARCH
    # Debian's pkg-config has no TRIPLET-pkg-config wrapper: the .pc files of ARCH.
    export PKG_CONFIG_LIBDIR=/usr/lib/$triplet/pkgconfig:/usr/share/pkgconfig
    if ! dpkg --print-foreign-architectures | grep -qx "$B2C_ARCH"; then
        log "dpkg --add-architecture $B2C_ARCH"
        dpkg --add-architecture "$B2C_ARCH"
        apt_get update >&2
    fi
}

# The packages that build for B2C_ARCH: NAME:ARCH, with the cross compiler
# and qemu-user for a foreign one. Qualified for the machine's own
# architecture too: once NAME:arm64 is installed (ci/install-deps does with
# B2C_ARM64=1), dpkg-query answers "installed" for a plain NAME, and the
# amd64 one would be taken as there when it is not.
arch_packages() {  # NAME...: prints the package names, one a line
    printf '%s\n' "${@/%/:$B2C_ARCH}"
    if [ -n "$arch_suffix" ]; then
        printf '%s\n' "gcc-$triplet" qemu-user-static
    fi
}

# The sonames an ELF file of any architecture asks for (readelf, unlike
# ldd, runs nothing).
elf_needed() {  # FILE
    readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}
