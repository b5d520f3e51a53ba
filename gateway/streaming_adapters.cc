// HttpGateway's streaming adapters: routes whose body is read by the
// adapter as it arrives (multipart media uploads of up to 100 MB) instead
// of being buffered whole like every other request's.
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/http_gateway.h"
#include "gateway/http_response.h"
#include "gateway/limited_server.h"

namespace wa::gateway {
namespace {

std::string RegexEscape(absl::string_view literal) {
  std::string out;
  for (char c : literal) {
    if (std::string_view(R"(\^$.|?*+()[]{}-)").find(c) != std::string_view::npos)
      out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// httplib routes by regular expression over the decoded path; the template
// is matched again on the raw path for its bindings.
std::string PathRegex(const PathTemplate& path) {
  std::string out;
  for (const PathTemplate::Segment& segment : path.segments()) {
    switch (segment.kind) {
      case PathTemplate::SegmentKind::kLiteral:
        absl::StrAppend(&out, "/", RegexEscape(segment.literal));
        break;
      case PathTemplate::SegmentKind::kSingle:
        out.append("/[^/]+");
        break;
      case PathTemplate::SegmentKind::kMulti:
        out.append("(/.*)?");
        break;
    }
  }
  if (!path.verb().empty()) absl::StrAppend(&out, ":", RegexEscape(path.verb()));
  return out;
}

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
HttpGateway::BoundAdapterHandler Buffered(HttpGateway::StreamingAdapterHandler handler) {
  return [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res,
                                        const PathBindings& bindings) {
    handler(req, res, bindings, BufferedReader(req));
  };
}

}  // namespace

void HttpGateway::AddStreamingAdapter(std::string method, std::string path_pattern,
                                      StreamingAdapterHandler handler) {
  AddAdapterEntry(AdapterBinding::ForPath(std::move(method), std::move(path_pattern)),
                  Buffered(handler), handler, 0);
}

void HttpGateway::AddStreamingRpcAdapter(std::string rpc, StreamingAdapterHandler handler) {
  AddAdapterEntry(AdapterBinding::ForRpc(std::move(rpc)), Buffered(handler), handler, 0);
}

absl::Status HttpGateway::CheckStreamingAdapters() const {
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

bool HttpGateway::IsStreamingTarget(const httplib::Request& req) const {
  const Adapter* adapter = AdapterFor(req);
  return adapter != nullptr && adapter->streaming != nullptr;
}

void HttpGateway::InstallStreamingAdapters(httplib::Server& server) {
  for (const Route& route : routes_->routes()) {
    if (route.adapter == Route::kTranscoded) continue;
    const StreamingAdapterHandler& run = adapters_[route.adapter].streaming;
    if (run == nullptr) continue;
    httplib::Server::HandlerWithContentReader handler =
        [path = route.path, run](const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader& body) {
          LimitedServer::AllowStreamingBody();  // 100 MB may take longer than one request
          PathBindings bindings;
          if (!path.Match(PathOf(req), &bindings)) {
            WriteGatewayError(res, 404, "NOT_FOUND",
                              absl::StrCat("no route for ", req.method, " ", PathOf(req)));
            return;
          }
          run(req, res, bindings, body);
        };
    const std::string pattern = PathRegex(route.path);
    if (route.http_method == "POST") server.Post(pattern, handler);
    if (route.http_method == "PUT") server.Put(pattern, handler);
    if (route.http_method == "PATCH") server.Patch(pattern, handler);
    if (route.http_method == "DELETE") server.Delete(pattern, handler);
  }
}

}  // namespace wa::gateway
