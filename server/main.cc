// wa-server: flags -> components -> serve. Also the operator commands
// `wa-server tokens create|list|revoke` and `wa-server properties ...`.
#include <pthread.h>
#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "server/app.h"
#include "server/data_commands.h"
#include "server/env_flags.h"
#include "server/properties_command.h"
#include "server/storage/database_url.h"
#include "server/tokens_command.h"
#include "server/util/log.h"
#include "server/util/status_macros.h"

ABSL_FLAG(std::string, grpc_listen, "127.0.0.1:50051", "gRPC address, host:port (port 0: any)");
ABSL_FLAG(std::string, http_listen, "127.0.0.1:8080", "REST address, host:port (port 0: any)");
ABSL_FLAG(std::string, data_dir, "./data",
          "directory for media files (unless --media_dir) and, by default, the SQLite database "
          "(wa.db)");
ABSL_FLAG(std::string, media_dir, "",
          "directory for media files (default: <data_dir>/media); several instances on one "
          "PostgreSQL share one, on a shared file system");
ABSL_FLAG(std::string, erasure_key_dir, "",
          "directory of the per-property keys of an erased guest's hash (default: "
          "<data_dir>/keys); several instances on one PostgreSQL share one, like --media_dir");
ABSL_FLAG(absl::Duration, retention_interval, absl::Minutes(10),
          "time between the retention worker's passes over every property");
ABSL_FLAG(absl::Duration, retention_day, absl::Hours(24),
          "the length of a day of retention (tests shorten it; leave it in production)");
ABSL_FLAG(std::string, to, "", "backup: the archive to write");
ABSL_FLAG(std::string, from, "", "restore: the archive to restore from");
ABSL_FLAG(std::string, database_url, "",
          "sqlite:///path/to/wa.db or postgresql://user@host:port/database "
          "(default: sqlite://<data_dir>/wa.db)");
ABSL_FLAG(int, db_read_connections, 4,
          "database connections for reads (SQLite and PostgreSQL; on PostgreSQL as many again "
          "for statements outside transactions)");
ABSL_FLAG(int, db_write_connections, 8,
          "PostgreSQL connections for transactions, which run at once (SQLite has one writer)");
ABSL_FLAG(std::string, provider, "sandbox", "WhatsApp provider: sandbox");
ABSL_FLAG(absl::Duration, sandbox_template_review_delay, absl::Seconds(2),
          "sandbox provider: time from a template's submission to its review verdict");
ABSL_FLAG(absl::Duration, sandbox_status_delay, absl::Seconds(1),
          "sandbox: time between the sent, delivered and read statuses");
ABSL_FLAG(
    std::string, docs_dir, "",
    "directory with redoc.standalone.js for /docs (default: share/wa-server/docs beside bin/)");
ABSL_FLAG(int64_t, max_body_bytes, 1 << 20, "largest REST request body accepted (413 beyond)");
ABSL_FLAG(int, http_threads, 256, "REST worker threads (one per keep-alive connection)");
ABSL_FLAG(int, rpc_threads, 128,
          "threads running RPCs: how many requests can wait for the same group commit");
ABSL_FLAG(absl::Duration, http_request_timeout, absl::Seconds(30),
          "a REST request's line, headers and body must arrive within this (408 beyond)");
ABSL_FLAG(int64_t, http_max_header_bytes, 64 * 1024,
          "largest REST request line plus headers (431 beyond)");
ABSL_FLAG(int, http_max_connections, 512,
          "open REST connections, served or waiting for a thread (503 beyond)");
ABSL_FLAG(int64_t, http_max_body_memory, 64 << 20,
          "bytes of REST request bodies held in memory at once, by their length (or their "
          "route's cap when chunked); 503 with Retry-After beyond");
ABSL_FLAG(int, grpc_max_message_bytes, 4 << 20,
          "largest gRPC request message (RESOURCE_EXHAUSTED beyond)");
ABSL_FLAG(int, grpc_max_metadata_bytes, 16 * 1024, "largest gRPC request metadata (headers)");
ABSL_FLAG(int, grpc_max_streams, 100, "concurrent gRPC calls per connection");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "on SIGTERM, how long calls in flight may take to finish before they are cancelled");
ABSL_FLAG(std::string, cloud_api_base_url, "https://graph.facebook.com",
          "cloud provider: Graph API base URL (tests point it at a local fake)");
