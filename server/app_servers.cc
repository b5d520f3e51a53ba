#include "server/app_parts.h"

namespace wa {
namespace {

using Parts = App::Parts;

// /docs, with Redoc's script from `docs_dir` (default: share/wa-server/docs beside
// the binary's directory, where the build puts it).
void AddDocsPage(gateway::HttpRouter& router, std::string docs_dir) {
  if (docs_dir.empty()) {
    std::error_code error;
    std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
    docs_dir = (exe.parent_path().parent_path() / "share" / "wa-server" / "docs").string();
  }
  std::ifstream in(docs_dir + "/redoc.standalone.js", std::ios::binary);
  std::string script((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (script.empty()) {
    gateway::AddDocumentAdapter(router, "/docs", "text/html; charset=utf-8",
                                gateway::kDocsMissingPage);
    return;
  }
  gateway::AddDocumentAdapter(router, "/docs", "text/html; charset=utf-8", gateway::kDocsPage);
  gateway::AddDocumentAdapter(router, "/docs/redoc.standalone.js", "text/javascript",
                              std::move(script));
}

// /healthz (the process serves), /readyz and /metrics, for operators and
// their probes; no token, bind the REST port to a private interface.
void AddOpsDocuments(gateway::HttpRouter& router, domain::OpsReadings& readings,
                     const provider::Provider& provider) {
  auto adapt = [](api::OpsDocument d) { return gateway::Document{d.status, std::move(d.body)}; };
  gateway::AddDocumentAdapter(router, "/healthz", "text/plain", std::string("ok\n"));
  gateway::AddDocumentAdapter(router, "/readyz", "application/json", [&readings, &provider, adapt] {
    return adapt(api::ReadinessDocument(readings, provider));
  });
  gateway::AddDocumentAdapter(router, "/metrics", "text/plain; version=0.0.4",
                              [&readings, adapt] { return adapt(api::MetricsDocument(readings)); });
}

// Every service the server registers, by full name, for the gateway's
// route table.
std::vector<std::string> ServiceNames() {
  return {
      v1::MessagesService::service_full_name(),      v1::ConsentService::service_full_name(),
      v1::ConversationsService::service_full_name(), v1::TemplatesService::service_full_name(),
      v1::MediaService::service_full_name(),         v1::WebhooksService::service_full_name(),
      v1::AdminService::service_full_name(),         v1::SandboxService::service_full_name(),
      v1::PropertiesService::service_full_name(),    v1::EventsService::service_full_name(),
      v1::GuestDataService::service_full_name(),     v1::AutomationService::service_full_name()};
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

}  // namespace

void GrpcProviderHealth::Report(bool healthy) {
  if (server_ != nullptr) {
    server_->GetHealthCheckService()->SetServingStatus(v1::MessagesService::service_full_name(),
                                                       healthy);
  }
}

absl::Status StartGrpc(const Config& config,
                       const std::shared_ptr<grpc::ServerCredentials>& credentials, App::Parts& p) {
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
  interceptors.push_back(std::make_unique<api::RequiredFieldsInterceptorFactory>());
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

absl::Status StartGateway(const Config& config, const HostPort& http, App::Parts& p) {
  // The gateway calls the services over the server's in-process channel,
  // which never touches a socket: it needs no TLS and no client certificate,
  // and the listening port's TLS does not apply to it.
  p.gateway = std::make_unique<gateway::HttpGateway>(
      p.server->InProcessChannel(grpc::ChannelArguments()), GatewayOptions(config, http));
  gateway::HttpRouter& router = p.gateway->router();
  gateway::AddMetaWebhookAdapter(router);
  gateway::AddMediaUploadAdapter(router);
  gateway::AddMediaDownloadAdapter(router);
  gateway::AddGuestExportAdapter(router);
  gateway::AddDocumentAdapter(router, "/api/v1/whatsapp/openapi.yaml", "application/yaml",
                              gateway::kOpenApiYaml);
  gateway::AddDocumentAdapter(router, "/api/v1/whatsapp/openapi.json", "application/json",
                              gateway::kOpenApiJson);
  AddDocsPage(router, config.docs_dir);
  AddOpsDocuments(router, *p.ops_readings, *p.provider);
  absl::StatusOr<int> http_port = p.gateway->Start();
  if (!http_port.ok()) {
    p.server->Shutdown();
    return absl::UnavailableError(absl::StrCat("--http_listen: ", http_port.status().message()));
  }
  p.http_port = *http_port;
  return absl::OkStatus();
}

}  // namespace wa
