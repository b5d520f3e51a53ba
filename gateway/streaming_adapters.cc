// HttpRouter's streaming adapters: routes whose body is read by the
// adapter as it arrives (multipart media uploads of up to 100 MB) instead
// of being buffered whole like every other request's.
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/http_router.h"

namespace wa::gateway {
namespace {

// A body httplib has already read (a request that did not come through the
// streaming route, e.g. one without a body), offered through the same
// interface.
httplib::ContentReader BufferedReader(const httplib::Request& req) {
  return httplib::ContentReader(
      [&req](httplib::ContentReceiver receiver) {
        return req.body.empty() || receiver(req.body.data(), req.body.size());
      },
      [&req](httplib::MultipartContentHeader header, httplib::ContentReceiver receiver) {
        for (const auto& [name, file] : req.files) {
          if (!header(file) || !receiver(file.content.data(), file.content.size())) return false;
        }
        return true;
      });
}

// Requests httplib read whole anyway (no body) reach the same handler.
HttpRouter::BoundAdapterHandler Buffered(HttpRouter::StreamingAdapterHandler handler) {
  return [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res,
                                        const PathBindings& bindings) {
    handler(req, res, bindings, BufferedReader(req));
  };
}

}  // namespace

void HttpRouter::AddStreamingAdapter(std::string method, std::string path_pattern,
                                     StreamingAdapterHandler handler) {
  AddAdapterEntry(AdapterBinding::ForPath(std::move(method), std::move(path_pattern)),
                  Buffered(handler), handler, 0);
}

void HttpRouter::AddStreamingRpcAdapter(std::string rpc, StreamingAdapterHandler handler) {
  AddAdapterEntry(AdapterBinding::ForRpc(std::move(rpc)), Buffered(handler), handler, 0);
}

absl::Status HttpRouter::CheckStreamingAdapters() const {
  for (const Route& route : routes_->routes()) {
    if (route.adapter == Route::kTranscoded || !adapters_[route.adapter].streaming) continue;
    const std::string& m = route.http_method;
    if (m != "POST" && m != "PUT" && m != "PATCH" && m != "DELETE") {
      return absl::InvalidArgumentError(
          absl::StrCat("bad adapter path: streaming adapter for ", m, " ", route.path.text(),
                       ": only POST, PUT, PATCH and DELETE carry bodies"));
    }
  }
  return absl::OkStatus();
}

std::vector<HttpRouter::StreamingRoute> HttpRouter::StreamingRoutes() const {
  std::vector<StreamingRoute> out;
  for (const Route& route : routes_->routes()) {
    if (route.adapter == Route::kTranscoded) continue;
    const StreamingAdapterHandler& run = adapters_[route.adapter].streaming;
    if (run != nullptr) out.push_back({&route, &run});
  }
  return out;
}

}  // namespace wa::gateway