ABSL_FLAG(std::string, cloud_api_version, "v23.0", "cloud provider: Graph API version");
ABSL_FLAG(std::string, cloud_api_proxy, "",
          "cloud provider: HTTP proxy to Graph, e.g. http://proxy:3128 (the environment's "
          "http_proxy/https_proxy are never used)");
ABSL_FLAG(std::string, phone_number_id, "",
          "Meta phone-number id of the default property: sends from it, routes its callbacks");
ABSL_FLAG(std::string, waba_id, "", "Meta WhatsApp Business Account id (templates)");
ABSL_FLAG(std::string, cloud_access_token_file, "",
          "file holding the Graph API access token (else WA_CLOUD_ACCESS_TOKEN)");
ABSL_FLAG(double, send_rate_per_second, 80, "messages per second per sender number");
ABSL_FLAG(absl::Duration, pair_interval, absl::Seconds(6),
          "steady spacing of messages to one guest (Meta's pair rate)");
ABSL_FLAG(int, pair_burst, 10, "messages one guest may receive in a burst before pacing");
ABSL_FLAG(int, max_send_attempts, 8, "provider attempts before a message fails");
ABSL_FLAG(absl::Duration, reconcile_grace, absl::Minutes(5),
          "how long a send interrupted by a crash waits for Meta's callback before a resend");
ABSL_FLAG(int, send_threads, 8, "concurrent provider calls");
ABSL_FLAG(int, max_queue_backlog, 10000,
          "waiting messages per sender past which sends are refused with 429 (0: unbounded)");
ABSL_FLAG(int, max_batch_messages, 10000, "most messages in one batch send");
ABSL_FLAG(absl::Duration, batch_hold, absl::Seconds(30),
          "how long a round of batch releases holds its batch (another instance takes over "
          "after this if the process dies)");
ABSL_FLAG(double, api_requests_per_second, 100,
          "each token's request budget per second, 429 beyond (0: unlimited)");
ABSL_FLAG(double, api_burst, 200, "requests a token may make at once before its budget applies");
ABSL_FLAG(std::vector<std::string>, opt_out_keywords,
          std::vector<std::string>({"STOP", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}),
          "whole inbound messages (any case) that opt a guest out");
ABSL_FLAG(std::vector<std::string>, opt_in_keywords,
          std::vector<std::string>({"START", "SUBSCRIBE"}),
          "whole inbound messages (any case) that opt a guest back in");
ABSL_FLAG(std::vector<std::string>, webhook_allowed_hosts, std::vector<std::string>(),
          "hosts a hotel webhook may use over plain http and on private addresses");
ABSL_FLAG(std::string, webhook_allow_loopback, "",
          "true or false: a hotel webhook may point at this machine (localhost, 127.0.0.0/8, "
          "::1) over http (default: true with the sandbox provider only)");
ABSL_FLAG(absl::Duration, webhook_timeout, absl::Seconds(10), "timeout of one webhook delivery");
ABSL_FLAG(int, webhook_threads, 8, "concurrent webhook deliveries");
ABSL_FLAG(absl::Duration, webhook_hold, absl::ZeroDuration(),
          "how long a delivery attempt holds its event before any instance may retry it "
          "(0: webhook_timeout + 30s)");
ABSL_FLAG(absl::Duration, webhook_secret_grace, absl::Hours(24),
          "how long a replaced webhook signing secret keeps signing");
ABSL_FLAG(absl::Duration, webhook_probe_max, absl::Seconds(60),
          "longest wait between probes of a webhook endpoint that is down");
ABSL_FLAG(absl::Duration, webhook_max_outage, absl::Hours(72),
          "how long events wait for a down webhook endpoint before they are dead-lettered");
ABSL_FLAG(int, max_event_streams, 1000,
          "most live event streams (gRPC and SSE) open at once; more are refused with "
          "RESOURCE_EXHAUSTED TOO_MANY_STREAMS");
ABSL_FLAG(int, event_stream_buffer, 1000,
          "events waiting for one slow stream subscriber before its stream ends with "
          "SUBSCRIBER_TOO_SLOW (it resumes from its cursor)");
ABSL_FLAG(absl::Duration, event_keep_alive, absl::Seconds(15),
          "a quiet event stream gets a keep-alive message this often");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate (chain) for TLS on both ports; plaintext when empty (loopback)");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA certificates: clients must present a certificate signed by one (mutual TLS)");
ABSL_FLAG(bool, log_requests, true,
          "log one JSON line per RPC (method, code, duration, request id); REST calls included");
