#include "server/provider/address_policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <initializer_list>

namespace wa::provider {
namespace {

bool InRange(uint32_t ip, uint32_t base, int prefix) {
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return (ip & mask) == (base & mask);
}

constexpr uint32_t Ip(int a, int b, int c, int d) {
  return (uint32_t(a) << 24) | (uint32_t(b) << 16) | (uint32_t(c) << 8) | uint32_t(d);
}

AddressKind ClassifyV4(uint32_t ip) {
  if (ip == Ip(169, 254, 169, 254)) return AddressKind::kMetadata;
  if (InRange(ip, Ip(127, 0, 0, 0), 8)) return AddressKind::kLoopback;
  if (InRange(ip, Ip(0, 0, 0, 0), 8)) return AddressKind::kUnspecified;
  if (InRange(ip, Ip(10, 0, 0, 0), 8) || InRange(ip, Ip(172, 16, 0, 0), 12) ||
      InRange(ip, Ip(192, 168, 0, 0), 16) || InRange(ip, Ip(100, 64, 0, 0), 10)) {
    return AddressKind::kPrivate;
  }
  if (InRange(ip, Ip(169, 254, 0, 0), 16)) return AddressKind::kLinkLocal;
  if (InRange(ip, Ip(224, 0, 0, 0), 4) || InRange(ip, Ip(240, 0, 0, 0), 4) ||
      InRange(ip, Ip(192, 0, 0, 0), 24) || InRange(ip, Ip(192, 0, 2, 0), 24) ||
      InRange(ip, Ip(198, 18, 0, 0), 15) || InRange(ip, Ip(198, 51, 100, 0), 24) ||
      InRange(ip, Ip(203, 0, 113, 0), 24)) {
    return AddressKind::kReserved;
  }
  return AddressKind::kPublic;
}

bool StartsWith(const unsigned char* b, std::initializer_list<unsigned char> prefix) {
  return std::equal(prefix.begin(), prefix.end(), b);
}

// NAT64 (64:ff9b::/96, and the local-use 64:ff9b:1::/48), 6to4 (2002::/16),
// Teredo (2001::/32) and IPv4-compatible addresses (::a.b.c.d).
bool IsTransition(const unsigned char* b) {
  static const unsigned char kZero[12] = {0};
  return StartsWith(b, {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}) ||
         StartsWith(b, {0, 0x64, 0xff, 0x9b, 0, 0x01}) || StartsWith(b, {0x20, 0x02}) ||
         StartsWith(b, {0x20, 0x01, 0, 0}) || std::memcmp(b, kZero, 12) == 0;
}

AddressKind ClassifyV6(const unsigned char* b) {
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, kMapped, 12) == 0) {
    return ClassifyV4(Ip(b[12], b[13], b[14], b[15]));
  }
  static const unsigned char kZero[16] = {0};
  if (std::memcmp(b, kZero, 15) == 0) {
    return b[15] == 1 ? AddressKind::kLoopback : AddressKind::kUnspecified;
  }
  // fd00:ec2::254, AWS's IPv6 metadata endpoint.
  static const unsigned char kAwsMetadata[16] = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0,    0,
                                                 0,    0,    0,    0,    0, 0, 0x02, 0x54};
  if (std::memcmp(b, kAwsMetadata, 16) == 0) return AddressKind::kMetadata;
  // Transition ranges carry an IPv4 address a gateway may forward to
  // (loopback and private ones included): never a hotel's endpoint.
  if (IsTransition(b)) return AddressKind::kReserved;
  if ((b[0] & 0xfe) == 0xfc) return AddressKind::kPrivate;                    // fc00::/7
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return AddressKind::kPrivate;    // fec0::/10
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return AddressKind::kLinkLocal;  // fe80::/10
  if (b[0] == 0xff) return AddressKind::kReserved;                            // multicast
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) {
    return AddressKind::kReserved;  // 2001:db8::/32, documentation
  }
  return AddressKind::kPublic;
}

}  // namespace

AddressKind ClassifyAddress(absl::string_view address) {
  std::string text(address);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return ClassifyV4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) return ClassifyV6(v6.s6_addr);
  return AddressKind::kReserved;
}

std::string DescribeKind(AddressKind kind) {
  switch (kind) {
    case AddressKind::kPublic:
      return "public";
    case AddressKind::kLoopback:
      return "loopback";
    case AddressKind::kPrivate:
      return "private";
    case AddressKind::kLinkLocal:
      return "link-local";
    case AddressKind::kMetadata:
      return "cloud metadata";
    case AddressKind::kUnspecified:
      return "unspecified";
    case AddressKind::kReserved:
      return "reserved";
  }
  return "unknown";
}

}  // namespace wa::provider
