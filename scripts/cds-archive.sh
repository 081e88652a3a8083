#!/usr/bin/env bash
# Makes a class-data-sharing archive for a Candybridge jar, so that the JVM maps the classes the
# service uses instead of loading and verifying them at every start (ready in about 1.0 s instead
# of 1.5 s on 2 cores; BENCHMARKS.md). Usage: scripts/cds-archive.sh JAR; prints the archive's path
# (JAR with .jsa for .jar) when there is one. The archive is recorded from a run of
# `candybridge demo --no-wait` (the real service on a throw-away database with an in-process fake
# ReferralCandy, about 4 s) and made again whenever the jar is newer. An archive is only an
# optimisation: when it cannot be made, or the JVM finds it does not match the jar or itself, the
# service starts the usual way.
set -uo pipefail
jar="$1"
# Recorded with the service's own JVM settings, so the archive matches the JVM that maps it.
# shellcheck disable=SC2207
flags=($(grep -v '^[[:space:]]*#' "$(dirname "$0")/jvm-flags"))
jsa="${jar%.jar}.jsa"
if [ ! -f "$jsa" ] || [ "$jar" -nt "$jsa" ]; then
  tmp="$jsa.$$"
  # Written under a temporary name and renamed, so two launchers at once never read half a file.
  if java "${flags[@]}" -XX:ArchiveClassesAtExit="$tmp" -Xlog:cds=off -Xlog:cds+dynamic=off \
      -jar "$jar" demo --no-wait >/dev/null 2>&1 && [ -s "$tmp" ]; then
    mv -f "$tmp" "$jsa"
  else
    rm -f "$tmp"
    echo "candybridge: no class-data archive for $jar (starting without one)" >&2
  fi
fi
[ -f "$jsa" ] && [ ! "$jar" -nt "$jsa" ] && echo "$jsa"
exit 0
