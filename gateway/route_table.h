#ifndef WA_GATEWAY_ROUTE_TABLE_H_
#define WA_GATEWAY_ROUTE_TABLE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/json_transcoder.h"
#include "gateway/path_template.h"
#include "google/protobuf/descriptor.h"

namespace wa::gateway {

// One REST binding of an RPC, taken from its google.api.http option, or a
// named adapter's route that is no RPC (a document such as /healthz).
struct Route {
  std::string http_method;  // upper-case: GET, POST, ... or a custom kind
  PathTemplate path;
  const google::protobuf::MethodDescriptor* method = nullptr;  // null: no RPC
  std::string grpc_path;      // "/package.Service/Method", as gRPC names it
  std::string body;           // "", "*" or a top-level field name
  std::string response_body;  // "" or a top-level field name of the response
  // Client- or server-streaming RPCs cannot be transcoded generically; their
  // routes stay in the table so that named adapters (or a clear 501) serve them.
  bool streaming = false;
  // Resolved when the table is built: a request only looks them up.
  RequestBinding request;
  const google::protobuf::FieldDescriptor* response_field = nullptr;
  // The named adapter that serves this route (its AdapterBinding::id), or
  // kTranscoded.
  static constexpr int kTranscoded = -1;
  int adapter = kTranscoded;
};

// A named adapter's place in the table: the routes of an RPC's
// google.api.http option, or, for what is no RPC, a method and a template.
struct AdapterBinding {
  static AdapterBinding ForRpc(std::string rpc) {
    AdapterBinding b;
    b.rpc = std::move(rpc);
    return b;
  }
  static AdapterBinding ForPath(std::string http_method, std::string path) {
    AdapterBinding b;
    b.http_method = std::move(http_method);
    b.path = std::move(path);
    return b;
  }

  int id = 0;
  std::string rpc;  // full method name: "hotel.whatsapp.v1.MediaService.UploadMedia"
  std::string http_method;
  std::string path;
};

struct RouteLookup {
  enum class Result { kFound, kNoSuchPath, kMethodNotAllowed };
  Result result = Result::kNoSuchPath;
  const Route* route = nullptr;  // set when kFound
  PathBindings bindings;         // set when kFound
  // Methods that would match the path (for the Allow header), when
  // kMethodNotAllowed.
  std::vector<std::string> allowed_methods;
};

// The gateway's one matcher: the REST routes of a set of services, built
// once at start-up from the descriptors' google.api.http options, with the
// named adapters in place, and read-only afterwards (so lookups need no
// locking). It knows no socket: routing is tested on its own.
class RouteTable {
 public:
  // `services` are fully-qualified names ("hotel.whatsapp.v1.MessagesService").
  // Fails on an unknown service, a malformed template, or a body/path
  // variable naming a field the request message does not have. An adapter
  // bound to an RPC serves every route of its google.api.http option (which
  // it must have), whether or not its service is among `services`.
  static absl::StatusOr<RouteTable> Build(const std::vector<std::string>& services,
                                          const google::protobuf::DescriptorPool* pool =
                                              google::protobuf::DescriptorPool::generated_pool());
  static absl::StatusOr<RouteTable> Build(const std::vector<std::string>& services,
                                          const std::vector<AdapterBinding>& adapters,
                                          const google::protobuf::DescriptorPool* pool =
                                              google::protobuf::DescriptorPool::generated_pool());

  // `raw_path` is percent-encoded and carries no query string. HEAD is looked
  // up as GET. When several templates match, the most specific wins (see
  // PathTemplate::ComparePrecedence), then the one declared first.
  RouteLookup Lookup(absl::string_view http_method, absl::string_view raw_path) const;
  RouteLookup Lookup(absl::string_view http_method, const RequestPath& path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  absl::Status AddMethod(const google::protobuf::MethodDescriptor* method);
  absl::Status AddAdapter(const AdapterBinding& adapter,
                          const google::protobuf::DescriptorPool* pool);

  std::vector<Route> routes_;
};

}  // namespace wa::gateway

#endif  // WA_GATEWAY_ROUTE_TABLE_H_
