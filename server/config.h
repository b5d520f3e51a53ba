#pragma once

#include <string>

#include "absl/time/time.h"

namespace wa {

// Everything wa-server needs to start, read from flags and WA_* variables.
struct Config {
  std::string grpc_listen = "127.0.0.1:50051";
  std::string http_listen = "127.0.0.1:8080";
  std::string data_dir = "./data";
  std::string provider = "sandbox";
  absl::Duration sandbox_status_delay = absl::Seconds(1);
  size_t max_body_bytes = 1 << 20;
  int http_threads = 64;
  absl::Duration shutdown_grace = absl::Seconds(10);
};

}  // namespace wa
