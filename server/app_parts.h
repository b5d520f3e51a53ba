#pragma once

// What App (app.h) is made of, shared by app.cc (building the layers) and
// app_servers.cc (the gRPC server and the REST gateway in front of it).

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/adapters/document_adapter.h"
#include "gateway/adapters/guest_export_adapter.h"
#include "gateway/adapters/media_adapters.h"
#include "gateway/adapters/meta_webhook_adapter.h"
#include "gateway/http_gateway.h"
#include "gateway/openapi/docs_page.h"
#include "gateway/openapi/openapi_spec.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "hotel/whatsapp/v1/consent.grpc.pb.h"
#include "hotel/whatsapp/v1/events.grpc.pb.h"
#include "hotel/whatsapp/v1/guest_data.grpc.pb.h"
#include "hotel/whatsapp/v1/media.grpc.pb.h"
#include "hotel/whatsapp/v1/properties.grpc.pb.h"
#include "hotel/whatsapp/v1/templates.grpc.pb.h"
#include "server/api/admin_api.h"
#include "server/api/audit_interceptor.h"
#include "server/api/auth.h"
#include "server/api/automation_api.h"
#include "server/api/call_registry.h"
#include "server/api/consent_api.h"
#include "server/api/conversations_api.h"
#include "server/api/event_stream_reactor.h"
#include "server/api/events_api.h"
#include "server/api/guest_data_api.h"
#include "server/api/media_api.h"
#include "server/api/messages_api.h"
#include "server/api/metrics_interceptor.h"
#include "server/api/ops_documents.h"
#include "server/api/properties_api.h"
#include "server/api/provider_callbacks_api.h"
#include "server/api/request_id_interceptor.h"
#include "server/api/required_fields_interceptor.h"
#include "server/api/sandbox_api.h"
#include "server/api/templates_api.h"
#include "server/api/unparsable_request_interceptor.h"
#include "server/api/webhooks_api.h"
#include "server/app.h"
#include "server/config_parts.h"
#include "server/domain/analytics_service.h"
#include "server/domain/audit_service.h"
#include "server/domain/automation_engine.h"
#include "server/domain/automation_service.h"
#include "server/domain/batch_service.h"
#include "server/domain/consent_service.h"
#include "server/domain/conversation_service.h"
#include "server/domain/event_hub.h"
#include "server/domain/event_outbox.h"
#include "server/domain/guest_erasure_service.h"
#include "server/domain/guest_hash.h"
#include "server/domain/idempotency_service.h"
#include "server/domain/inbound_service.h"
#include "server/domain/lifecycle_events.h"
#include "server/domain/local_rate_limiter.h"
#include "server/domain/media_policy.h"
#include "server/domain/media_service.h"
#include "server/domain/messaging_service.h"
#include "server/domain/notification_inbox.h"
#include "server/domain/ops_readings.h"
#include "server/domain/property_service.h"
#include "server/domain/read_receipts.h"
#include "server/domain/retention_service.h"
#include "server/domain/schedule_service.h"
#include "server/domain/scheduled_release.h"
#include "server/domain/shared_rate_limiter.h"
#include "server/domain/status_service.h"
#include "server/domain/template_service.h"
#include "server/domain/token_service.h"
#include "server/domain/webhook_service.h"
#include "server/provider/webhook_client.h"
#include "server/storage/data_dir.h"
#include "server/storage/erasure_keys.h"
#include "server/storage/media_store.h"
#include "server/storage/mime_sniffer.h"
#include "server/util/log.h"
#include "server/util/port_probe.h"
#include "server/util/status_macros.h"
#include "server/workers/audit_writer.h"
#include "server/workers/automation_worker.h"
#include "server/workers/batch_runner.h"
#include "server/workers/notification_processor.h"
#include "server/workers/retention_pruner.h"
#include "server/workers/schedule_releaser.h"
#include "server/workers/send_queue.h"
#include "server/workers/status_timer.h"
#include "server/workers/template_review_timer.h"
#include "server/workers/webhook_delivery.h"

namespace wa {

namespace v1 = ::hotel::whatsapp::v1;

// The gRPC health of MessagesService follows the provider's credentials, as
// the send queue finds them. Set to the server once it runs (the workers
// start after it).
class GrpcProviderHealth : public workers::ProviderHealth {
 public:
  void set_server(grpc::Server* server) { server_ = server; }
  void Report(bool healthy) override;

