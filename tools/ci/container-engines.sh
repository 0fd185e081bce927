#!/usr/bin/env bash
# Container engines for the image tests (issue 5), on a machine that reaches
# Debian's packages and PyPI but no container registry: installs docker.io,
# buildah, docker-registry and debootstrap; starts dockerd (vfs storage, no
# bridge: this machine has neither overlayfs nor iptables to spare); starts a
# registry on 127.0.0.1:5000; makes the Python base image with debootstrap and
# gives it to both engines. Idempotent: what already runs is left alone.
# Source it: it exports what the tests read.
set -uo pipefail

BASE_IMAGE=${NX_KUBEFLOW_TEST_BASE_IMAGE:-localhost/python-base:bookworm}
REGISTRY_ADDR=${NX_KUBEFLOW_TEST_REGISTRY:-127.0.0.1:5000}
STATE_DIR=${NX_KUBEFLOW_ENGINE_STATE:-/var/tmp/nx-kubeflow-engines}
mkdir -p "$STATE_DIR"

engines_missing=()
command -v dockerd >/dev/null || engines_missing+=(docker.io)
command -v buildah >/dev/null || engines_missing+=(buildah)
command -v docker-registry >/dev/null || engines_missing+=(docker-registry)
command -v debootstrap >/dev/null || engines_missing+=(debootstrap)
if [ ${#engines_missing[@]} -gt 0 ]; then
  echo "installing ${engines_missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${engines_missing[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  echo "starting dockerd (log: $STATE_DIR/dockerd.log)"
  nohup dockerd --storage-driver vfs --iptables=false --bridge=none >"$STATE_DIR/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start:"; tail -20 "$STATE_DIR/dockerd.log"; }
fi

if ! curl -fsS "http://$REGISTRY_ADDR/v2/" >/dev/null 2>&1; then
  echo "starting docker-registry on $REGISTRY_ADDR"
  mkdir -p "$STATE_DIR/registry"
  cat >"$STATE_DIR/registry.yml" <<YAML
version: 0.1
storage:
  filesystem:
    rootdirectory: $STATE_DIR/registry
  delete:
    enabled: true
http:
  addr: $REGISTRY_ADDR
YAML
  nohup docker-registry serve "$STATE_DIR/registry.yml" >"$STATE_DIR/registry.log" 2>&1 &
  for _ in $(seq 1 30); do curl -fsS "http://$REGISTRY_ADDR/v2/" >/dev/null 2>&1 && break; sleep 1; done
fi

# The base image: Debian bookworm with python3, venv and pip (no registry to pull python:3.11-slim from).
if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  if [ ! -x "$STATE_DIR/rootfs/usr/bin/python3" ]; then
    echo "debootstrap: making $BASE_IMAGE (about a minute)"
    rm -rf "$STATE_DIR/rootfs"
    debootstrap --variant=minbase --include=python3,python3-venv,python3-pip bookworm "$STATE_DIR/rootfs" >"$STATE_DIR/debootstrap.log" 2>&1 \
      || { echo "debootstrap failed:"; tail -20 "$STATE_DIR/debootstrap.log"; }
  fi
  tar -C "$STATE_DIR/rootfs" -c . | docker import - "$BASE_IMAGE" >/dev/null
fi
if ! buildah --storage-driver vfs inspect --type image "$BASE_IMAGE" >/dev/null 2>&1; then
  buildah --storage-driver vfs pull --quiet "docker-daemon:$BASE_IMAGE" >/dev/null
fi

echo "docker: $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo 'not answering')"
echo "buildah: $(buildah version 2>/dev/null | awk '/^Version/{print $2}')"
echo "registry: $(curl -fsS -o /dev/null -w '%{http_code}' "http://$REGISTRY_ADDR/v2/" 2>/dev/null || echo 'not answering') at $REGISTRY_ADDR"

# buildah 1.28 ignores STORAGE_DRIVER itself; the plugin passes it on as --storage-driver,
# and it must name the store the base image went into above.
export STORAGE_DRIVER=vfs
export NX_KUBEFLOW_REQUIRE_ENGINES=1
export NX_KUBEFLOW_TEST_REGISTRY=$REGISTRY_ADDR
export NX_KUBEFLOW_TEST_BASE_IMAGE=$BASE_IMAGE
