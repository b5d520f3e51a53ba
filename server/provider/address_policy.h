#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace wa::provider {

// What an IP address is, for deciding whether the service may post to it.
enum class AddressKind {
  kPublic,
  kLoopback,     // 127.0.0.0/8, ::1
  kPrivate,      // RFC 1918, 100.64.0.0/10 (CGNAT), fc00::/7 (ULA), fec0::/10 (site-local)
  kLinkLocal,    // 169.254.0.0/16, fe80::/10
  kMetadata,     // 169.254.169.254, fd00:ec2::254: cloud instance metadata
  kUnspecified,  // 0.0.0.0/8, ::
  kReserved,     // multicast, broadcast, 240.0.0.0/4, documentation ranges, and the
                 // transition ranges: NAT64, 6to4, Teredo, IPv4-compatible ::a.b.c.d
};

// Classifies a numeric IPv4 or IPv6 address ("10.0.0.1", "::1"); IPv4
// mapped into IPv6 (::ffff:10.0.0.1) counts as the IPv4 address. Text that
// is not an address is kReserved.
AddressKind ClassifyAddress(absl::string_view address);

// "private address 10.0.0.1" and the like, for error messages.
std::string DescribeKind(AddressKind kind);

}  // namespace wa::provider
