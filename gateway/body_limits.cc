// HttpGateway's bounds on request bodies, applied before routing, before a
// byte of the body is read: a hostile client (unauthenticated, to an
// unknown path) can make the server hold at most its route's cap, and only
// while the server's body memory has room for it.
#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/request_id.h"
#include "gateway/http_gateway.h"
#include "gateway/http_response.h"
#include "gateway/limited_server.h"

namespace wa::gateway {
namespace {

using HandlerResponse = httplib::Server::HandlerResponse;

bool IsChunked(const httplib::Request& req) {
  return absl::EqualsIgnoreCase(req.get_header_value("Transfer-Encoding"), "chunked");
}

// Whether httplib will read a body for `req` (its expect_content, and the
// DELETE without a length it skips).
bool CarriesBody(const httplib::Request& req, uint64_t declared_length) {
  const std::string& m = req.method;
  if (m != "POST" && m != "PUT" && m != "PATCH" && m != "DELETE") return false;
  if (IsChunked(req)) return true;
  if (req.has_header("Content-Length")) return declared_length > 0;
  return m != "DELETE";  // read until the client closes
}

// A POST, PUT or PATCH with neither a length nor chunks: RFC 9112 6.3 says
// its body is empty.
bool HasNoBody(const httplib::Request& req) {
  const std::string& m = req.method;
  return (m == "POST" || m == "PUT" || m == "PATCH") && !req.has_header("Content-Length") &&
         !req.has_header("Transfer-Encoding");
}

// Chunk framing on the wire beyond the body itself: a client sending a
// body near its cap in small chunks is still served.
size_t WireCap(size_t body_cap) { return body_cap + body_cap / 4 + 16 * 1024; }

// An answer given with the body unread: the connection cannot go on.
HandlerResponse Refuse(httplib::Response& res, int status, absl::string_view code,
                       absl::string_view message) {
  WriteGatewayError(res, status, code, message);
  res.set_header("Connection", "close");
  LimitedServer::CloseAfterAnswer();
  return HandlerResponse::Handled;
}

}  // namespace

HandlerResponse HttpGateway::PreRoute(const httplib::Request& req, httplib::Response& res) const {
  // Every answer carries the request's id; handlers forward it to the RPC.
  res.set_header(kRequestIdHeader, RequestIdFor(req));
  uint64_t declared = 0;
  if (req.has_header("Content-Length") &&
      !absl::SimpleAtoi(req.get_header_value("Content-Length"), &declared)) {
    return Refuse(res, 400, "INVALID_ARGUMENT", "malformed Content-Length");
  }
  if (HasNoBody(req) && !router_.BodyRuleFor(req).streaming) {
    // httplib would wait for the client to close and answer 400; HTTP says
    // such a request has an empty body, which is the JSON object {}.
    router_.Handle(req, res);
    return HandlerResponse::Handled;
  }
  if (!CarriesBody(req, declared)) return HandlerResponse::Unhandled;
  // httplib would inflate gzip or deflate into memory with no bound on the
  // inflated size; no client of this API needs to compress its requests.
  std::string encoding = req.get_header_value("Content-Encoding");
  if (!encoding.empty() && !absl::EqualsIgnoreCase(encoding, "identity")) {
    return Refuse(res, 415, "UNSUPPORTED_MEDIA_TYPE",
                  "Content-Encoding is not accepted; send the body uncompressed");
  }
  const HttpRouter::BodyRule body = router_.BodyRuleFor(req);
  const size_t cap = body.cap;
  if (declared > cap) {
    return Refuse(res, 413, "PAYLOAD_TOO_LARGE",
                  absl::StrCat("request body exceeds ", cap, " bytes"));
  }
  // What the body will hold: its length, or its cap when it has none.
  // Streamed bodies go to disk as they arrive and are not held.
  const bool sized = req.has_header("Content-Length") && !IsChunked(req);
  const size_t reserve = body.streaming ? 0 : sized ? declared : cap;
  if (!LimitedServer::AdmitBody(WireCap(cap), reserve)) {
    res.set_header("Retry-After", "1");
    return Refuse(res, 503, "UNAVAILABLE", "too many requests in progress; retry shortly");
  }
  return HandlerResponse::Unhandled;
}

}  // namespace wa::gateway
