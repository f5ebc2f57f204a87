#!/bin/sh
# Test-only post-renderer: records what Helm sends and what the real binary
# answers (one numbered pair per invocation), then answers the same.
set -u
n=$(ls "$TEE_DIR" | grep -c '^in-' || true)
cat > "$TEE_DIR/in-$n.yaml"
"$AMEIDE_TILT_RENDER_BIN" "$@" < "$TEE_DIR/in-$n.yaml" > "$TEE_DIR/out-$n.yaml"
rc=$?
cat "$TEE_DIR/out-$n.yaml"
exit $rc
