#!/usr/bin/env bash
# `cmake --install` of the build: the tree it lays out (binaries, systemd
# unit and user, example configuration, docs assets), the unit checked by
# systemd-analyze when the machine has it, the example configuration against
# the server's real flags, the installed server serving /docs, and a C++
# program built against the installed client package.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
make_tmp
trap cleanup EXIT

BUILD_DIR="$(cd "$(dirname "$WA_SERVER_BIN")/.." && pwd)"
PREFIX="$E2E_TMP/prefix"
# The prefix the build was configured with: the unit names its paths.
CONFIGURED_PREFIX="$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD_DIR/CMakeCache.txt")"
UNIT="$PREFIX/lib/systemd/system/wa-server.service"
ENV_FILE="$PREFIX/etc/wa-server/wa-server.env"

test_install_tree() {
  local out
  out="$(cmake --install "$BUILD_DIR" --prefix "$PREFIX" 2>&1)" ||
    fail_check "cmake --install succeeds" "$out"
  local f
  for f in bin/wa-server bin/wa-cli; do
    if [[ -x "$PREFIX/$f" ]]; then pass_check "$f installed"; else fail_check "$f installed"; fi
  done
  for f in lib/systemd/system/wa-server.service lib/sysusers.d/wa-server.conf \
    etc/wa-server/wa-server.env share/wa-server/openapi.yaml \
    share/wa-server/docs/redoc.standalone.js share/doc/wa-server/README.md; do
    if [[ -s "$PREFIX/$f" ]]; then pass_check "$f installed"; else fail_check "$f installed"; fi
  done
  assert_eq 600 "$(stat -c %a "$ENV_FILE" 2>/dev/null)" "the configuration is readable by its owner only"
  "$PREFIX/bin/wa-server" --help >"$E2E_TMP/help" 2>&1 || true
  assert_contains "$(cat "$E2E_TMP/help")" "--grpc_listen" "installed wa-server --help lists its flags"
  local cli_help rc=0
  cli_help="$("$PREFIX/bin/wa-cli" --help 2>&1)" || rc=$?
  assert_eq 0 "$rc" "installed wa-cli --help exits 0"
  assert_contains "$cli_help" "send" "installed wa-cli --help lists its commands"
}

# The unit's paths, with the configured prefix mapped onto this install.
installed_path() { printf '%s%s' "$PREFIX" "${1#"$CONFIGURED_PREFIX"}"; }

test_unit() {
  local unit exec_start env_file
  unit="$(cat "$UNIT")"
  exec_start="$(sed -n 's/^ExecStart=//p' "$UNIT")"
  env_file="$(sed -n 's/^EnvironmentFile=//p' "$UNIT")"
  assert_eq "$CONFIGURED_PREFIX/bin/wa-server" "$exec_start" "ExecStart is the installed binary"
  [[ -x "$(installed_path "$exec_start")" ]] && pass_check "ExecStart exists in the install" ||
    fail_check "ExecStart exists in the install" "$(installed_path "$exec_start")"
  [[ -f "$(installed_path "$env_file")" ]] && pass_check "EnvironmentFile exists in the install" ||
    fail_check "EnvironmentFile exists in the install" "$env_file"
  local setting
  for setting in User=wa-server StateDirectory=wa-server Environment=WA_DATA_DIR=/var/lib/wa-server \
    NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes PrivateDevices=yes \
    CapabilityBoundingSet= RestrictAddressFamilies= SystemCallFilter=@system-service \
    KillSignal=SIGTERM Restart=on-failure WantedBy=multi-user.target; do
    assert_contains "$unit" $'\n'"$setting" "the unit sets $setting"
  done
  if command -v systemd-analyze >/dev/null; then
    # Offline: the unit with its paths pointed into this install, so that
    # systemd-analyze can check the binary and every directive.
    local copy="$E2E_TMP/verify/wa-server.service" out rc=0
    mkdir -p "$(dirname "$copy")"
    sed "s#$CONFIGURED_PREFIX#$PREFIX#g" "$UNIT" >"$copy"
    out="$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$copy" 2>&1)" || rc=$?
    # Without a running systemd, verify cannot resolve dependencies it would
    # load from the system; only the unit's own lines matter here.
    local own
    own="$(grep -F "wa-server.service" <<<"$out" | grep -v -e 'Failed to load' -e 'network-online' || true)"
    if [[ -z "$own" ]]; then
      pass_check "systemd-analyze verify finds nothing wrong in the unit (rc $rc)"
    else
      fail_check "systemd-analyze verify finds nothing wrong in the unit" "$out"
    fi
  else
    log "systemd-analyze is not installed: the unit's content was checked only"
  fi
}

