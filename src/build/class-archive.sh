#!/usr/bin/env bash
# Makes target/vertstack.jsa, a class-data-sharing archive (JDK 17's dynamic AppCDS) of the classes
# a node loads to start. `java -XX:SharedArchiveFile=target/vertstack.jsa -jar target/vertstack.jar`
# then maps them ready-parsed instead of loading and verifying them from the jar: about a quarter
# less CPU to start. Run by `mvn package` after the jar is built (-DskipClassArchive leaves it out).
# It trains on a throwaway all-in-one node: start, wait until it serves, dump, stop. Any failure
# leaves no archive and does not fail the build: the JVM silently starts without a missing archive,
# and ignores one made for another build of the jar.
set -uo pipefail
target=${1:?usage: class-archive.sh TARGET_DIR}
jar="$target/vertstack.jar"
out="$target/vertstack.jsa"
rm -f "$out"
skip() {
  echo "class archive: $1; the jar starts without one" >&2
  exit 0
}
command -v jcmd >/dev/null || skip "no jcmd (a JRE without the JDK's tools)"
dir=$(mktemp -d /tmp/vertstack-class-archive.XXXXXX)
trap 'rm -rf "$dir"' EXIT
port=$((20000 + RANDOM % 20000))

# /healthz answers 200 (bash's /dev/tcp: no curl needed on a fresh machine)
healthy() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    printf 'GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    head -1 <&3 | grep -q ' 200'
  ) 2>/dev/null
}

java -XX:+RecordDynamicDumpInfo -jar "$jar" --state-dir "$dir/state" --host 127.0.0.1 --port "$port" \
  --set image.tiny-guest=false >"$dir/node.log" 2>&1 &
node=$!
stop() {
  kill "$node" 2>/dev/null
  wait "$node" 2>/dev/null
}
for _ in $(seq 1 600); do
  healthy && break
  kill -0 "$node" 2>/dev/null || { tail -5 "$dir/node.log" >&2; skip "the training node did not start"; }
  sleep 0.2
done
healthy || { stop; skip "the training node did not answer in 120 s"; }
if ! jcmd "$node" VM.cds dynamic_dump "$out" >"$dir/jcmd.log" 2>&1 || [ ! -s "$out" ]; then
  cat "$dir/jcmd.log" >&2
  rm -f "$out"
  stop
  skip "jcmd could not dump the archive"
fi
stop
echo "class archive: $out ($(du -h "$out" | cut -f1))"
