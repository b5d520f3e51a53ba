#pragma once

// What each part of the server takes from the Config: the provider, the
// workers' options, the listen addresses and the gRPC credentials. A bad
// combination of flags is an INVALID_ARGUMENT naming the flag.
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"
#include "server/config.h"
#include "server/domain/event_hub.h"
#include "server/domain/property_service.h"
#include "server/provider/provider.h"
#include "server/workers/send_queue.h"
#include "server/workers/webhook_delivery.h"

namespace wa {

absl::StatusOr<std::unique_ptr<provider::Provider>> MakeProvider(const Config& config);
// The number --phone_number_id, --waba_id and the token flags describe:
// the `default` property's, for deployments of one number.
std::optional<domain::NumberRequest> ConfiguredNumber(const Config& config);
workers::SendQueue::Options SendQueueOptions(const Config& config);
workers::WebhookDelivery::Options WebhookDeliveryOptions(const Config& config);
domain::EventHub::Options EventHubOptions(const Config& config);
// `address` as host and port; `flag` names it in the error.
absl::StatusOr<std::pair<std::string, int>> SplitHostPort(const std::string& address,
                                                          const char* flag);
// TLS when the flags name a certificate; plaintext otherwise, which is
// meant for loopback (or a TLS proxy in front), so other addresses are
// logged as a warning.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> GrpcCredentials(const Config& config);

}  // namespace wa