ABSL_FLAG(std::string, role, "staff", "tokens create: staff or admin");
ABSL_FLAG(std::string, name, "", "tokens create: a name for the token");
ABSL_FLAG(std::string, property, "default", "tokens: the property (hotel) the token belongs to");
ABSL_FLAG(std::optional<std::string>, display_name, std::nullopt,
          "properties set: the property's display name");
ABSL_FLAG(std::optional<std::string>, time_zone, std::nullopt,
          "properties set: the property's IANA time zone (e.g. Europe/Paris; new ones: UTC)");
ABSL_FLAG(std::string, display_phone_number, "",
          "properties add-number: the number as guests see it, E.164 (+33142000000)");
ABSL_FLAG(std::string, access_token_env, "",
          "properties add-number: the environment variable (of the server) holding the "
          "number's Meta access token");
ABSL_FLAG(std::string, access_token_file, "",
          "properties add-number: the file holding the number's Meta access token (checked "
          "readable now)");
ABSL_FLAG(bool, default, false,
          "properties add-number: make the number its property's default sender");

namespace {

// SIGTERM and SIGINT are blocked in every thread and taken by the main
// thread with sigwait, so no work happens inside a signal handler.
sigset_t StopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}

int Fail(const std::string& reason) {
  std::fprintf(stderr, "wa-server: %s\n", reason.c_str());
  return 2;
}

std::string Environment(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) return absl::NotFoundError("cannot read " + path);
  std::stringstream contents;
  contents << file.rdbuf();
  return std::string(absl::StripAsciiWhitespace(contents.str()));
}

// Limits that make no sense are refused at start-up, not met later as odd behaviour.
absl::Status CheckLimits(const wa::Config& config) {
  if (config.max_queue_backlog < 0) {
    return absl::InvalidArgumentError("--max_queue_backlog: must not be < 0");
  }
  if (config.max_batch_messages < 1) {
    return absl::InvalidArgumentError("--max_batch_messages: must be at least 1");
  }
  if (config.http_request_timeout <= absl::ZeroDuration() || config.http_max_header_bytes < 1024 ||
      config.http_max_connections < 1 || config.http_max_body_memory < 1024 ||
      config.grpc_max_message_bytes < 1024 || config.grpc_max_metadata_bytes < 1024 ||
      config.grpc_max_streams < 1 || config.shutdown_grace < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--http_request_timeout, --shutdown_grace must be positive; --http_max_header_bytes, "
        "--http_max_body_memory, --grpc_max_message_bytes, --grpc_max_metadata_bytes at least "
        "1024; --http_max_connections, --grpc_max_streams at least 1");
  }
  if (config.api_requests_per_second < 0 || config.api_burst < 0) {
    return absl::InvalidArgumentError("--api_requests_per_second, --api_burst: must not be < 0");
  }
  return absl::OkStatus();
}

// Without the app secret every callback POST is refused, so every status
// would be lost without a word; without the verify token Meta's handshake
// fails. Neither is worth starting for.
absl::Status CheckCloudSecrets(const wa::Config& config) {
  if (config.provider != "cloud") return absl::OkStatus();
  std::vector<std::string> missing;
  if (config.meta_app_secret.empty()) missing.push_back("WA_META_APP_SECRET");
  if (config.meta_verify_token.empty()) missing.push_back("WA_META_VERIFY_TOKEN");
  if (missing.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("--provider=cloud needs ", absl::StrJoin(missing, " and "),
                   " in the environment (Meta's callbacks are checked with them)"));
}

// A webhook may reach this machine only where that is the point: the
// sandbox, or an operator who says so.
absl::Status ApplyLoopbackPolicy(wa::Config& config) {
  const std::string given = absl::GetFlag(FLAGS_webhook_allow_loopback);
  if (given.empty()) {
    config.webhook_allow_loopback = config.provider == "sandbox";
    return absl::OkStatus();
  }
  if (!absl::SimpleAtob(given, &config.webhook_allow_loopback)) {
    return absl::InvalidArgumentError("--webhook_allow_loopback: expected true or false");
  }
  return absl::OkStatus();
}

