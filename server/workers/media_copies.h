#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "server/domain/media_service.h"
#include "server/provider/provider.h"

namespace wa::workers {

// Our uploads as the provider knows them: a media message names our media
// id, the provider wants its own. An upload reaches the provider under the
// sending number on that number's first send, then that copy is reused
// (MediaService keeps the provider's id per copy).
class MediaCopies {
 public:
  MediaCopies(domain::MediaService& media, provider::Provider& provider)
      : media_(media), provider_(provider) {}

  // The provider's id for `media_id` of `property_id` sent from `from`,
  // uploading the file if there is no live copy there.
  absl::StatusOr<std::string> ProviderMediaId(const std::string& property_id,
                                              const std::string& media_id,
                                              const provider::SenderAccount& from);

 private:
  domain::MediaService& media_;
  provider::Provider& provider_;
};

}  // namespace wa::workers
