// wa-cli: the service's operations from a shell, over gRPC.
//
//   wa-cli [--addr=HOST:PORT] [--token=TOKEN] [--json] [--tls] [--ca_file=PEM]
//          [--cert_file=PEM --key_file=PEM] COMMAND [ARGS]
//
// The address and token also come from WA_ADDR and WA_TOKEN, the TLS files
// from WA_CA_FILE, WA_CERT_FILE and WA_KEY_FILE (a CA file implies --tls). A failed call
// prints the contract's error code and message on stderr and exits with the
// gRPC status code (3 INVALID_ARGUMENT, 5 NOT_FOUND, 7 PERMISSION_DENIED,
// 16 UNAUTHENTICATED, ...); 2 is a usage error.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "clients/cli/batch_csv.h"
#include "clients/cli/batch_follow.h"
#include "clients/cli/commands.h"
#include "clients/cli/media_file.h"
#include "clients/cli/request_flags.h"
#include "clients/cli/watch.h"
#include "common/nearest_name.h"
#include "gateway/error_renderer.h"
#include "gateway/grpc_invoker.h"
#include "gateway/json_transcoder.h"
#include "gateway/required_fields.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/create_channel.h"
#include "hotel/whatsapp/v1/admin.pb.h"
#include "hotel/whatsapp/v1/automation.pb.h"
#include "hotel/whatsapp/v1/consent.pb.h"
#include "hotel/whatsapp/v1/conversations.pb.h"
#include "hotel/whatsapp/v1/events.pb.h"
#include "hotel/whatsapp/v1/media.pb.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "hotel/whatsapp/v1/properties.pb.h"
#include "hotel/whatsapp/v1/sandbox.pb.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "hotel/whatsapp/v1/webhooks.pb.h"
#include "nlohmann/json.hpp"

