#include "server/workers/media_copies.h"

#include "absl/strings/str_cat.h"

namespace wa::workers {

absl::StatusOr<std::string> MediaCopies::ProviderMediaId(const std::string& property_id,
                                                         const std::string& media_id,
                                                         const provider::SenderAccount& from) {
  // One copy per provider and sending number.
  std::string copy = provider_.Name();
  if (!from.phone_number_id.empty()) absl::StrAppend(&copy, ":", from.phone_number_id);
  return media_.ProviderMediaId(property_id, media_id, copy,
                                [this, &from](const std::string& path, const std::string& mime) {
                                  return provider_.UploadMedia(from, path, mime);
                                });
}

}  // namespace wa::workers