// Where the data lives and how long guest data is kept.
absl::Status StorageFromFlags(wa::Config& config) {
  config.data_dir = absl::GetFlag(FLAGS_data_dir);
  config.media_dir = absl::GetFlag(FLAGS_media_dir);
  config.database_url = absl::GetFlag(FLAGS_database_url);
  config.erasure_key_dir = absl::GetFlag(FLAGS_erasure_key_dir);
  config.retention_interval = absl::GetFlag(FLAGS_retention_interval);
  config.retention_day = absl::GetFlag(FLAGS_retention_day);
  if (config.retention_interval <= absl::ZeroDuration() ||
      config.retention_day <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--retention_interval, --retention_day must be positive");
  }
  config.db_read_connections = absl::GetFlag(FLAGS_db_read_connections);
  config.db_write_connections = absl::GetFlag(FLAGS_db_write_connections);
  if (config.db_read_connections < 1 || config.db_read_connections > 1000 ||
      config.db_write_connections < 1 || config.db_write_connections > 1000) {
    return absl::InvalidArgumentError(
        "--db_read_connections, --db_write_connections must be 1 to 1000");
  }
  if (!config.database_url.empty()) {
    absl::StatusOr<wa::storage::DatabaseUrl> url =
        wa::storage::ParseDatabaseUrl(config.database_url);
    if (!url.ok()) {
      return absl::InvalidArgumentError("--database_url: " + std::string(url.status().message()));
    }
  }
  return absl::OkStatus();
}

// The listening ports and their limits: TLS, bodies, threads, streams.
void ListenersFromFlags(wa::Config& config) {
  config.grpc_listen = absl::GetFlag(FLAGS_grpc_listen);
  config.http_listen = absl::GetFlag(FLAGS_http_listen);
  config.docs_dir = absl::GetFlag(FLAGS_docs_dir);
  config.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  config.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  config.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  config.max_body_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_max_body_bytes));
  config.http_threads = absl::GetFlag(FLAGS_http_threads);
  config.rpc_threads = absl::GetFlag(FLAGS_rpc_threads);
  config.http_request_timeout = absl::GetFlag(FLAGS_http_request_timeout);
  config.http_max_header_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_http_max_header_bytes));
  config.http_max_connections = absl::GetFlag(FLAGS_http_max_connections);
  config.http_max_body_memory =
      static_cast<size_t>(std::max<int64_t>(0, absl::GetFlag(FLAGS_http_max_body_memory)));
  config.grpc_max_message_bytes = absl::GetFlag(FLAGS_grpc_max_message_bytes);
  config.grpc_max_metadata_bytes = absl::GetFlag(FLAGS_grpc_max_metadata_bytes);
  config.grpc_max_streams = absl::GetFlag(FLAGS_grpc_max_streams);
  config.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  config.log_requests = absl::GetFlag(FLAGS_log_requests);
}

// The provider: the sandbox, or Meta's Cloud API with its number and the
// secrets, which come from the environment or a file, never from a flag's
// value.
absl::Status ProviderFromFlags(wa::Config& config) {
  config.provider = absl::GetFlag(FLAGS_provider);
  config.sandbox_status_delay = absl::GetFlag(FLAGS_sandbox_status_delay);
  config.sandbox_template_review_delay = absl::GetFlag(FLAGS_sandbox_template_review_delay);
  config.cloud_api_base_url = absl::GetFlag(FLAGS_cloud_api_base_url);
  config.cloud_api_version = absl::GetFlag(FLAGS_cloud_api_version);
  config.cloud_api_proxy = absl::GetFlag(FLAGS_cloud_api_proxy);
  config.phone_number_id = absl::GetFlag(FLAGS_phone_number_id);
  config.waba_id = absl::GetFlag(FLAGS_waba_id);
  config.cloud_access_token = Environment("WA_CLOUD_ACCESS_TOKEN");
  if (std::string file = absl::GetFlag(FLAGS_cloud_access_token_file); !file.empty()) {
    absl::StatusOr<std::string> token = ReadSecretFile(file);
    if (!token.ok())
      return absl::InvalidArgumentError("--cloud_access_token_file: " +
                                        std::string(token.status().message()));
    config.cloud_access_token = *token;
    config.cloud_access_token_file = file;
  }
  config.meta_verify_token = Environment("WA_META_VERIFY_TOKEN");
  config.meta_app_secret = Environment("WA_META_APP_SECRET");
  return absl::OkStatus();
}