# Every WA_ variable the example configuration names is one wa-server reads,
# and every flag of the server is in it.
test_example_configuration() {
  local help names flag var
  help="$("$PREFIX/bin/wa-server" --helpfull 2>&1 || true)"
  names="$(grep -oE '^ *--[a-z_0-9]+' <<<"$(awk '/server\/main.cc/{on=1; next} /^  Flags from /{on=0} on' <<<"$help")" | tr -d ' -' | sort -u)"
  [[ -n "$names" ]] || fail_check "wa-server --helpfull lists the server's flags" "$help"
  for flag in $names; do
    # The operator commands' own flags (`tokens`, `properties`), not the server's.
    case "$flag" in
      role | name | property | display_name | time_zone | display_phone_number | \
        access_token_env | access_token_file | default | to | from) continue ;;
    esac
    var="WA_$(tr '[:lower:]' '[:upper:]' <<<"$flag")"
    grep -qE "^#?$var=" "$ENV_FILE" || fail_check "the example configuration has $var"
  done
  pass_check "the example configuration lists every flag ($(wc -w <<<"$names") flags)"
  for var in $(grep -oE '^#?WA_[A-Z_0-9]+' "$ENV_FILE" | tr -d '#'); do
    flag="$(tr '[:upper:]' '[:lower:]' <<<"${var#WA_}")"
    case "$var" in WA_CLOUD_ACCESS_TOKEN | WA_META_VERIFY_TOKEN | WA_META_APP_SECRET) continue ;; esac
    grep -qx "$flag" <<<"$names" || fail_check "$var in the example configuration is a flag"
  done
}

# The installed server, configured by the installed file, finds its docs
# assets under the prefix.
test_installed_server_runs() {
  local dir="$E2E_TMP/data"
  mkdir -p "$dir"
  local rc=0 before=$FAILURES
  (set -a; source "$ENV_FILE"; set +a; WA_SERVER_BIN="$PREFIX/bin/wa-server" start_server "$dir"
   http_call GET /docs/redoc.standalone.js
   assert_status 200 "the installed server serves Redoc from share/wa-server/docs"
   http_call GET /readyz
   assert_status 200 "the installed server is ready"
   stop_server
   exit $((FAILURES > before))) || rc=$?
  ((rc == 0)) && pass_check "installed server checks" || fail_check "installed server checks"
}

# Another project builds a C++ program against the installed package:
# find_package(HotelWhatsApp), target HotelWhatsApp::client.
test_cpp_client_package() {
  local app="$E2E_TMP/cpp-client" out
  mkdir -p "$app"
  cat >"$app/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.22)
project(front_desk CXX)
set(CMAKE_CXX_STANDARD 20)
find_package(HotelWhatsApp REQUIRED)
add_executable(front_desk main.cc)
target_link_libraries(front_desk PRIVATE HotelWhatsApp::client)
CMAKE
  cat >"$app/main.cc" <<'CC'
#include <grpcpp/grpcpp.h>
#include <iostream>
#include "hotel/whatsapp/v1/messages.grpc.pb.h"
int main(int argc, char** argv) {
  auto channel = grpc::CreateChannel(argv[1], grpc::InsecureChannelCredentials());
  auto stub = hotel::whatsapp::v1::MessagesService::NewStub(channel);
  grpc::ClientContext context;
  hotel::whatsapp::v1::GetMessageStatusRequest request;
  request.set_message_id("msg_none");
  hotel::whatsapp::v1::MessageStatusResponse response;
  grpc::Status status = stub->GetMessageStatus(&context, request, &response);
  std::cout << status.error_code() << "\n";
  return argc > 1 ? 0 : 1;
}
CC
  out="$(cmake -S "$app" -B "$app/build" -G Ninja -DCMAKE_PREFIX_PATH="$PREFIX" 2>&1 &&
         cmake --build "$app/build" 2>&1)" || fail_check "a program builds against HotelWhatsApp::client" "$out"
  [[ -x "$app/build/front_desk" ]] && pass_check "a program builds against HotelWhatsApp::client"
  local dir="$E2E_TMP/cpp-client-data" answer before=$FAILURES rc=0
  mkdir -p "$dir"
  (start_server "$dir"
   answer="$("$app/build/front_desk" "127.0.0.1:$GRPC_PORT")"
   assert_eq 16 "$answer" "the program calls the server (UNAUTHENTICATED without a token)"
   stop_server
   exit $((FAILURES > before))) || rc=$?
  ((rc == 0)) && pass_check "the installed client reaches a server" ||
    fail_check "the installed client reaches a server"
}

run_case "install tree" test_install_tree
run_case "C++ client package" test_cpp_client_package
run_case "systemd unit" test_unit
run_case "example configuration" test_example_configuration
run_case "installed server" test_installed_server_runs
finish
