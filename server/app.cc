#include "server/app.h"

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
#include "server/api/sandbox_api.h"
#include "server/api/templates_api.h"
#include "server/api/unparsable_request_interceptor.h"
#include "server/api/webhooks_api.h"
#include "server/config_parts.h"
#include "server/domain/analytics_service.h"
#include "server/domain/audit_service.h"
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

struct App::Parts {
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<provider::Provider> provider;
  std::unique_ptr<domain::TokenService> tokens;
  std::unique_ptr<domain::PropertyService> properties;
  std::unique_ptr<domain::StatusService> statuses;
  std::unique_ptr<domain::ConversationService> conversations;
  std::unique_ptr<domain::AnalyticsService> analytics;
  std::unique_ptr<domain::ConsentService> consent;
  std::unique_ptr<domain::InboundService> inbound;
  std::unique_ptr<domain::MessagingService> messaging;
  std::unique_ptr<domain::TemplateService> templates;
  std::unique_ptr<domain::EventOutbox> outbox;
  std::unique_ptr<domain::EventHub> events;
  std::unique_ptr<domain::ScheduledRelease> release;
  std::unique_ptr<workers::ScheduleReleaser> releaser;
  std::unique_ptr<domain::ScheduleService> schedules;
  // Wakes what follows a commit that recorded events: the webhook delivery
  // and the live streams.
  std::function<void()> wake_events;
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
  std::unique_ptr<workers::SendQueue> send_queue;
  std::unique_ptr<workers::BatchRunner> batch_runner;
  std::unique_ptr<workers::GuestMediaFetcher> guest_media;
  std::unique_ptr<workers::NotificationProcessor> notifications;
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

namespace {

// /docs, with Redoc's script from `docs_dir` (default: share/wa-server/docs beside
// the binary's directory, where the build puts it).
void AddDocsPage(gateway::HttpGateway& gateway, std::string docs_dir) {
  if (docs_dir.empty()) {
    std::error_code error;
    std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
    docs_dir = (exe.parent_path().parent_path() / "share" / "wa-server" / "docs").string();
  }
  std::ifstream in(docs_dir + "/redoc.standalone.js", std::ios::binary);
  std::string script((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (script.empty()) {
    gateway::AddDocumentAdapter(gateway, "/docs", "text/html; charset=utf-8",
                                gateway::kDocsMissingPage);
    return;
  }
  gateway::AddDocumentAdapter(gateway, "/docs", "text/html; charset=utf-8", gateway::kDocsPage);
  gateway::AddDocumentAdapter(gateway, "/docs/redoc.standalone.js", "text/javascript",
                              std::move(script));
}

// /healthz (the process serves), /readyz and /metrics, for operators and
// their probes; no token, bind the REST port to a private interface.
void AddOpsDocuments(gateway::HttpGateway& gateway, domain::OpsReadings& readings,
                     const provider::Provider& provider) {
  auto adapt = [](api::OpsDocument d) { return gateway::Document{d.status, std::move(d.body)}; };
  gateway::AddDocumentAdapter(gateway, "/healthz", "text/plain", std::string("ok\n"));
  gateway::AddDocumentAdapter(
      gateway, "/readyz", "application/json",
      [&readings, &provider, adapt] { return adapt(api::ReadinessDocument(readings, provider)); });
  gateway::AddDocumentAdapter(gateway, "/metrics", "text/plain; version=0.0.4",
                              [&readings, adapt] { return adapt(api::MetricsDocument(readings)); });
}

// Every service the server registers, by full name, for the gateway's
// route table.
std::vector<std::string> ServiceNames() {
  return {v1::MessagesService::service_full_name(),      v1::ConsentService::service_full_name(),
          v1::ConversationsService::service_full_name(), v1::TemplatesService::service_full_name(),
          v1::MediaService::service_full_name(),         v1::WebhooksService::service_full_name(),
          v1::AdminService::service_full_name(),         v1::SandboxService::service_full_name(),
          v1::PropertiesService::service_full_name(),    v1::EventsService::service_full_name(),
          v1::GuestDataService::service_full_name()};
}

}  // namespace

App::App(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

App::~App() { Shutdown(); }

int App::grpc_port() const { return parts_->grpc_port; }
int App::http_port() const { return parts_->http_port; }

namespace {

using Parts = App::Parts;
using HostPort = std::pair<std::string, int>;

// The addresses to listen on, checked before anything is opened: a port in
// use fails the start with one line, not half a server.
absl::StatusOr<std::pair<HostPort, HostPort>> CheckListeners(const Config& config) {
  absl::StatusOr<HostPort> http = SplitHostPort(config.http_listen, "http_listen");
  if (!http.ok()) return http.status();
  absl::StatusOr<HostPort> grpc_addr = SplitHostPort(config.grpc_listen, "grpc_listen");
  if (!grpc_addr.ok()) return grpc_addr.status();
  for (const auto& [flag, address] :
       {std::pair{"--grpc_listen: ", *grpc_addr}, std::pair{"--http_listen: ", *http}}) {
    if (absl::Status s = util::ProbeListen(address.first, address.second); !s.ok()) {
      return absl::UnavailableError(absl::StrCat(flag, s.message()));
    }
  }
  return std::pair{*http, *grpc_addr};
}

// Storage and the provider: the database, the media files, Meta or the
// sandbox.
absl::Status BuildStorage(const Config& config, Parts& p) {
  absl::StatusOr<std::unique_ptr<provider::Provider>> provider = MakeProvider(config);
  if (!provider.ok()) return provider.status();
  p.provider = *std::move(provider);
  absl::StatusOr<std::unique_ptr<storage::Database>> db =
      storage::OpenDataDir(config.data_dir, config.database_url);
  if (!db.ok()) return db.status();
  p.db = *std::move(db);
  p.media_store = std::make_unique<storage::MediaStore>(
      config.media_dir.empty() ? config.data_dir + "/media" : config.media_dir);
  RETURN_IF_ERROR(p.media_store->Init());
  p.mime_sniffer = std::make_unique<storage::MimeSniffer>();
  return absl::OkStatus();
}

// The property registry, with the number configured by flags.
absl::Status BuildProperties(const Config& config, Parts& p) {
  p.properties = std::make_unique<domain::PropertyService>(*p.db);
  if (std::optional<domain::NumberRequest> number = ConfiguredNumber(config)) {
    if (absl::Status s = p.properties->EnsureConfiguredNumber(*number); !s.ok()) {
      return absl::FailedPreconditionError(absl::StrCat("--phone_number_id: ", s.message()));
    }
  }
  return p.properties->Refresh();
}

// The send queue and what it calls back: the status timer for the
// provider's own follow-ups, the health service, and the media service for
// our uploads' copies at the provider.
void BuildSendQueue(const Config& config, Parts& p, const std::function<void()>& wake_webhooks,
                    domain::RateLimiterFactory limiters) {
  Parts* raw = &p;
  workers::SendQueue::Hooks hooks;
  hooks.on_follow_ups = [raw] { raw->status_timer->Wake(); };
  hooks.on_provider_health = [raw](bool healthy) {
    if (raw->server) {
      raw->server->GetHealthCheckService()->SetServingStatus(
          v1::MessagesService::service_full_name(), healthy);
    }
  };
  hooks.on_webhook_event = wake_webhooks;
  // Our uploads reach the provider under the sending number on its first
  // send from there, then that copy is reused.
  hooks.resolve_media = [raw](const std::string& property_id, const std::string& media_id,
                              const provider::SenderAccount& from) {
    std::string copy = raw->provider->Name();
    if (!from.phone_number_id.empty()) absl::StrAppend(&copy, ":", from.phone_number_id);
    return raw->media->ProviderMediaId(
        property_id, media_id, copy,
        [raw, &from](const std::string& path, const std::string& mime) {
          return raw->provider->UploadMedia(from, path, mime);
        });
  };
  p.send_queue = std::make_unique<workers::SendQueue>(*p.db, *p.provider, *p.properties,
                                                      SendQueueOptions(config), hooks, limiters);
}

// Sending: messages, templates and batches, and the events they emit.
void BuildMessaging(const Config& config, Parts& p) {
  Parts* raw = &p;
  storage::Database& database = *p.db;
  domain::EventOutbox* outbox = p.outbox.get();
  p.messaging =
      std::make_unique<domain::MessagingService>(database, [raw] { raw->send_queue->Wake(); });
  p.templates = std::make_unique<domain::TemplateService>(
      database, *p.messaging, *p.provider,
      domain::TemplateService::Options{.starter_catalog = config.provider == "sandbox"});
  p.messaging->set_suggest_templates([raw](const std::string& property_id) {
    return raw->templates->SuggestInTransaction(property_id);
  });
  p.messaging->set_backlog_limit({config.max_queue_backlog, config.send_rate_per_second});
  // Scheduled sends: released to the send queue when due (README,
  // "Scheduled sends").
  p.release = std::make_unique<domain::ScheduledRelease>(database, p.wake_events);
  p.releaser = std::make_unique<workers::ScheduleReleaser>(
      *p.release, workers::ScheduleReleaser::Options{}, [raw] { raw->send_queue->Wake(); });
  p.messaging->set_on_scheduled([raw] { raw->releaser->Wake(); }, p.wake_events);
  p.schedules = std::make_unique<domain::ScheduleService>(
      database, [raw] { raw->releaser->Wake(); }, p.wake_events);
  // Under the Cloud API every send goes from one of the property's numbers.
  p.messaging->set_senders(p.properties.get(), config.provider == "cloud");
  p.templates->set_properties(p.properties.get());
  p.batches = std::make_unique<domain::BatchService>(
      database, *p.messaging, *p.templates,
      domain::BatchService::Options{.max_messages_per_second = config.send_rate_per_second,
                                    .max_items = config.max_batch_messages,
                                    .release_hold = config.batch_hold},
      [raw] { raw->batch_runner->Wake(); });
  // The one place a finished batch is announced, in its own transaction.
  p.batches->set_on_completed_in_transaction([outbox](const storage::BatchRecord& batch) {
    return domain::EmitBatchCompleted(*outbox, batch);
  });
  p.templates->set_on_status_changed([outbox](const std::string& property_id,
                                              const v1::Template& after,
                                              v1::TemplateStatus previous) {
    return domain::EmitTemplateStatusChanged(*outbox, property_id, after, previous);
  });
}

// The hotels' webhooks: the configuration service and its URL checks.
void BuildWebhooks(const Config& config, Parts& p, const std::function<void()>& wake_webhooks) {
  Parts* raw = &p;
  domain::EndpointChecks checks;
  checks.check_url = [raw](const std::string& url) { return raw->webhook_client->CheckUrl(url); };
  checks.verify = [raw](const std::string& url, const std::string& token) {
    return raw->webhook_client->Verify(url, token).error;
  };
  p.webhooks = std::make_unique<domain::WebhookService>(
      *p.db, std::move(checks), domain::WebhookSettings{config.webhook_secret_grace},
      wake_webhooks);
}

// Guest data over its life: erasure under a keyed hash whose key lives
// outside the database, and retention by property.
void BuildGuestData(const Config& config, Parts& p) {
  storage::Database& database = *p.db;
  p.erasure_keys = std::make_unique<storage::ErasureKeys>(
      config.erasure_key_dir.empty() ? config.data_dir + "/keys" : config.erasure_key_dir);
  p.hasher = std::make_unique<domain::GuestHasher>(*p.erasure_keys);
  p.erasure =
      std::make_unique<domain::GuestErasureService>(database, *p.media_store, *p.hasher, *p.outbox);
  p.retention = std::make_unique<domain::RetentionService>(database);
  p.pruner = std::make_unique<workers::RetentionPruner>(
      database, *p.media_store,
      workers::RetentionOptions{.interval = config.retention_interval,
                                .day = config.retention_day});
  p.consent->set_guest_hasher(p.hasher.get());
  p.messaging->set_guest_hasher(p.hasher.get());
}

// The domain and the workers, which wake one another: every change that
// writes a webhook event wakes the delivery, a send wakes the send queue, a
// batch its runner.
absl::Status BuildServices(const Config& config, Parts& p) {
  storage::Database& database = *p.db;
  p.media = std::make_unique<domain::MediaService>(database, *p.media_store, *p.mime_sniffer);
  p.tokens = std::make_unique<domain::TokenService>(database);
  RETURN_IF_ERROR(BuildProperties(config, p));
  // First, so that every change that writes a webhook event can wake it.
  p.webhook_client = std::make_unique<provider::WebhookClient>(
      provider::TargetPolicy{config.webhook_allowed_hosts, config.webhook_allow_loopback},
      config.webhook_timeout);
  p.webhook_delivery = std::make_unique<workers::WebhookDelivery>(database, *p.webhook_client,
                                                                  WebhookDeliveryOptions(config));
  workers::WebhookDelivery* delivery = p.webhook_delivery.get();
  domain::EventHub::Options hub_options = EventHubOptions(config);
  hub_options.encode = api::EncodeEvent;
  p.events = std::make_unique<domain::EventHub>(database, std::move(hub_options));
  domain::EventHub* hub = p.events.get();
  // After each commit that recorded events: the webhook delivery and the
  // live streams (EventOutbox).
  p.wake_events = [delivery, hub] {
    delivery->Wake();
    hub->Wake();
  };
  const std::function<void()>& wake_webhooks = p.wake_events;
  p.statuses = std::make_unique<domain::StatusService>(database, wake_webhooks);
  // The outbox for the events of conversations, templates and batches
  // (messages emit theirs in the status and inbound services).
  p.outbox = std::make_unique<domain::EventOutbox>(database, wake_webhooks);
  domain::EventOutbox* outbox = p.outbox.get();
  p.conversations = std::make_unique<domain::ConversationService>(
      database, [outbox](const storage::ConversationRecord& resolved) {
        return domain::EmitConversationResolved(*outbox, resolved);
      });
  p.conversations->set_on_event(wake_webhooks);
  p.conversations->set_on_assigned([outbox](const storage::ConversationRecord& assigned) {
    return domain::EmitConversationAssigned(*outbox, assigned);
  });
  p.analytics = std::make_unique<domain::AnalyticsService>(database);
  p.consent = std::make_unique<domain::ConsentService>(database);
  p.inbound = std::make_unique<domain::InboundService>(
      database, domain::ConsentKeywords{config.opt_out_keywords, config.opt_in_keywords},
      wake_webhooks);
  p.status_timer = std::make_unique<workers::StatusTimer>(database, *p.statuses);
  // Several instances may share a PostgreSQL database: their rate limits
  // (the sender's pace, the guest pair rate, each token's budget) then live
  // in it, so that together they allow what one would. SQLite serves one
  // instance, and limits in its memory are free.
  p.limiters = database.engine() == storage::DatabaseUrl::Engine::kPostgres
                   ? domain::SharedRateLimiters(database)
                   : domain::LocalRateLimiters();
  BuildSendQueue(config, p, wake_webhooks, p.limiters);
  BuildMessaging(config, p);
  BuildGuestData(config, p);
  p.batch_runner = std::make_unique<workers::BatchRunner>(*p.batches);
  p.idempotency = std::make_unique<domain::IdempotencyService>(database);
  p.template_reviews = std::make_unique<workers::TemplateReviewTimer>(*p.templates);
  p.guest_media = std::make_unique<workers::GuestMediaFetcher>(*p.media, *p.provider);
  p.notifications = std::make_unique<workers::NotificationProcessor>(
      database, *p.properties, *p.inbound, *p.statuses, *p.consent, *p.templates,
      p.guest_media.get());
  BuildWebhooks(config, p, wake_webhooks);
  p.audit = std::make_unique<domain::AuditService>(database);
  p.audit_writer = std::make_unique<workers::AuditWriter>(*p.audit);
  // Before the server: every call may leave an audit record.
  p.audit_writer->Start();
  p.inbox = std::make_unique<domain::NotificationInbox>(database);
  p.ops_readings = std::make_unique<domain::OpsReadings>(database);
  return absl::OkStatus();
}

// One gRPC service class per proto service, behind authentication and the
// RPC pool.
void BuildApi(const Config& config, Parts& p) {
  Parts* raw = &p;
  p.registry = std::make_unique<api::CallRegistry>();
  p.auth = std::make_unique<api::Authenticator>(
      *p.tokens, api::RequestBudget{config.api_requests_per_second, config.api_burst},
      p.registry.get(), p.limiters);
  p.rpc_pool = std::make_unique<util::ThreadPool>(config.rpc_threads);
  p.calls = std::make_unique<api::CallRunner>(*p.auth, *p.rpc_pool);
  p.services.push_back(std::make_unique<api::MessagesApi>(*p.calls, *p.messaging, *p.batches,
                                                          *p.idempotency, *p.schedules));
  p.services.push_back(
      std::make_unique<api::ConversationsApi>(*p.calls, *p.conversations, *p.analytics));
  p.services.push_back(std::make_unique<api::AdminApi>(*p.calls, *p.tokens, *p.audit));
  p.services.push_back(std::make_unique<api::PropertiesApi>(*p.calls, *p.properties, *p.retention));
  p.services.push_back(std::make_unique<api::GuestDataApi>(*p.calls, *p.erasure, *p.db, *p.hasher));
  p.services.push_back(
      std::make_unique<api::SandboxApi>(*p.calls, *p.inbound, *p.media, *p.provider));
  p.services.push_back(std::make_unique<api::ConsentApi>(*p.calls, *p.consent));
  p.services.push_back(std::make_unique<api::MediaApi>(*p.calls, *p.media));
  p.services.push_back(std::make_unique<api::WebhooksApi>(*p.calls, *p.webhooks));
  p.services.push_back(std::make_unique<api::EventsApi>(*p.calls, *p.events));
  p.services.push_back(std::make_unique<api::ProviderCallbacksApi>(
      *p.inbox, *p.rpc_pool,
      api::ProviderCallbacksApi::Secrets{config.meta_verify_token, config.meta_app_secret},
      [raw] { raw->notifications->Wake(); }));
  p.services.push_back(std::make_unique<api::TemplatesApi>(*p.calls, *p.templates, *p.idempotency));
}

// The gRPC server: limits, interceptors, reflection and health.
absl::Status StartGrpc(const Config& config,
                       const std::shared_ptr<grpc::ServerCredentials>& credentials, Parts& p) {
  // Keeps health.proto linked in so reflection can describe the health service.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default, which would let a second server
  // share a port in use instead of failing.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Limits (README, "Limits"): message and metadata size, calls per connection.
  builder.SetMaxReceiveMessageSize(config.grpc_max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, config.grpc_max_metadata_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, config.grpc_max_streams);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  // First, so that the metrics count the answer the client gets.
  interceptors.push_back(std::make_unique<api::UnparsableRequestInterceptorFactory>());
  interceptors.push_back(std::make_unique<api::RequestIdInterceptorFactory>(config.log_requests));
  interceptors.push_back(std::make_unique<api::MetricsInterceptorFactory>());
  interceptors.push_back(
      std::make_unique<api::AuditInterceptorFactory>(*p.audit_writer, *p.registry, ServiceNames()));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.AddListeningPort(config.grpc_listen, credentials, &p.grpc_port);
  for (auto& service : p.services) builder.RegisterService(service.get());
  p.server = builder.BuildAndStart();
  if (p.server == nullptr || p.grpc_port == 0) {
    return absl::UnavailableError(
        absl::StrCat("--grpc_listen: cannot listen on ", config.grpc_listen, " (port in use?)"));
  }
  return absl::OkStatus();
}

gateway::HttpGateway::Options GatewayOptions(const Config& config, const HostPort& http) {
  gateway::HttpGateway::Options options;
  options.host = http.first;
  options.port = http.second;
  options.max_body_bytes = config.max_body_bytes;
  // A form around the largest media file (a 100 MB document).
  options.max_streaming_body_bytes = domain::MaxMediaBytes() + (1 << 20);
  options.threads = config.http_threads;
  options.limits.request_timeout = config.http_request_timeout;
  options.limits.max_header_bytes = config.http_max_header_bytes;
  options.limits.max_connections = config.http_max_connections;
  options.limits.max_body_memory = config.http_max_body_memory;
  options.services = ServiceNames();
  options.tls_cert_file = config.tls_cert_file;
  options.tls_key_file = config.tls_key_file;
  options.tls_client_ca_file = config.tls_client_ca_file;
  return options;
}

// The REST gateway in front of the gRPC server, with its adapters and the
// operator documents.
absl::Status StartGateway(const Config& config, const HostPort& http, Parts& p) {
  // The gateway calls the services over the server's in-process channel,
  // which never touches a socket: it needs no TLS and no client certificate,
  // and the listening port's TLS does not apply to it.
  p.gateway = std::make_unique<gateway::HttpGateway>(
      p.server->InProcessChannel(grpc::ChannelArguments()), GatewayOptions(config, http));
  gateway::AddMetaWebhookAdapter(*p.gateway);
  gateway::AddMediaUploadAdapter(*p.gateway);
  gateway::AddMediaDownloadAdapter(*p.gateway);
  gateway::AddGuestExportAdapter(*p.gateway);
  gateway::AddDocumentAdapter(*p.gateway, "/api/v1/whatsapp/openapi.yaml", "application/yaml",
                              gateway::kOpenApiYaml);
  gateway::AddDocumentAdapter(*p.gateway, "/api/v1/whatsapp/openapi.json", "application/json",
                              gateway::kOpenApiJson);
  AddDocsPage(*p.gateway, config.docs_dir);
  AddOpsDocuments(*p.gateway, *p.ops_readings, *p.provider);
  absl::StatusOr<int> http_port = p.gateway->Start();
  if (!http_port.ok()) {
    p.server->Shutdown();
    return absl::UnavailableError(absl::StrCat("--http_listen: ", http_port.status().message()));
  }
  p.http_port = *http_port;
  return absl::OkStatus();
}

void StartWorkers(Parts& p) {
  p.pruner->Start();
  p.releaser->Start();
  p.status_timer->Start();
  p.template_reviews->Start();
  p.notifications->Start();
  p.send_queue->Start();
  p.webhook_delivery->Start();
  p.batch_runner->Start();
}

}  // namespace

absl::StatusOr<std::unique_ptr<App>> App::Start(const Config& config) {
  auto p = std::make_unique<Parts>();
  ASSIGN_OR_RETURN(auto listeners, CheckListeners(config));
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials, GrpcCredentials(config));
  RETURN_IF_ERROR(BuildStorage(config, *p));
  RETURN_IF_ERROR(BuildServices(config, *p));
  BuildApi(config, *p);
  RETURN_IF_ERROR(StartGrpc(config, credentials, *p));
  RETURN_IF_ERROR(StartGateway(config, listeners.first, *p));
  p->server->GetHealthCheckService()->SetServingStatus(v1::MessagesService::service_full_name(),
                                                       true);
  p->shutdown_grace = config.shutdown_grace;
  StartWorkers(*p);
  if (absl::Status s = p->events->Start(); !s.ok()) {
    p->gateway->Stop();
    p->server->Shutdown();
    return s;
  }
  return std::unique_ptr<App>(new App(std::move(p)));
}

void App::Shutdown() {
  if (parts_ == nullptr || parts_->stopped) return;
  parts_->stopped = true;
  // First: the streams end (UNAVAILABLE, resume elsewhere) instead of
  // holding the gateway's threads and the server's shutdown.
  parts_->events->Stop();
  parts_->gateway->Stop();
  parts_->server->Shutdown(absl::ToChronoTime(absl::Now() + parts_->shutdown_grace));
  // After the server: calls in flight wait for their audit records.
  parts_->audit_writer->Stop();
  parts_->batch_runner->Stop();
  parts_->releaser->Stop();
  parts_->pruner->Stop();
  parts_->send_queue->Stop();
  parts_->notifications->Stop();
  parts_->status_timer->Stop();
  parts_->template_reviews->Stop();
  parts_->webhook_delivery->Stop();
}

}  // namespace wa
