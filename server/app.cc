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

// Storage: the database and the media files.
absl::Status BuildStorage(const Config& config, Parts& p) {
  ASSIGN_OR_RETURN(p.db, storage::OpenDataDir(config.data_dir, config.database_url,
                                              {.readers = config.db_read_connections,
                                               .writers = config.db_write_connections}));
  p.media_store = std::make_unique<storage::MediaStore>(
      config.media_dir.empty() ? config.data_dir + "/media" : config.media_dir);
  RETURN_IF_ERROR(p.media_store->Init());
  p.mime_sniffer = std::make_unique<storage::MimeSniffer>();
  return absl::OkStatus();
}

// The outside world: Meta or the sandbox, and the client of the hotels'
// webhooks. The domain takes both through interfaces it owns
// (TemplateReviewer, EndpointChecks).
absl::Status BuildProvider(const Config& config, Parts& p) {
  ASSIGN_OR_RETURN(p.provider, MakeProvider(config));
  p.webhook_client = std::make_unique<provider::WebhookClient>(
      provider::TargetPolicy{config.webhook_allowed_hosts, config.webhook_allow_loopback},
      config.webhook_timeout);
  return absl::OkStatus();
}

// What follows a commit that recorded events: the webhook delivery (a
// worker) and the live streams. Built before the domain, whose every change
// that writes an event wakes them (EventOutbox).
void BuildEventFollowers(const Config& config, Parts& p) {
  p.webhook_delivery = std::make_unique<workers::WebhookDelivery>(*p.db, *p.webhook_client,
                                                                  WebhookDeliveryOptions(config));
  domain::EventHub::Options hub_options = EventHubOptions(config);
  hub_options.encode = api::EncodeEvent;
  p.events = std::make_unique<domain::EventHub>(*p.db, std::move(hub_options));
  p.event_followers = std::make_unique<EventFollowers>(*p.webhook_delivery, *p.events);
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

// Conversations, statuses and inbound messages. Each service emits its
// events through an EventOutbox of its own, in the transaction of the
// change, and wakes the event followers after the commit.
void BuildConversations(const Config& config, Parts& p) {
  storage::Database& database = *p.db;
  p.statuses = std::make_unique<domain::StatusService>(database, p.event_followers.get());
  p.conversations =
      std::make_unique<domain::ConversationService>(database, p.event_followers.get());
  p.analytics = std::make_unique<domain::AnalyticsService>(database);
  p.read_receipts =
      std::make_unique<domain::ReadReceipts>(*p.conversations, *p.properties, *p.provider);
  p.consent = std::make_unique<domain::ConsentService>(database);
  p.inbound = std::make_unique<domain::InboundService>(
      database, domain::ConsentKeywords{config.opt_out_keywords, config.opt_in_keywords},
      p.event_followers.get());
}

// Sending: messages, templates, schedules and batches, and the events they
// emit. The workers that carry the sends out are connected in
// ConnectWakeUps.
void BuildMessaging(const Config& config, Parts& p) {
  storage::Database& database = *p.db;
  p.messaging = std::make_unique<domain::MessagingService>(database);
  p.templates = std::make_unique<domain::TemplateService>(
      database, *p.messaging, *p.provider,
      domain::TemplateService::Options{.starter_catalog = config.provider == "sandbox"},
      p.event_followers.get());
  p.messaging->set_template_suggester(p.templates.get());
  p.messaging->set_backlog_limit({config.max_queue_backlog, config.send_rate_per_second});
  // Scheduled sends: released to the send queue when due (README,
  // "Scheduled sends").
  p.release = std::make_unique<domain::ScheduledRelease>(database, p.event_followers.get());
  p.schedules = std::make_unique<domain::ScheduleService>(database, p.event_followers.get());
  // Under the Cloud API every send goes from one of the property's numbers.
  p.messaging->set_senders(p.properties.get(), config.provider == "cloud");
  p.templates->set_properties(p.properties.get());
  p.batches = std::make_unique<domain::BatchService>(
      database, *p.messaging, *p.templates,
      domain::BatchService::Options{.max_messages_per_second = config.send_rate_per_second,
                                    .max_items = config.max_batch_messages,
                                    .release_hold = config.batch_hold},
      p.event_followers.get());
}

// Guest data over its life: erasure under a keyed hash whose key lives
// outside the database, and retention by property.
void BuildGuestData(const Config& config, Parts& p) {
  p.erasure_keys = std::make_unique<storage::ErasureKeys>(
      config.erasure_key_dir.empty() ? config.data_dir + "/keys" : config.erasure_key_dir);
  p.hasher = std::make_unique<domain::GuestHasher>(*p.erasure_keys, *p.db);
  p.erasure = std::make_unique<domain::GuestErasureService>(*p.db, *p.media_store, *p.hasher,
                                                            p.event_followers.get());
  p.retention = std::make_unique<domain::RetentionService>(*p.db);
  p.consent->set_guest_hasher(p.hasher.get());
  p.messaging->set_guest_hasher(p.hasher.get());
}

// Routing and automatic replies: the rules run on each inbound message
// after its commit (README, "Automation"; the worker: BuildWorkers).
void BuildAutomation(const Config& config, Parts& p) {
  p.automation = std::make_unique<domain::AutomationService>(
      *p.db, domain::AutomationService::Options{.starter_set = config.provider == "sandbox"});
  p.automation_engine = std::make_unique<domain::AutomationEngine>(
      *p.db, *p.automation, *p.messaging, p.event_followers.get());
  p.automation_engine->set_templates(p.templates.get());
}

// The domain services, which the api calls.
absl::Status BuildDomain(const Config& config, Parts& p) {
  storage::Database& database = *p.db;
  p.media = std::make_unique<domain::MediaService>(database, *p.media_store, *p.mime_sniffer);
  p.tokens = std::make_unique<domain::TokenService>(database);
  RETURN_IF_ERROR(BuildProperties(config, p));
  BuildConversations(config, p);
  // Several instances may share a PostgreSQL database: their rate limits
  // (the sender's pace, the guest pair rate, each token's budget) then live
  // in it, so that together they allow what one would. SQLite serves one
  // instance, and limits in its memory are free.
  p.limiters = database.engine() == storage::DatabaseUrl::Engine::kPostgres
                   ? domain::SharedRateLimiters(database)
                   : domain::LocalRateLimiters();
  BuildMessaging(config, p);
  BuildAutomation(config, p);
  BuildGuestData(config, p);
  p.idempotency = std::make_unique<domain::IdempotencyService>(database);
  p.webhooks = std::make_unique<domain::WebhookService>(
      database, *p.webhook_client, domain::WebhookSettings{config.webhook_secret_grace},
      p.event_followers.get());
  p.audit = std::make_unique<domain::AuditService>(database);
  p.inbox = std::make_unique<domain::NotificationInbox>(database);
  p.ops_readings = std::make_unique<domain::OpsReadings>(database);
  return absl::OkStatus();
}

// The send queue and those it calls: the status timer for the provider's
// follow-ups, the gRPC health service (once the server runs), and our
// uploads' copies at the provider.
void BuildSendQueue(const Config& config, Parts& p) {
  p.status_timer = std::make_unique<workers::StatusTimer>(*p.db, *p.statuses);
  p.provider_health = std::make_unique<GrpcProviderHealth>();
  p.media_copies = std::make_unique<workers::MediaCopies>(*p.media, *p.provider);
  workers::SendQueue::Peers peers{.status_timer = p.status_timer.get(),
                                  .health = p.provider_health.get(),
                                  .media = p.media_copies.get(),
                                  .events = p.event_followers.get()};
  p.send_queue = std::make_unique<workers::SendQueue>(
      *p.db, *p.provider, *p.properties, SendQueueOptions(config), std::move(peers), p.limiters);
}

// The workers: each polls the database for its work and is woken early by
// the part that made some (ConnectWakeUps).
void BuildWorkers(const Config& config, Parts& p) {
  BuildSendQueue(config, p);
  p.releaser = std::make_unique<workers::ScheduleReleaser>(
      *p.release, workers::ScheduleReleaser::Options{}, *p.send_queue);
  p.batch_runner = std::make_unique<workers::BatchRunner>(*p.batches);
  p.automation_worker = std::make_unique<workers::AutomationWorker>(*p.db, *p.automation_engine);
  p.template_reviews = std::make_unique<workers::TemplateReviewTimer>(*p.templates);
  p.guest_media = std::make_unique<workers::GuestMediaFetcher>(*p.media, *p.provider);
  p.notifications = std::make_unique<workers::NotificationProcessor>(
      *p.db, *p.properties, *p.inbound, *p.statuses, *p.consent, *p.templates, p.guest_media.get());
  p.pruner = std::make_unique<workers::RetentionPruner>(
      *p.db, *p.media_store,
      workers::RetentionOptions{.interval = config.retention_interval,
                                .day = config.retention_day});
  p.audit_writer = std::make_unique<workers::AuditWriter>(*p.audit);
  // Before the server: every call may leave an audit record.
  p.audit_writer->Start();
}

// Who wakes whom after a commit (domain/wake_ups.h): a send wakes the send
// queue, a schedule the releaser, a batch its runner, an inbound message
// the automation. (A stored Meta callback wakes the notification
// processor: BuildApi.)
void ConnectWakeUps(Parts& p) {
  p.messaging->set_send_queue(p.send_queue.get());
  p.messaging->set_scheduling(p.releaser.get(), p.event_followers.get());
  p.schedules->set_releaser(p.releaser.get());
  p.batches->set_runner(p.batch_runner.get());
  p.inbound->set_automation(p.automation_worker.get());
}

// One gRPC service class per proto service, behind authentication and the
// RPC pool.
void BuildApi(const Config& config, Parts& p) {
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
      *p.notifications));
  p.services.push_back(std::make_unique<api::TemplatesApi>(*p.calls, *p.templates, *p.idempotency));
  p.services.push_back(std::make_unique<api::AutomationApi>(*p.calls, *p.automation));
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
  p.automation_worker->Start();
}

}  // namespace

absl::StatusOr<std::unique_ptr<App>> App::Start(const Config& config) {
  auto p = std::make_unique<Parts>();
  ASSIGN_OR_RETURN(auto listeners, CheckListeners(config));
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials, GrpcCredentials(config));
  // The provider first: a misconfigured one fails the start before the data
  // directory is touched.
  RETURN_IF_ERROR(BuildProvider(config, *p));
  RETURN_IF_ERROR(BuildStorage(config, *p));
  BuildEventFollowers(config, *p);
  RETURN_IF_ERROR(BuildDomain(config, *p));
  BuildWorkers(config, *p);
  ConnectWakeUps(*p);
  BuildApi(config, *p);
  RETURN_IF_ERROR(StartGrpc(config, credentials, *p));
  p->provider_health->set_server(p->server.get());
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
