#include "server/config_parts.h"

#include <algorithm>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/provider/cloud_api_provider.h"
#include "server/provider/sandbox_provider.h"
#include "server/util/log.h"
#include "server/util/tls_files.h"

namespace wa {

absl::StatusOr<std::unique_ptr<provider::Provider>> MakeProvider(const Config& config) {
  if (config.provider == "sandbox") {
    provider::SandboxProvider::Options options;
    options.status_delay = config.sandbox_status_delay;
    options.template_review_delay = config.sandbox_template_review_delay;
    return std::make_unique<provider::SandboxProvider>(options);
  }
  if (config.provider == "cloud") {
    // Numbers come from the property registry (wa-server properties); the
    // flags describe the default property's, when given.
    if (!config.phone_number_id.empty() && config.cloud_access_token.empty()) {
      return absl::InvalidArgumentError(
          "--phone_number_id needs WA_CLOUD_ACCESS_TOKEN or --cloud_access_token_file");
    }
    provider::CloudApiProvider::Options options;
    options.base_url = config.cloud_api_base_url;
    options.api_version = config.cloud_api_version;
    options.proxy = config.cloud_api_proxy;
    return std::make_unique<provider::CloudApiProvider>(options);
  }
  return absl::InvalidArgumentError(absl::StrCat("--provider: unknown provider '", config.provider,
                                                 "' (expected sandbox or cloud)"));
}

std::optional<domain::NumberRequest> ConfiguredNumber(const Config& config) {
  if (config.phone_number_id.empty()) return std::nullopt;
  domain::NumberRequest number;
  number.property_id = "default";
  number.phone_number_id = config.phone_number_id;
  number.waba_id = config.waba_id;
  // Where the token came from, not the token: the registry reads it again.
  if (!config.cloud_access_token_file.empty()) {
    number.access_token_file = config.cloud_access_token_file;
  } else {
    number.access_token_env = "WA_CLOUD_ACCESS_TOKEN";
  }
  return number;
}

workers::SendQueue::Options SendQueueOptions(const Config& config) {
  workers::SendQueue::Options options;
  options.threads = config.send_threads;
  options.max_attempts = config.max_send_attempts;
  options.reconcile_grace = config.reconcile_grace;
  options.sender_rate_per_second = config.send_rate_per_second;
  options.pair_rate_per_second = 1.0 / std::max(0.001, absl::ToDoubleSeconds(config.pair_interval));
  options.pair_burst = config.pair_burst;
  return options;
}

workers::WebhookDelivery::Options WebhookDeliveryOptions(const Config& config) {
  workers::WebhookDelivery::Options options;
  options.threads = config.webhook_threads;
  // Long enough that an attempt in flight is never claimed twice.
  options.hold = config.webhook_hold > absl::ZeroDuration()
                     ? config.webhook_hold
                     : config.webhook_timeout + absl::Seconds(30);
  options.probe_max = config.webhook_probe_max;
  options.max_outage = config.webhook_max_outage;
  return options;
}

domain::EventHub::Options EventHubOptions(const Config& config) {
  domain::EventHub::Options options;
  options.max_streams = config.max_event_streams;
  options.max_buffered = static_cast<size_t>(config.event_stream_buffer);
  options.keep_alive = config.event_keep_alive;
  return options;
}

absl::StatusOr<std::pair<std::string, int>> SplitHostPort(const std::string& address,
                                                          const char* flag) {
  std::vector<std::string> parts = absl::StrSplit(address, absl::MaxSplits(':', 1));
  int port = 0;
  if (parts.size() != 2 || parts[0].empty() || !absl::SimpleAtoi(parts[1], &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": expected host:port, got '", address, "'"));
  }
  return std::make_pair(parts[0], port);
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> GrpcCredentials(const Config& config) {
  util::TlsFiles files{config.tls_cert_file, config.tls_key_file, config.tls_client_ca_file};
  if (!files.enabled()) {
    if (!config.tls_client_ca_file.empty()) {
      return absl::InvalidArgumentError("--tls_client_ca_file needs --tls_cert_file");
    }
    for (const std::string& address : {config.grpc_listen, config.http_listen}) {
      if (!absl::StartsWith(address, "127.") && !absl::StartsWith(address, "localhost:") &&
          !absl::StartsWith(address, "[::1]:")) {
        util::LogInfo("WARNING: plaintext on ", address,
                      " (not loopback); set --tls_cert_file and --tls_key_file");
      }
    }
    return grpc::InsecureServerCredentials();
  }
  absl::StatusOr<util::TlsPem> pem = util::LoadTls(files);
  if (!pem.ok()) return pem.status();
  grpc::SslServerCredentialsOptions options(
      pem->client_ca.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                             : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_key_cert_pairs.push_back({pem->private_key, pem->cert_chain});
  options.pem_root_certs = pem->client_ca;
  return grpc::SslServerCredentials(options);
}

}  // namespace wa
