#pragma once

#include <string>

#include "absl/status/status.h"
#include "server/domain/media_service.h"
#include "server/provider/meta_callback_parser.h"
#include "server/provider/provider.h"

namespace wa::workers {

// Brings a file a guest sent through Meta into our own storage before the
// notification naming it is applied: Meta's URL for it lasts minutes and
// its id days. The message then names our copy, as a sandbox one does:
// payload[kind].id is our media id (Meta's kept as provider_media_id) and
// payload.media_url where it is served.
class GuestMediaFetcher {
 public:
  GuestMediaFetcher(domain::MediaService& media, provider::Provider& provider)
      : media_(media), provider_(provider) {}

  // Downloads with the token of `number` (the one the guest wrote to) into
  // its property's media. UNAVAILABLE when a later try may succeed; any
  // other error means the file will not be had (the message is kept
  // without our copy).
  absl::Status Fetch(const provider::SenderAccount& number, provider::MetaInbound& message);

 private:
  domain::MediaService& media_;
  provider::Provider& provider_;
};

}  // namespace wa::workers
