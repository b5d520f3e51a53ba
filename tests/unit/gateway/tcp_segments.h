#pragma once

#include <cstdint>

namespace wa::gateway::testing {

// Segments that carried data to this end of the TCP socket `fd` so far
// (pure ACKs not counted), from the kernel's TCP_INFO. Apart from the
// tests' other sources because glibc's <netinet/tcp.h>, which httplib.h
// includes, predates the field and clashes with <linux/tcp.h>.
uint32_t DataSegmentsIn(int fd);

}  // namespace wa::gateway::testing
