#include "server/api/provider_callbacks_api.h"

#include "server/api/handler.h"
#include "server/domain/errors.h"
#include "server/provider/meta_signature.h"
#include "server/util/secret_compare.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context, const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace

grpc::ServerUnaryReactor* ProviderCallbacksApi::VerifySubscription(
    grpc::CallbackServerContext* context, const v1::VerifySubscriptionRequest* request,
    v1::VerifySubscriptionResponse* response) {
  if (request->mode() != "subscribe" ||
      !util::SecretEquals(secrets_.verify_token, request->verify_token())) {
    return Finish(context, domain::Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
                                         "hub.verify_token does not match"));
  }
  response->set_challenge(request->challenge());
  return Finish(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* ProviderCallbacksApi::ReceiveNotification(
    grpc::CallbackServerContext* context, const v1::ReceiveNotificationRequest* request,
    v1::ReceiveNotificationResponse* response) {
  // Checked over the raw bytes before anything is parsed or stored.
  if (!provider::VerifyMetaSignature(secrets_.app_secret, request->body(), request->signature())) {
    return Finish(context,
                  domain::Error(absl::StatusCode::kUnauthenticated, "UNAUTHENTICATED",
                                secrets_.app_secret.empty()
                                    ? "callbacks are refused: WA_META_APP_SECRET is not set"
                                    : "missing or bad X-Hub-Signature-256"));
  }
  // Stored durably before Meta gets its 200: on the pool, so that callbacks
  // arriving together share one commit.
  return RunOnPool(context, pool_, [this, request, response]() -> absl::Status {
    absl::StatusOr<int64_t> id = inbox_.Store(request->body());
    if (!id.ok()) return id.status();
    response->set_notification_id(*id);
    processor_.Wake();
    return absl::OkStatus();
  });
}

}  // namespace wa::api
