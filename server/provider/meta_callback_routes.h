#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace wa::provider {

// The part of a raw Meta notification that is routed by `route_key`
// (domain::AccountRouteKey): the changes whose value.metadata names that
// phone_number_id, or, for changes without metadata (template events),
// whose entry is that business account. Meta's own shape, so that it can
// be kept and parsed again later; empty when nothing matches or the body is
// not JSON.
std::string NotificationPart(absl::string_view raw_body, const std::string& route_key);

}  // namespace wa::provider