// The pace of sends, batches and API calls.
void SendingFromFlags(wa::Config& config) {
  config.send_rate_per_second = absl::GetFlag(FLAGS_send_rate_per_second);
  config.pair_interval = absl::GetFlag(FLAGS_pair_interval);
  config.pair_burst = absl::GetFlag(FLAGS_pair_burst);
  config.max_send_attempts = absl::GetFlag(FLAGS_max_send_attempts);
  config.reconcile_grace = absl::GetFlag(FLAGS_reconcile_grace);
  config.send_threads = absl::GetFlag(FLAGS_send_threads);
  config.max_queue_backlog = absl::GetFlag(FLAGS_max_queue_backlog);
  config.max_batch_messages = absl::GetFlag(FLAGS_max_batch_messages);
  config.batch_hold = absl::GetFlag(FLAGS_batch_hold);
  config.api_requests_per_second = absl::GetFlag(FLAGS_api_requests_per_second);
  config.api_burst = absl::GetFlag(FLAGS_api_burst);
  config.opt_out_keywords = absl::GetFlag(FLAGS_opt_out_keywords);
  config.opt_in_keywords = absl::GetFlag(FLAGS_opt_in_keywords);
}

// What goes out to the hotels: webhooks and the event streams.
absl::Status EventsFromFlags(wa::Config& config) {
  config.webhook_allowed_hosts = absl::GetFlag(FLAGS_webhook_allowed_hosts);
  RETURN_IF_ERROR(ApplyLoopbackPolicy(config));
  config.webhook_timeout = absl::GetFlag(FLAGS_webhook_timeout);
  config.webhook_threads = absl::GetFlag(FLAGS_webhook_threads);
  config.webhook_hold = absl::GetFlag(FLAGS_webhook_hold);
  config.webhook_secret_grace = absl::GetFlag(FLAGS_webhook_secret_grace);
  config.webhook_probe_max = absl::GetFlag(FLAGS_webhook_probe_max);
  config.webhook_max_outage = absl::GetFlag(FLAGS_webhook_max_outage);
  config.max_event_streams = absl::GetFlag(FLAGS_max_event_streams);
  config.event_stream_buffer = absl::GetFlag(FLAGS_event_stream_buffer);
  config.event_keep_alive = absl::GetFlag(FLAGS_event_keep_alive);
  if (config.event_keep_alive <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--event_keep_alive must be positive");
  }
  if (config.max_event_streams < 1 || config.event_stream_buffer < 1) {
    return absl::InvalidArgumentError(
        "--max_event_streams and --event_stream_buffer must be at least 1");
  }
  if (config.webhook_threads < 1) {
    return absl::InvalidArgumentError("--webhook_threads must be >= 1");
  }
  if (config.webhook_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--webhook_timeout must be positive");
  }
  if (config.webhook_hold < absl::ZeroDuration() || config.batch_hold <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--webhook_hold must not be negative, --batch_hold must be positive");
  }
  return absl::OkStatus();
}

// The flags and the environment, checked in this order: the first mistake
// is the one reported.
absl::StatusOr<wa::Config> ConfigFromFlags() {
  wa::Config config;
  RETURN_IF_ERROR(StorageFromFlags(config));
  ListenersFromFlags(config);
  RETURN_IF_ERROR(ProviderFromFlags(config));
  SendingFromFlags(config);
  RETURN_IF_ERROR(CheckLimits(config));
  RETURN_IF_ERROR(CheckCloudSecrets(config));
  RETURN_IF_ERROR(EventsFromFlags(config));
  return config;
}

wa::PropertiesOptions PropertiesOptionsFromFlags() {
  wa::PropertiesOptions options;
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.database_url = absl::GetFlag(FLAGS_database_url);
  options.display_name = absl::GetFlag(FLAGS_display_name);
  options.time_zone = absl::GetFlag(FLAGS_time_zone);
  wa::domain::NumberRequest& number = options.number;
  number.phone_number_id = absl::GetFlag(FLAGS_phone_number_id);
  number.waba_id = absl::GetFlag(FLAGS_waba_id);
  number.display_phone_number = absl::GetFlag(FLAGS_display_phone_number);
  number.access_token_env = absl::GetFlag(FLAGS_access_token_env);
  number.access_token_file = absl::GetFlag(FLAGS_access_token_file);
  number.make_default = absl::GetFlag(FLAGS_default);
  return options;
}

bool IsServerFlagFile(absl::string_view file) { return absl::EndsWith(file, "server/main.cc"); }

