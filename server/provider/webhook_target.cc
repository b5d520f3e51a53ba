#include "server/provider/webhook_target.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/provider/address_policy.h"

namespace wa::provider {
namespace {

struct UrlParts {
  std::string scheme;
  std::string host;
  int port = 0;
};

std::string UrlPart(CURLU* handle, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(handle, part, &value, part == CURLUPART_PORT ? CURLU_DEFAULT_PORT : 0) !=
          CURLUE_OK ||
      value == nullptr) {
    return "";
  }
  std::string out(value);
  curl_free(value);
  return out;
}

absl::StatusOr<UrlParts> ParseUrl(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), &curl_url_cleanup);
  if (handle == nullptr || curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return absl::InvalidArgumentError(absl::StrCat("webhook_url is not a valid URL: '", url, "'"));
  }
  UrlParts parts;
  parts.scheme = absl::AsciiStrToLower(UrlPart(handle.get(), CURLUPART_SCHEME));
  parts.host = absl::AsciiStrToLower(UrlPart(handle.get(), CURLUPART_HOST));
  if (parts.scheme != "http" && parts.scheme != "https") {
    return absl::InvalidArgumentError(
        absl::StrCat("webhook_url must be an https URL (got scheme '", parts.scheme, "')"));
  }
  if (parts.host.empty()) return absl::InvalidArgumentError("webhook_url has no host");
  if (parts.host.front() == '[' && parts.host.back() == ']') {
    parts.host = parts.host.substr(1, parts.host.size() - 2);
  }
  if (!absl::SimpleAtoi(UrlPart(handle.get(), CURLUPART_PORT), &parts.port)) {
    return absl::InvalidArgumentError("webhook_url has an invalid port");
  }
  return parts;
}

bool IsIpLiteral(const std::string& host) {
  unsigned char buffer[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

absl::StatusOr<std::vector<std::string>> Resolve(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot resolve host '", host, "': ", gai_strerror(rc)));
  }
  std::vector<std::string> addresses;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {0};
    const void* raw =
        a->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    if (inet_ntop(a->ai_family, raw, text, sizeof(text)) == nullptr) continue;
    if (std::find(addresses.begin(), addresses.end(), text) == addresses.end()) {
      addresses.push_back(text);
    }
  }
  freeaddrinfo(found);
  if (addresses.empty()) return absl::UnavailableError(absl::StrCat("no address for '", host, "'"));
  return addresses;
}

// The host names a loopback address on purpose, as a local receiver does.
bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" ||
         (IsIpLiteral(host) && ClassifyAddress(host) == AddressKind::kLoopback);
}

bool IsAllowedHost(const std::string& host, const TargetPolicy& policy) {
  return std::any_of(
      policy.allowed_hosts.begin(), policy.allowed_hosts.end(),
      [&](const std::string& allowed) { return absl::EqualsIgnoreCase(allowed, host); });
}

absl::Status CheckAddress(const std::string& host, const std::string& address, bool loopback_host,
                          bool allowed_host) {
  AddressKind kind = ClassifyAddress(address);
  if (kind == AddressKind::kPublic) return absl::OkStatus();
  if (kind == AddressKind::kMetadata) {
    return absl::InvalidArgumentError(
        absl::StrCat("webhook_url resolves to a cloud metadata address (", address, ")"));
  }
  if (kind == AddressKind::kLoopback && loopback_host) return absl::OkStatus();
  if (allowed_host) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("webhook_url host '", host, "' resolves to a ", DescribeKind(kind), " address (",
                   address, "); an operator can allow it with --webhook_allowed_hosts"));
}

std::string ResolveEntry(const UrlParts& parts, const std::vector<std::string>& addresses) {
  std::vector<std::string> pinned;
  for (const std::string& a : addresses) {
    pinned.push_back(absl::StrContains(a, ':') ? absl::StrCat("[", a, "]") : a);
  }
  return absl::StrCat(parts.host, ":", parts.port, ":", absl::StrJoin(pinned, ","));
}

}  // namespace

absl::StatusOr<WebhookTarget> ResolveWebhookTarget(const std::string& url,
                                                   const TargetPolicy& policy) {
  absl::StatusOr<UrlParts> parts = ParseUrl(url);
  if (!parts.ok()) return parts.status();
  bool loopback_host = policy.allow_loopback && IsLoopbackHost(parts->host);
  bool allowed_host = IsAllowedHost(parts->host, policy);
  if (parts->scheme != "https" && !loopback_host && !allowed_host) {
    return absl::InvalidArgumentError(
        "webhook_url must use https (plain http only for loopback or an operator-allowed host)");
  }
  absl::StatusOr<std::vector<std::string>> addresses = Resolve(parts->host);
  if (!addresses.ok()) return addresses.status();
  for (const std::string& address : *addresses) {
    if (absl::Status s = CheckAddress(parts->host, address, loopback_host, allowed_host); !s.ok()) {
      return s;
    }
  }
  WebhookTarget target;
  target.url = url;
  target.scheme = parts->scheme;
  target.host = parts->host;
  target.port = parts->port;
  target.addresses = *addresses;
  if (!IsIpLiteral(parts->host)) target.resolve_entry = ResolveEntry(*parts, *addresses);
  return target;
}

}  // namespace wa::provider