namespace wa::cli {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

constexpr int kUsage = 2;

struct Globals {
  std::string addr;
  std::string token;
  bool json = false;
  bool tls = false;
  std::string ca_file;    // empty: the system's roots
  std::string cert_file;  // a client certificate, for servers that ask for one
  std::string key_file;
};

std::string Env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

// The services' descriptors are in the generated pool once their code is
// linked in; naming one message of each file makes sure it is.
void LinkContract() {
  for (const auto* d :
       {v1::SendMessageRequest::descriptor(), v1::GetConversationRequest::descriptor(),
        v1::ListTemplatesRequest::descriptor(), v1::Media::descriptor(),
        v1::ConfigureWebhookRequest::descriptor(), v1::ListTokensRequest::descriptor(),
        v1::SimulateInboundRequest::descriptor(), v1::GetGuestConsentRequest::descriptor(),
        v1::GetPropertyRequest::descriptor(), v1::StreamEventsRequest::descriptor(),
        v1::ListRulesRequest::descriptor()}) {
    (void)d;
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// Plaintext unless TLS is asked for (--tls, or a CA file to trust).
std::shared_ptr<grpc::Channel> OpenChannel(const Globals& g) {
  if (!g.tls && g.ca_file.empty()) {
    return grpc::CreateChannel(g.addr, grpc::InsecureChannelCredentials());
  }
  grpc::SslCredentialsOptions options;
  if (!g.ca_file.empty()) options.pem_root_certs = ReadFile(g.ca_file);
  if (!g.cert_file.empty()) {
    options.pem_cert_chain = ReadFile(g.cert_file);
    options.pem_private_key = ReadFile(g.key_file);
  }
  return grpc::CreateChannel(g.addr, grpc::SslCredentials(options));
}

void Usage(std::ostream& out) {
  out << "usage: wa-cli [--addr=HOST:PORT] [--token=TOKEN] [--json] COMMAND [--field=VALUE...]\n"
         "       wa-cli COMMAND --help     the command's fields\n"
         "       wa-cli call /hotel.whatsapp.v1.SERVICE/METHOD [--field=VALUE...]\n"
         "address and token also from WA_ADDR (default 127.0.0.1:50051) and WA_TOKEN\n"
         "TLS: --tls (system roots), --ca_file=PEM (WA_CA_FILE), client certificate\n"
         "     --cert_file=PEM --key_file=PEM (WA_CERT_FILE, WA_KEY_FILE)\n\n"
         "commands:\n";
  for (const Command& c : Commands()) {
    out << "  " << c.name << std::string(c.name.size() < 20 ? 20 - c.name.size() : 1, ' ') << c.help
        << "\n";
  }
}

const google::protobuf::MethodDescriptor* FindMethod(const std::string& path) {
  absl::string_view name = path;
  absl::ConsumePrefix(&name, "/");
  std::string dotted(name);
  size_t slash = dotted.find('/');
  if (slash != std::string::npos) dotted[slash] = '.';
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(dotted);
}

// Prints the contract's error (code, message, details, what to do) and
// returns the gRPC code as the exit status.
int Fail(const grpc::Status& status, const Globals& g) {
  v1::ErrorDetail detail;
  google::rpc::Status rich;
  if (rich.ParseFromString(status.error_details())) {
    for (const auto& any : rich.details()) {
      if (any.UnpackTo(&detail)) break;
    }
  }
  std::string code = detail.code().empty() ? std::string(gateway::GrpcCodeName(status.error_code()))
                                           : detail.code();
  std::cerr << "error: " << code << ": " << status.error_message() << "\n";
  if (detail.has_details() && detail.details().fields_size() > 0) {
    std::cerr << "details: " << gateway::MessageToJson(detail.details()) << "\n";
  }
  for (const std::string& option : detail.recovery_options()) {
    std::cerr << "  - " << option << "\n";
  }
  // No server answered: say where the CLI looked and how to point it elsewhere.
  if (detail.code().empty() && status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    std::cerr << "  - Is wa-server running at " << g.addr
              << "? Point wa-cli at it with --addr=HOST:PORT or WA_ADDR\n";
  }
  return status.error_code();
}

// A usage error: what is wrong, then how the command is used; exit 2.
int UsageError(const std::string& problem, const std::string& command_help) {
  std::cerr << "wa-cli: " << problem << "\n";
  if (command_help.empty()) {
    Usage(std::cerr);
  } else {
    std::cerr << "\n" << command_help;
  }
  return kUsage;
}

std::string CommandHelp(const std::string& name, const std::string& positional,
                        const std::string& help, const std::string& method_path,
                        const google::protobuf::MethodDescriptor* method) {
  std::string out = absl::StrCat("usage: wa-cli ", name, positional.empty() ? "" : " ",
                                 absl::AsciiStrToUpper(positional), " [--field=VALUE...]\n");
  if (!help.empty()) absl::StrAppend(&out, "  ", help, "\n");
  absl::StrAppend(&out, "calls ", method_path, " with ", method->input_type()->name(), ":\n",
                  DescribeFields(method->client_streaming() ? v1::MediaMetadata::descriptor()
                                                            : method->input_type()));
  return out;
}

// "hotel.whatsapp.v1.MessagesService.SendMessage", "MessagesService/SendMessage"
// or "/hotel.whatsapp.v1.MessagesService/SendMessage" -> the method.
const google::protobuf::MethodDescriptor* ResolveCallPath(const std::string& path) {
  if (const auto* m = FindMethod(path)) return m;
  return FindMethod(absl::StrCat("hotel.whatsapp.v1.", absl::StripPrefix(path, "/")));
}

std::string GrpcPath(const google::protobuf::MethodDescriptor* method) {
  return absl::StrCat("/", method->service()->full_name(), "/", method->name());
}

void Print(const google::protobuf::Message& response, const Globals& g) {
  std::string text = gateway::MessageToJson(response);
  std::cout << (g.json ? text : nlohmann::ordered_json::parse(text).dump(2)) << "\n";
}

// upload, and send-media --file=PATH: the file goes up first. The media
// kind is the request's `media_type` (the upload's own flags fill a
// MediaMetadata, the streamed request's first part).
int Upload(const Globals& g, const std::shared_ptr<grpc::Channel>& channel, const std::string& file,
           const google::protobuf::Message& kind_from, v1::Media* media) {
  const google::protobuf::FieldDescriptor* kind =
      kind_from.GetDescriptor()->FindFieldByName("media_type");
  v1::MediaType type = static_cast<v1::MediaType>(
      kind != nullptr ? kind_from.GetReflection()->GetEnumValue(kind_from, kind) : 0);
  grpc::Status status = UploadFile(channel, g.token, file, type, media);
  return status.ok() ? 0 : Fail(status, g);
}

std::vector<std::string> GlobalOptionNames() {
  return {"--addr",    "--token",     "--json",     "--tls",
          "--ca_file", "--cert_file", "--key_file", "--help"};
}

// "unknown command 'sned'; did you mean 'send'?"
std::string UnknownWord(const std::string& kind, const std::string& word,
                        const std::vector<std::string>& known) {
  std::string given = word.substr(0, word.find('='));
  std::string out = absl::StrCat("unknown ", kind, " '", given, "'");
  const std::string guess = NearestName(given, known);
  if (!guess.empty()) absl::StrAppend(&out, "; did you mean '", guess, "'?");
  return out;
}

// Options that may come anywhere: --addr, --token, --json. Returns false
// for a word that is not one.
bool GlobalOption(absl::string_view arg, Globals& g) {
  if (absl::ConsumePrefix(&arg, "--addr=")) {
    g.addr = std::string(arg);
  } else if (absl::ConsumePrefix(&arg, "--token=")) {
    g.token = std::string(arg);
  } else if (arg == "--json") {
    g.json = true;
  } else if (arg == "--tls") {
    g.tls = true;
  } else if (absl::ConsumePrefix(&arg, "--ca_file=")) {
    g.ca_file = std::string(arg);
  } else if (absl::ConsumePrefix(&arg, "--cert_file=")) {
    g.cert_file = std::string(arg);
  } else if (absl::ConsumePrefix(&arg, "--key_file=")) {
    g.key_file = std::string(arg);
  } else {
    return false;
  }
  return true;
}

// What one invocation asks: the command, its method, and the words that
// fill its request.
struct Invocation {
  std::string name;
  std::string method_path, positional, help;
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string command_help;
  std::vector<std::string> words;
  std::string file, csv;
  bool follow = true;
};

// The options before the command; an exit code when there is nothing to
// run (--help, a mistake, no command). `i` ends on the command.
std::optional<int> ParseGlobalOptions(int argc, char** argv, Globals& g, int& i) {
  for (i = 1; i < argc && absl::StartsWith(argv[i], "--"); ++i) {
    absl::string_view arg = argv[i];
    if (GlobalOption(arg, g)) continue;
    if (arg == "--help") {
      Usage(std::cout);
      return 0;
    }
    return UsageError(UnknownWord("option", std::string(arg), GlobalOptionNames()), "");
  }
  if (i >= argc || std::string(argv[i]) == "help") {
    Usage(i >= argc ? std::cerr : std::cout);
    return i >= argc ? kUsage : 0;
  }
  return std::nullopt;
}

// The command at argv[i] and its method: a named command, or `call` with a
// method path. `i` ends on the command's first word.
std::optional<int> ResolveCommand(int argc, char** argv, int& i, Invocation& run) {
  run.name = argv[i++];
  if (run.name == "call") {
    if (i >= argc) {
      return UsageError("call needs a method: /hotel.whatsapp.v1.SERVICE/METHOD", "");
    }
    run.method = ResolveCallPath(argv[i]);
    if (run.method == nullptr) {
      return UsageError(
          absl::StrCat("no method ", argv[i], " (write /hotel.whatsapp.v1.SERVICE/METHOD)"), "");
    }
    run.method_path = GrpcPath(run.method);
    ++i;
  } else if (const Command* command = FindCommand(run.name)) {
    run.method_path = command->method;
    run.positional = command->positional;
    run.help = command->help;
    run.method = FindMethod(run.method_path);
  } else {
    std::vector<std::string> names = {"call", "help"};
    for (const Command& c : Commands()) names.push_back(c.name);
    return UsageError(UnknownWord("command", run.name, names), "");
  }
  if (run.method == nullptr) return UsageError(absl::StrCat("no method ", run.method_path), "");
  run.command_help = CommandHelp(run.name, run.positional, run.help, run.method_path, run.method);
  return std::nullopt;
}

// The command's words: its own options (spelled as on the command line)
// and the request's fields; global options may come here too.
std::optional<int> ParseCommandWords(int argc, char** argv, int i, Globals& g, Invocation& run) {
  for (; i < argc; ++i) {
    absl::string_view word = argv[i];
    if (word == "--help") {
      std::cout << run.command_help;
      return 0;
    }
    if (absl::ConsumePrefix(&word, "--file=")) {
      run.file = std::string(word);
    } else if (absl::ConsumePrefix(&word, "--csv=")) {
      run.csv = std::string(word);
    } else if (word == "--no-follow") {
      run.follow = false;
    } else if (run.name == "watch" && absl::ConsumePrefix(&word, "--conversation=")) {
      run.words.push_back(absl::StrCat("--conversation_id=", word));
    } else if (run.name != "test-rules" && absl::ConsumePrefix(&word, "--at=")) {
      run.words.push_back(absl::StrCat("--send_at=", word));  // a send's or a reschedule's time
    } else if (absl::ConsumePrefix(&word, "--valid-until=")) {
      run.words.push_back(absl::StrCat("--valid_until=", word));
    } else if (!GlobalOption(word, g)) {
      run.words.push_back(argv[i]);
    }
  }
  return std::nullopt;
}

// Fills `request` from the CSV file and the words, and checks it is whole
// before anything is sent.
std::optional<int> BuildRequest(const Invocation& run, bool upload_only,
                                google::protobuf::Message* request) {
  if (!run.csv.empty()) {
    absl::StatusOr<v1::BatchSendMessagesRequest> rows = ReadBatchCsv(run.csv);
    if (!rows.ok() || request->GetDescriptor() != rows->GetDescriptor()) {
      std::cerr << "error: INVALID_ARGUMENT: "
                << (rows.ok() ? "--csv is for the batch command" : rows.status().message()) << "\n";
      return kUsage;
    }
    request->CopyFrom(*rows);
  } else if (run.name == "batch") {
    return UsageError("batch needs --csv=FILE", run.command_help);
  }
  if (absl::Status s = FillRequest(run.words, run.positional, request); !s.ok()) {
    return UsageError(std::string(s.message()), run.command_help);
  }
  if (upload_only && run.file.empty()) {
    return UsageError("upload needs --file=PATH", run.command_help);
  }
  if (!run.positional.empty()) {
    const auto* field = request->GetDescriptor()->FindFieldByName(run.positional);
    if (field != nullptr && request->GetReflection()->GetString(*request, field).empty()) {
      return UsageError(absl::StrCat(run.name, " needs its ", run.positional), run.command_help);
    }
  }
  // A send-media --file fills media_id after the upload.
  if (absl::Status s = gateway::CheckRequiredFields(*request);
      !s.ok() && !(run.file.size() > 0 && absl::StrContains(s.message(), "media_id"))) {
    return UsageError(std::string(s.message()), run.command_help);
  }
  return std::nullopt;
}

// --file: uploads the file; an upload command ends there, send-media goes
// on to send it (its media_id is filled in).
std::optional<int> UploadFile(const Globals& g, const std::shared_ptr<grpc::Channel>& channel,
                              const Invocation& run, bool upload_only,
                              google::protobuf::Message* request) {
  v1::Media media;
  if (int rc = Upload(g, channel, run.file, *request, &media); rc != 0) return rc;
  if (upload_only) {
    Print(media, g);
    return 0;
  }
  const auto* id = request->GetDescriptor()->FindFieldByName("media_id");
  if (id == nullptr) {
    std::cerr << run.name << " takes no --file\n";
    return kUsage;
  }
  request->GetReflection()->SetString(request, id, media.media_id());
  return std::nullopt;
}

// The call itself: a watch streams, a batch is followed to its end.
int Call(const Globals& g, const std::shared_ptr<grpc::Channel>& channel,
         gateway::GrpcInvoker& invoker, const Invocation& run, google::protobuf::Message* request,
         google::protobuf::Arena& arena) {
  const google::protobuf::MethodDescriptor* method = run.method;
  if (method->server_streaming() && method->input_type() == v1::StreamEventsRequest::descriptor()) {
    grpc::Status watched =
        Watch(channel, g.token, *static_cast<v1::StreamEventsRequest*>(request), g.json);
    return watched.ok() ? 0 : Fail(watched, g);
  }
  google::protobuf::Message* response = invoker.NewMessage(method->output_type(), &arena);
  gateway::CallMetadata metadata;
  if (!g.token.empty()) metadata.emplace_back("authorization", "Bearer " + g.token);
  grpc::Status status = invoker.Call(run.method_path, *request, response, metadata);
  if (!status.ok()) return Fail(status, g);
  Print(*response, g);
  if (run.name == "batch" && run.follow) {
    v1::Batch batch;
    status = FollowBatch(channel, g.token,
                         static_cast<v1::BatchSendMessagesResponse*>(response)->batch_id(), &batch);
    if (!status.ok()) return Fail(status, g);
    Print(batch, g);
  }
  return 0;
}

int Run(int argc, char** argv) {
  LinkContract();
  Globals g{
      Env("WA_ADDR", "127.0.0.1:50051"), Env("WA_TOKEN", ""),   false, false, Env("WA_CA_FILE", ""),
      Env("WA_CERT_FILE", ""),           Env("WA_KEY_FILE", "")};
  int i = 1;
  if (std::optional<int> exit = ParseGlobalOptions(argc, argv, g, i)) return *exit;
  Invocation run;
  if (std::optional<int> exit = ResolveCommand(argc, argv, i, run)) return *exit;
  if (std::optional<int> exit = ParseCommandWords(argc, argv, i, g, run)) return *exit;
  auto channel = OpenChannel(g);
  gateway::GrpcInvoker invoker(channel);
  google::protobuf::Arena arena;
  bool upload_only = run.method->client_streaming();
  google::protobuf::Message* request =
      upload_only ? google::protobuf::Arena::CreateMessage<v1::MediaMetadata>(&arena)
                  : invoker.NewMessage(run.method->input_type(), &arena);
  if (std::optional<int> exit = BuildRequest(run, upload_only, request)) return *exit;
  if (!run.file.empty()) {
    if (std::optional<int> exit = UploadFile(g, channel, run, upload_only, request)) return *exit;
  }
  return Call(g, channel, invoker, run, request, arena);
}

}  // namespace
}  // namespace wa::cli

int main(int argc, char** argv) { return wa::cli::Run(argc, argv); }
