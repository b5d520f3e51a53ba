#ifndef WA_GATEWAY_ROUTE_TABLE_H_
#define WA_GATEWAY_ROUTE_TABLE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/path_template.h"
#include "google/protobuf/descriptor.h"

namespace wa::gateway {

// One REST binding of an RPC, taken from its google.api.http option.
struct Route {
  std::string http_method;  // upper-case: GET, POST, ... or a custom kind
  PathTemplate path;
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string grpc_path;      // "/package.Service/Method", as gRPC names it
  std::string body;           // "", "*" or a top-level field name
  std::string response_body;  // "" or a top-level field name of the response
  // Client- or server-streaming RPCs cannot be transcoded generically; their
  // routes stay in the table so that named adapters (or a clear 501) serve them.
  bool streaming = false;
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

// The REST routes of a set of services, built once at start-up from the
// descriptors' google.api.http options and read-only afterwards (so lookups
// need no locking).
class RouteTable {
 public:
  // `services` are fully-qualified names ("hotel.whatsapp.v1.MessagesService").
  // Fails on an unknown service, a malformed template, or a body/path
  // variable naming a field the request message does not have.
  static absl::StatusOr<RouteTable> Build(const std::vector<std::string>& services,
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

  std::vector<Route> routes_;
};

}  // namespace wa::gateway

#endif  // WA_GATEWAY_ROUTE_TABLE_H_
