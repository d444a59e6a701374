#!/usr/bin/env bash
# Builds the base image of every Slotstream image from Debian packages, without a registry:
#   Debian bookworm minbase (mmdebstrap) + a JRE jlink'ed from the build's JDK + a non-root user 65532.
# Output: deploy/images/target/base.tar (docker-archive; Jib builds FROM it) and localhost/slotstream-base:<tag> in podman.
# Reproducible: the suite and JDK are fixed inputs, file times are clamped to SOURCE_DATE_EPOCH, and the image records
# its package list (/usr/share/slotstream/packages.txt). Needs root, mmdebstrap, podman (apt-get install podman runc
# mmdebstrap) and a JDK 21+ in JAVA_HOME. Skips the work when the tar exists (delete it, or pass --force, to rebuild).
set -euo pipefail
cd "$(dirname "$0")"
TARGET="$PWD/target"
TAR="$TARGET/base.tar"
[ "${1:-}" = "--force" ] && rm -f "$TAR"
if [ -f "$TAR" ]; then echo "images: base image $TAR exists"; exit 0; fi

fail() { echo "slotstream: images: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "building the base image needs root (mmdebstrap, file ownership)"
command -v mmdebstrap >/dev/null || fail "mmdebstrap missing: apt-get install -y mmdebstrap"
command -v podman >/dev/null || fail "podman missing: apt-get install -y podman runc"
[ -x "${JAVA_HOME:-}/bin/jlink" ] || fail "JAVA_HOME must be a JDK with jlink (21+), is '${JAVA_HOME:-}'"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/containers.conf}"

SUITE=bookworm
MIRROR="${DEBIAN_MIRROR:-$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
JDK_VERSION=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.runtime\.version = //p')
TAG="$SUITE-jre${JDK_VERSION%%+*}"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1735689600}"   # 2025-01-01T00:00:00Z

rm -rf "$TARGET/rootfs" "$TARGET/jre"
mkdir -p "$TARGET"

# The modules Spring Boot, Kafka (SASL/SCRAM, Kerberos, TLS), Kafka Streams, HAPI FHIR and the Apicurio client use.
MODULES=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,\
java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,\
java.xml.crypto,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.management.jfr,jdk.naming.dns,jdk.net,jdk.security.auth,\
jdk.security.jgss,jdk.unsupported,jdk.zipfs,jdk.localedata,jdk.charsets
# jlink (CPU) runs while mmdebstrap downloads (network)
echo "images: jlink JRE $JDK_VERSION, mmdebstrap --variant=minbase $SUITE from $MIRROR ..."
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --compress=zip-6 --no-header-files --no-man-pages --strip-debug \
  --output "$TARGET/jre" > "$TARGET/jlink.log" 2>&1 &
jlink=$!
# mmdebstrap: apt's downloads and dpkg without fsync, about 3 times faster than debootstrap; with its merged-usr hook
# the same package set as debootstrap's minbase (usr-is-merged, not the usrmerge package and its perl).
hooks=()
[ -d /usr/share/mmdebstrap/hooks/merged-usr ] && hooks=(--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr)
mmdebstrap --mode=root --variant=minbase "${hooks[@]}" "$SUITE" "$TARGET/rootfs" "$MIRROR" > "$TARGET/mmdebstrap.log" 2>&1 \
  || { kill "$jlink" 2>/dev/null; fail "mmdebstrap failed, see $TARGET/mmdebstrap.log"; }
wait "$jlink" || fail "jlink failed, see $TARGET/jlink.log"
mkdir -p "$TARGET/rootfs/opt" && cp -a "$TARGET/jre" "$TARGET/rootfs/opt/java"

R="$TARGET/rootfs"
chroot "$R" dpkg-query -W -f '${Package} ${Version}\n' > "$TARGET/packages.txt"
mkdir -p "$R/usr/share/slotstream" && cp "$TARGET/packages.txt" "$R/usr/share/slotstream/packages.txt"
echo "jre $JDK_VERSION modules $MODULES" >> "$R/usr/share/slotstream/packages.txt"
# non-root user and the writable places the chart mounts volumes on (the root file system can be read-only)
echo "slotstream:x:65532:65532:slotstream:/tmp:/usr/sbin/nologin" >> "$R/etc/passwd"
echo "slotstream:x:65532:" >> "$R/etc/group"
mkdir -p "$R/var/lib/slotstream/state" && chown -R 65532:65532 "$R/var/lib/slotstream" && chmod 1777 "$R/tmp"
# what a runtime image does not need: apt lists and caches, docs, man pages, logs; and the build machine's host name
# and DNS settings (the container runtime provides both)
rm -rf "$R"/var/lib/apt/lists/* "$R"/var/cache/apt/* "$R"/var/cache/debconf/*-old "$R"/usr/share/doc/* \
  "$R"/usr/share/man/* "$R"/usr/share/info/* "$R"/var/log/* "$R"/var/cache/ldconfig/aux-cache \
  "$R"/etc/hostname "$R"/etc/resolv.conf
find "$R" -depth -newermt "@$SOURCE_DATE_EPOCH" -print0 2>/dev/null | xargs -0r touch --no-dereference --date="@$SOURCE_DATE_EPOCH"

echo "images: importing localhost/slotstream-base:$TAG ..."
tar --sort=name --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -C "$R" -c . \
  | podman import --quiet --change "ENV JAVA_HOME=/opt/java" --change "ENV PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      --change "ENV LANG=C.UTF-8" --change "USER 65532:65532" - "localhost/slotstream-base:$TAG" > /dev/null
podman save --quiet --format docker-archive -o "$TAR.tmp" "localhost/slotstream-base:$TAG" && mv "$TAR.tmp" "$TAR"
rm -rf "$TARGET/rootfs" "$TARGET/jre"
echo "images: base localhost/slotstream-base:$TAG, $(du -m "$TAR" | cut -f1) MB uncompressed -> $TAR, in $SECONDS s"
