#!/usr/bin/env bash
# The base of the container image, made from this machine instead of pulled from a registry:
#   opt/java                 a JRE 17 that jlink cuts from the build's own JDK (the modules jdeps
#                            finds in target/candybridge.jar, plus jdk.crypto.ec for TLS)
#   lib*/…                   the shared libraries that JRE and SQLite's native library load (ldd):
#                            glibc, libstdc++, libgcc_s, zlib, copied from this machine
#   opt/candybridge/native   sqlite-jdbc's native library, unpacked here so nothing is written to
#                            /tmp at start-up (the image works with a read-only root filesystem)
#   etc/passwd, etc/group    the user candybridge (uid 10001, group 0), no shell, no password
#   var/lib/candybridge      the one volume (the SQLite file); tmp, empty
# Jib (mvn -Pimage package) adds the application on top of it: see the pom's image profile.
#
# Usage: scripts/image-rootfs.sh OUTPUT_DIR SQLITE_JDBC_JAR
set -euo pipefail
out="${1:?output directory}"
sqlite_jar="${2:?sqlite-jdbc jar}"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
modules="java.base,java.desktop,java.instrument,java.naming,java.net.http,java.rmi,java.security.jgss,java.sql,jdk.httpserver,jdk.management,jdk.net,jdk.unsupported,jdk.crypto.ec"

[ -d "$java_home/jmods" ] || { echo "image-rootfs: $java_home has no jmods (Debian: apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/opt" "$out/opt/candybridge/native" "$out/etc" "$out/var/lib/candybridge" "$out/tmp"

"$java_home/bin/jlink" --module-path "$java_home/jmods" --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/opt/java"
# Debian keeps the JDK's CA certificates in ca-certificates-java; take them when present (the
# jmod's copy is otherwise used). ReferralCandy, Stripe and the alert webhook are HTTPS.
if [ -f /etc/ssl/certs/java/cacerts ]; then
  cp -L /etc/ssl/certs/java/cacerts "$out/opt/java/lib/security/cacerts"
fi

case "$(uname -m)" in
  x86_64) sqlite_arch=x86_64 ;;
  aarch64) sqlite_arch=aarch64 ;;
  *) echo "image-rootfs: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
# The JDK's jar tool, not unzip: nothing beyond the JDK, ldd and coreutils is needed.
unpack="$(mktemp -d)"
(cd "$unpack" && "$java_home/bin/jar" xf "$sqlite_jar" "org/sqlite/native/Linux/$sqlite_arch/libsqlitejdbc.so")
[ -s "$unpack/org/sqlite/native/Linux/$sqlite_arch/libsqlitejdbc.so" ] || { echo "image-rootfs: no Linux/$sqlite_arch library in $sqlite_jar" >&2; exit 1; }
mv "$unpack/org/sqlite/native/Linux/$sqlite_arch/libsqlitejdbc.so" "$out/opt/candybridge/native/libsqlitejdbc.so"
rm -rf "$unpack"

# Every library an ELF file of the image needs, at the path the dynamic loader finds it on this
# machine (regular files, no symlinks: the loader searches /lib/<triplet> and /lib64 itself).
# java.desktop is in the JRE for java.beans only (HikariCP): its AWT, font, sound and image
# libraries are never loaded, so X11, freetype and ALSA stay out.
libs="$(find "$out/opt" -type f \( -name '*.so' -o -path '*/bin/*' \) \
    ! \( -name 'libawt*' -o -name 'libjawt.so' -o -name 'libfontmanager.so' -o -name 'libjsound.so' -o -name 'libsplashscreen.so' \
       -o -name 'liblcms.so' -o -name 'libjavajpeg.so' -o -name 'libmlib_image.so' \) -print0 \
  | xargs -0 ldd 2>/dev/null \
  | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)"
for lib in $libs; do
  case "$lib" in "$out"/*) continue ;; esac
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done
[ -n "$(find "$out" -name 'ld-linux*' -print -quit)" ] || { echo "image-rootfs: no dynamic loader found by ldd" >&2; exit 1; }

# uid 10001 in group 0: the data folder is group-writable (mode 0775 set by Jib), which also
# suits platforms that run the image under an arbitrary uid in group 0 (OpenShift).
printf 'root:x:0:0:root:/root:/sbin/nologin\ncandybridge:x:10001:0:Candybridge:/var/lib/candybridge:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\n' > "$out/etc/group"
echo "image-rootfs: $(du -sh "$out" | cut -f1) in $out, Java $("$out/opt/java/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p')"
