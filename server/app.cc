#include "server/app.h"

#include "server/app_parts.h"
namespace wa {

App::App(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

App::~App() { Shutdown(); }

int App::grpc_port() const { return parts_->grpc_port; }
int App::http_port() const { return parts_->http_port; }

namespace {

using Parts = App::Parts;

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
  absl::StatusOr<std::unique_ptr<storage::Database>> db = storage::OpenDataDir(
      config.data_dir, config.database_url,
      {.readers = config.db_read_connections, .writers = config.db_write_connections});
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
  p.hasher = std::make_unique<domain::GuestHasher>(*p.erasure_keys, database);
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

// Routing and automatic replies: the rules run on each inbound message
// after its commit (README, "Automation").
void BuildAutomation(const Config& config, Parts& p) {
  Parts* raw = &p;
  p.automation = std::make_unique<domain::AutomationService>(
      *p.db, domain::AutomationService::Options{.starter_set = config.provider == "sandbox"});
  p.automation_engine =
      std::make_unique<domain::AutomationEngine>(*p.db, *p.automation, *p.messaging, p.wake_events);
  p.automation_engine->set_templates(p.templates.get());
  p.automation_worker = std::make_unique<workers::AutomationWorker>(*p.db, *p.automation_engine);
  p.inbound->set_on_automation([raw] { raw->automation_worker->Wake(); });
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
  p.read_receipts =
      std::make_unique<domain::ReadReceipts>(*p.conversations, *p.properties, *p.provider);
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
  BuildAutomation(config, p);
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
  p.services.push_back(std::make_unique<api::ConversationsApi>(*p.calls, *p.conversations,
                                                               *p.analytics, *p.read_receipts));
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
  p.services.push_back(std::make_unique<api::AutomationApi>(*p.calls, *p.automation));
}

void StartWorkers(Parts& p) {
  p.pruner->Start();
  p.releaser->Start();
  p.status_timer->Start();
  p.template_reviews->Start();
  p.notifications->Start();
  p.automation_worker->Start();
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
  parts_->notifications->Stop();
  parts_->automation_worker->Stop();
  parts_->send_queue->Stop();
  parts_->status_timer->Stop();
  parts_->template_reviews->Stop();
  parts_->webhook_delivery->Stop();
}

}  // namespace wa
