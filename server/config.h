#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace wa {

// Everything wa-server needs to start, read from flags and WA_* variables.
struct Config {
  std::string grpc_listen = "127.0.0.1:50051";
  std::string http_listen = "127.0.0.1:8080";
  std::string data_dir = "./data";
  // Media files; empty: <data_dir>/media.
  std::string media_dir;
  // The erasure hash's keys, one file per property; empty: <data_dir>/keys.
  std::string erasure_key_dir;
  // Time between the retention worker's passes.
  absl::Duration retention_interval = absl::Minutes(10);
  // The length of a retention day (tests shorten it).
  absl::Duration retention_day = absl::Hours(24);
  // sqlite://<path> or postgresql://...; empty: SQLite in data_dir (wa.db).
  std::string database_url;
  // Database connections: reads (both engines), and PostgreSQL's
  // transactions (SQLite has one writer).
  int db_read_connections = 4;
  int db_write_connections = 8;
  std::string provider = "sandbox";
  absl::Duration sandbox_status_delay = absl::Seconds(1);
  absl::Duration sandbox_template_review_delay = absl::Seconds(2);
  size_t max_body_bytes = 1 << 20;
  std::string docs_dir;  // Redoc's script for /docs; empty: <binary>/../share/wa-server/docs
  int http_threads = 256;
  int rpc_threads = 128;
  // Limits on REST requests (gateway/limited_server.h) and gRPC calls.
  absl::Duration http_request_timeout = absl::Seconds(30);
  size_t http_max_header_bytes = 64 * 1024;
  int http_max_connections = 512;
  // Bytes of REST request bodies held in memory at once (503 with
  // Retry-After beyond).
  size_t http_max_body_memory = 64 << 20;
  int grpc_max_message_bytes = 4 << 20;
  int grpc_max_metadata_bytes = 16 * 1024;
  int grpc_max_streams = 100;
  // How long SIGTERM waits for calls in flight before cancelling them.
  absl::Duration shutdown_grace = absl::Seconds(10);
  // TLS for both ports when a certificate is given (--tls_*); plaintext otherwise.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  bool log_requests = true;  // one log line per RPC

  // Meta's Cloud API (--provider=cloud).
  std::string cloud_api_base_url = "https://graph.facebook.com";
  std::string cloud_api_version = "v23.0";
  std::string cloud_api_proxy;  // "" : none (never from http_proxy/https_proxy)
  // The `default` property's default number (added to the registry at start).
  std::string phone_number_id;
  std::string waba_id;
  std::string cloud_access_token;  // from WA_CLOUD_ACCESS_TOKEN or --cloud_access_token_file
  std::string cloud_access_token_file;
  // Meta's callbacks, in every provider mode.
  std::string meta_verify_token;  // WA_META_VERIFY_TOKEN
  std::string meta_app_secret;    // WA_META_APP_SECRET

  // The send queue.
  double send_rate_per_second = 80;
  absl::Duration pair_interval = absl::Seconds(6);
  int pair_burst = 10;
  int max_send_attempts = 8;
  absl::Duration reconcile_grace = absl::Minutes(5);
  int send_threads = 8;
  // Past this many waiting messages a sender's new sends are refused with
  // RATE_LIMIT_EXCEEDED (0: unbounded).
  int max_queue_backlog = 10000;

  // Batch sends.
  int max_batch_messages = 10000;
  absl::Duration batch_hold = absl::Seconds(30);

  // Each token's request budget (0 per second: unlimited).
  double api_requests_per_second = 100;
  double api_burst = 200;

  // The hotel's webhook.
  std::vector<std::string> webhook_allowed_hosts;
  // Off unless the provider is the sandbox (main.cc): loopback services
  // are not the hotel's.
  bool webhook_allow_loopback = false;
  absl::Duration webhook_timeout = absl::Seconds(10);
  int webhook_threads = 8;
  absl::Duration webhook_hold = absl::ZeroDuration();  // 0: webhook_timeout + 30s
  absl::Duration webhook_secret_grace = absl::Hours(24);
  absl::Duration webhook_probe_max = absl::Seconds(60);
  absl::Duration webhook_max_outage = absl::Hours(72);

  // The live event streams (EventsService).
  int max_event_streams = 1000;
  int event_stream_buffer = 1000;  // events waiting per subscriber
  absl::Duration event_keep_alive = absl::Seconds(15);

  // Whole-message keywords that opt a guest out and back in.
  std::vector<std::string> opt_out_keywords = {"STOP", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"};
  std::vector<std::string> opt_in_keywords = {"START", "SUBSCRIBE"};
};

}  // namespace wa