 private:
  grpc::Server* server_ = nullptr;
};

// What follows a commit that recorded events: the webhook delivery (a
// worker) looks for events to deliver, the hub for events to stream.
class EventFollowers : public domain::EventWaker {
 public:
  EventFollowers(workers::WebhookDelivery& delivery, domain::EventHub& hub)
      : delivery_(delivery), hub_(hub) {}
  void Wake() override {
    delivery_.Wake();
    hub_.Wake();
  }

 private:
  workers::WebhookDelivery& delivery_;
  domain::EventHub& hub_;
};

struct App::Parts {
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<provider::Provider> provider;
  std::unique_ptr<domain::TokenService> tokens;
  std::unique_ptr<domain::PropertyService> properties;
  std::unique_ptr<domain::StatusService> statuses;
  std::unique_ptr<domain::ConversationService> conversations;
  std::unique_ptr<domain::AnalyticsService> analytics;
  std::unique_ptr<domain::ReadReceipts> read_receipts;
  std::unique_ptr<domain::ConsentService> consent;
  std::unique_ptr<domain::InboundService> inbound;
  std::unique_ptr<domain::MessagingService> messaging;
  std::unique_ptr<domain::TemplateService> templates;
  std::unique_ptr<domain::EventHub> events;
  std::unique_ptr<domain::ScheduledRelease> release;
  std::unique_ptr<workers::ScheduleReleaser> releaser;
  std::unique_ptr<domain::ScheduleService> schedules;
  // Wakes what follows a commit that recorded events: the webhook delivery
  // and the live streams.
  std::unique_ptr<EventFollowers> event_followers;
  std::unique_ptr<storage::ErasureKeys> erasure_keys;
  std::unique_ptr<domain::GuestHasher> hasher;
  std::unique_ptr<domain::GuestErasureService> erasure;
  std::unique_ptr<domain::RetentionService> retention;
  std::unique_ptr<workers::RetentionPruner> pruner;
  std::unique_ptr<domain::NotificationInbox> inbox;
  std::unique_ptr<domain::OpsReadings> ops_readings;
  domain::RateLimiterFactory limiters;
  std::unique_ptr<domain::BatchService> batches;
  std::unique_ptr<domain::IdempotencyService> idempotency;
  std::unique_ptr<storage::MediaStore> media_store;
  std::unique_ptr<storage::MimeSniffer> mime_sniffer;
  std::unique_ptr<domain::MediaService> media;
  std::unique_ptr<workers::StatusTimer> status_timer;
  std::unique_ptr<workers::TemplateReviewTimer> template_reviews;
  std::unique_ptr<GrpcProviderHealth> provider_health;
  std::unique_ptr<workers::MediaCopies> media_copies;
  std::unique_ptr<workers::SendQueue> send_queue;
  std::unique_ptr<workers::BatchRunner> batch_runner;
  std::unique_ptr<workers::GuestMediaFetcher> guest_media;
  std::unique_ptr<workers::NotificationProcessor> notifications;
  std::unique_ptr<domain::AutomationService> automation;
  std::unique_ptr<domain::AutomationEngine> automation_engine;
  std::unique_ptr<workers::AutomationWorker> automation_worker;
  std::unique_ptr<provider::WebhookClient> webhook_client;
  std::unique_ptr<workers::WebhookDelivery> webhook_delivery;
  std::unique_ptr<domain::WebhookService> webhooks;
  std::unique_ptr<domain::AuditService> audit;
  std::unique_ptr<api::CallRegistry> registry;
  std::unique_ptr<workers::AuditWriter> audit_writer;
  std::unique_ptr<api::Authenticator> auth;
  std::unique_ptr<util::ThreadPool> rpc_pool;
  std::unique_ptr<api::CallRunner> calls;
  std::vector<std::unique_ptr<grpc::Service>> services;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<gateway::HttpGateway> gateway;
  absl::Duration shutdown_grace;
  int grpc_port = 0;
  int http_port = 0;
  bool stopped = false;
};

using HostPort = std::pair<std::string, int>;

// The gRPC server: limits, interceptors, reflection and health.
absl::Status StartGrpc(const Config& config,
                       const std::shared_ptr<grpc::ServerCredentials>& credentials, App::Parts& p);
// The REST gateway on `http`, with its adapters and the operator documents.
absl::Status StartGateway(const Config& config, const HostPort& http, App::Parts& p);

}  // namespace wa
