#include "server/api/webhooks_api.h"

#include "absl/time/clock.h"
#include "server/api/handler.h"
#include "server/api/proto_mapping.h"
#include "server/domain/errors.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

void ToConfig(const storage::WebhookConfigRecord& in, v1::WebhookConfig* out) {
  out->set_webhook_url(in.webhook_url);
  for (const std::string& event : in.events) out->add_events(event);
  out->mutable_retry_config()->set_max_retries(in.max_retries);
  out->mutable_retry_config()->set_retry_delay(in.retry_delay_ms);
  SetTimestamp(in.updated_at, out->mutable_updated_at());
  out->set_verified(in.verified);
  out->set_verification_error(in.verification_error);
  if (in.previous_secret_expires_at && *in.previous_secret_expires_at > absl::Now()) {
    SetTimestamp(*in.previous_secret_expires_at, out->mutable_previous_secret_expires_at());
  }
  out->set_endpoint_down(in.down_since.has_value());
  if (in.down_since) SetTimestamp(*in.down_since, out->mutable_down_since());
}

void ToDelivery(const storage::WebhookEventRecord& in, v1::WebhookDelivery* out) {
  out->set_event_id(in.event_id);
  out->set_event(in.event);
  out->set_status(in.status);
  out->set_attempts(in.attempts);
  out->set_last_http_status(in.last_http_status);
  out->set_last_error(in.last_error);
  SetTimestamp(in.occurred_at, out->mutable_occurred_at());
  if (in.delivered_at) SetTimestamp(*in.delivered_at, out->mutable_delivered_at());
  if (in.failed_at) SetTimestamp(*in.failed_at, out->mutable_failed_at());
  if (in.status == v1::DELIVERY_STATUS_FAILED) out->set_error_code("WEBHOOK_DELIVERY_FAILED");
  if (in.status == v1::DELIVERY_STATUS_PENDING && in.next_attempt_at) {
    SetTimestamp(*in.next_attempt_at, out->mutable_next_attempt_at());
  }
  // Events are ordered by their conversation: the key is its id.
  out->set_conversation_id(in.ordering_key);
}

void ToAttempt(const storage::WebhookAttemptRecord& in, v1::WebhookAttempt* out) {
  out->set_attempt(in.attempt);
  SetTimestamp(in.at, out->mutable_at());
  out->set_http_status(in.http_status);
  out->set_latency_ms(in.latency_ms);
  out->set_error(in.error);
}

}  // namespace

grpc::ServerUnaryReactor* WebhooksApi::ConfigureWebhook(grpc::CallbackServerContext* context,
                                                        const v1::ConfigureWebhookRequest* request,
                                                        v1::ConfigureWebhookResponse* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    domain::WebhookRequest in;
    in.webhook_url = request->webhook_url();
    in.events.assign(request->events().begin(), request->events().end());
    in.verify_token = request->verify_token();
    in.has_retry_config = request->has_retry_config();
    in.max_retries = request->retry_config().max_retries();
    in.retry_delay_ms = request->retry_config().retry_delay();
    absl::StatusOr<domain::ConfigureResult> result =
        webhooks_.Configure(caller.property_id, std::move(in));
    if (!result.ok()) return result.status();
    ToConfig(result->config, response->mutable_config());
    response->set_signing_secret(result->signing_secret);
    response->set_verified(result->verified);
    response->set_verification_error(result->verification_error);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* WebhooksApi::GetWebhookConfig(grpc::CallbackServerContext* context,
                                                        const v1::GetWebhookConfigRequest*,
                                                        v1::WebhookConfig* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    absl::StatusOr<storage::WebhookConfigRecord> config = webhooks_.GetConfig(caller.property_id);
    if (config.ok()) ToConfig(*config, response);
    return config.status();
  });
}

grpc::ServerUnaryReactor* WebhooksApi::RotateWebhookSecret(
    grpc::CallbackServerContext* context, const v1::RotateWebhookSecretRequest* request,
    v1::RotateWebhookSecretResponse* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    absl::StatusOr<domain::RotateResult> rotated =
        webhooks_.RotateSecret(caller.property_id, absl::Seconds(request->grace_period_seconds()));
    if (!rotated.ok()) return rotated.status();
    response->set_signing_secret(rotated->signing_secret);
    SetTimestamp(rotated->previous_secret_expires_at,
                 response->mutable_previous_secret_expires_at());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* WebhooksApi::ListWebhookDeliveries(
    grpc::CallbackServerContext* context, const v1::ListWebhookDeliveriesRequest* request,
    v1::ListWebhookDeliveriesResponse* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    domain::DeliveryQuery query;
    query.property_id = caller.property_id;
    query.status = request->status();
    query.event = request->event();
    if (request->has_since()) query.since = FromTimestamp(request->since());
    if (request->has_until()) query.until = FromTimestamp(request->until());
    query.page_size = request->page_size();
    query.page_token = request->page_token();
    absl::StatusOr<domain::DeliveryPage> page = webhooks_.ListDeliveries(query);
    if (!page.ok()) return page.status();
    for (const storage::WebhookEventRecord& e : page->deliveries) {
      ToDelivery(e, response->add_deliveries());
    }
    response->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* WebhooksApi::GetWebhookDelivery(
    grpc::CallbackServerContext* context, const v1::GetWebhookDeliveryRequest* request,
    v1::WebhookDeliveryDetail* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    absl::StatusOr<domain::DeliveryDetail> detail =
        webhooks_.GetDelivery(caller.property_id, request->event_id());
    if (!detail.ok()) return detail.status();
    ToDelivery(detail->event, response->mutable_delivery());
    response->set_payload(detail->event.payload);
    for (const storage::WebhookAttemptRecord& a : detail->attempts) {
      ToAttempt(a, response->add_attempts());
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* WebhooksApi::ReplayWebhookDelivery(
    grpc::CallbackServerContext* context, const v1::ReplayWebhookDeliveryRequest* request,
    v1::WebhookDelivery* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    absl::StatusOr<storage::WebhookEventRecord> event =
        webhooks_.Replay(caller.property_id, request->event_id());
    if (event.ok()) ToDelivery(*event, response);
    return event.status();
  });
}

grpc::ServerUnaryReactor* WebhooksApi::ReplayDeadLetters(
    grpc::CallbackServerContext* context, const v1::ReplayDeadLettersRequest* request,
    v1::ReplayDeadLettersResponse* response) {
  return Handle(
      context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) -> absl::Status {
        if (!request->has_since()) {
          return domain::InvalidArgument("since is required (RFC 3339 time)", "since");
        }
        absl::StatusOr<int> count =
            webhooks_.ReplayDeadLetters(caller.property_id, FromTimestamp(request->since()));
        if (count.ok()) response->set_replayed(*count);
        return count.status();
      });
}

grpc::ServerUnaryReactor* WebhooksApi::SendTestWebhook(grpc::CallbackServerContext* context,
                                                       const v1::SendTestWebhookRequest*,
                                                       v1::WebhookDelivery* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    absl::StatusOr<storage::WebhookEventRecord> event = webhooks_.SendTest(caller.property_id);
    if (event.ok()) ToDelivery(*event, response);
    return event.status();
  });
}

}  // namespace wa::api
