"""Python stubs of the service, generated from its .proto files at start.

Used by the examples; a project of your own would generate them once at
build time instead (protoc with grpc_python_plugin; Debian:
protobuf-compiler, protobuf-compiler-grpc, python3-grpcio, python3-protobuf).
WA_PROTO_DIR names the .proto files' folder (default: the repository's proto/).
"""

import glob
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_DIR = os.environ.get("WA_PROTO_DIR", os.path.join(HERE, "..", "..", "..", "proto"))
# google/api/annotations.proto and google/rpc/status.proto (Debian:
# golang-github-grpc-ecosystem-grpc-gateway-dev).
GOOGLEAPIS = ("/usr/share/gocode/src/github.com/grpc-ecosystem/grpc-gateway/"
              "third_party/googleapis")


def generate_stubs():
    """Compiles the .proto files into a temporary directory on sys.path."""
    out = tempfile.mkdtemp(prefix="wa-example-stubs-")
    protos = sorted(os.path.relpath(p, PROTO_DIR)
                    for p in glob.glob(os.path.join(PROTO_DIR, "hotel/whatsapp/v1/*.proto")))
    if not protos:
        sys.exit("no .proto files under %s (set WA_PROTO_DIR)" % PROTO_DIR)
    subprocess.run(["protoc", "-I" + PROTO_DIR, "-I" + GOOGLEAPIS, "-I/usr/include",
                    "--python_out=" + out, "--grpc_out=" + out,
                    "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin",
                    *protos, "google/api/annotations.proto", "google/api/http.proto"],
                   check=True)
    sys.path.insert(0, out)