int Serve() {
  sigset_t signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts
  absl::StatusOr<wa::Config> config = ConfigFromFlags();
  if (!config.ok()) return Fail(std::string(config.status().message()));
  absl::StatusOr<std::unique_ptr<wa::App>> app = wa::App::Start(*config);
  if (!app.ok()) return Fail(std::string(app.status().message()));
  std::signal(SIGPIPE, SIG_IGN);  // a peer closing a socket is not a reason to die
  // Scripts and tests read the bound ports from this record, the one line on
  // stdout: stdout carries JSON only, so `| jq` works.
  nlohmann::ordered_json ready = {
      {"time", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone())},
      {"level", "INFO"},
      {"msg", absl::StrCat("wa-server listening grpc=", (*app)->grpc_port(),
                           " http=", (*app)->http_port())},
      {"grpc_port", (*app)->grpc_port()},
      {"http_port", (*app)->http_port()}};
  std::printf("%s\n", ready.dump().c_str());
  std::fflush(stdout);
  wa::util::LogInfo("wa-server started: gRPC port ", (*app)->grpc_port(), ", REST port ",
                    (*app)->http_port(), ", provider ", absl::GetFlag(FLAGS_provider));
  int signal = 0;
  sigwait(&signals, &signal);
  wa::util::LogInfo("wa-server stopping");
  (*app)->Shutdown();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Everything the server and the tokens command create (the data
  // directory, the database, media files) is the server's user's only: the
  // database holds webhook signing secrets.
  umask(077);
  // abseil's deadlock graph costs a few percent on every lock in the hot
  // path; the tests run with it on (their own binaries keep the default).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // --help lists this file's flags (abseil's default looks for a file
  // named after the program).
  absl::SetFlagsUsageConfig(absl::FlagsUsageConfig{.contains_helpshort_flags = IsServerFlagFile,
                                                   .contains_help_flags = IsServerFlagFile});
  absl::SetProgramUsageMessage(
      "wa-server [flags]                  serve gRPC and REST\n"
      "  wa-server tokens create --role=admin|staff --name=NAME [--property=ID]\n"
      "  wa-server tokens list\n"
      "  wa-server tokens revoke TOKEN_ID\n"
      "  wa-server properties set PROPERTY [--display_name=NAME] [--time_zone=Area/City]\n"
      "  wa-server properties add-number PROPERTY --phone_number_id=ID --waba_id=ID\n"
      "      [--display_phone_number=+E164] [--access_token_env=VAR | --access_token_file=PATH]\n"
      "      [--default]\n"
      "  wa-server properties remove-number PROPERTY --phone_number_id=ID\n"
      "  wa-server properties list\n"
      "  wa-server properties unrouted\n"
      "  wa-server backup --to=FILE        (SQLite; online)\n"
      "  wa-server restore --from=FILE --data_dir=NEW\n"
      "  wa-server check\n"
      "Every flag can also be set as WA_<FLAG> in the environment.");
  if (absl::Status s = wa::ApplyEnvironmentToFlags(); !s.ok()) return Fail(s.ToString());
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() == 1) return Serve();
  std::vector<std::string> command(args.begin() + 1, args.end());
  if (command[0] == "tokens") {
    wa::TokensOptions options{absl::GetFlag(FLAGS_data_dir), absl::GetFlag(FLAGS_database_url),
                              absl::GetFlag(FLAGS_role), absl::GetFlag(FLAGS_name),
                              absl::GetFlag(FLAGS_property)};
    return wa::RunTokensCommand(std::vector<std::string>(command.begin() + 1, command.end()),
                                options);
  }
  if (command[0] == "properties") {
    return wa::RunPropertiesCommand(std::vector<std::string>(command.begin() + 1, command.end()),
                                    PropertiesOptionsFromFlags());
  }
  if (command[0] == "backup" || command[0] == "restore" || command[0] == "check") {
    if (command.size() != 1) return Fail(command[0] + " takes no argument (see --help)");
    wa::DataCommandOptions options{
        absl::GetFlag(FLAGS_data_dir),  absl::GetFlag(FLAGS_database_url),
        absl::GetFlag(FLAGS_media_dir), absl::GetFlag(FLAGS_erasure_key_dir),
        absl::GetFlag(FLAGS_to),        absl::GetFlag(FLAGS_from)};
    if (command[0] == "backup") return wa::RunBackupCommand(options);
    if (command[0] == "restore") return wa::RunRestoreCommand(options);
    return wa::RunCheckCommand(options);
  }
  return Fail("unknown command '" + command[0] + "' (see --help)");
}
