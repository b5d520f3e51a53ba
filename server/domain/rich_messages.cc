// MessagingService's interactive and media sends: their own checks, then
// the same consent, window and queueing as text (Enqueue).
#include "absl/strings/str_cat.h"
#include "server/domain/errors.h"
#include "server/domain/interactive_validation.h"
#include "server/domain/media_policy.h"
#include "server/domain/media_service.h"
#include "server/domain/messaging_service.h"

namespace wa::domain {
namespace v1 = ::hotel::whatsapp::v1;

absl::StatusOr<storage::MessageRecord> MessagingService::SendInteractive(
    const Caller& caller, OutboundRequest request, v1::InteractiveType type,
    const v1::InteractiveContent& content) {
  if (absl::Status s = ValidateInteractive(type, content); !s.ok()) return s;
  request.message_type = v1::MESSAGE_TYPE_INTERACTIVE;
  request.body = content.text();
  v1::InteractiveMessage* interactive = request.content.mutable_interactive();
  interactive->set_type(type);
  *interactive->mutable_content() = content;
  return Enqueue(caller, std::move(request), /*needs_window=*/true);
}

absl::StatusOr<storage::MessageRecord> MessagingService::SendMedia(const Caller& caller,
                                                                   OutboundRequest request,
                                                                   const MediaSend& media) {
  if (media.media_id.empty()) return InvalidArgument("media_id is required", "media_id");
  if (absl::Status s = CheckMediaSend(media.media_type, media.caption, media.filename); !s.ok()) {
    return s;
  }
  absl::StatusOr<std::optional<storage::MediaRecord>> found =
      storage::ReadValue(db_, [&] { return media_.Get(media.media_id); });
  if (!found.ok()) return found.status();
  if (!*found || (*found)->property_id != caller.property_id) return MediaNotFound(media.media_id);
  const storage::MediaRecord& stored = **found;
  if (stored.media_type != media.media_type) {
    return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
                 absl::StrCat("media ", media.media_id, " was uploaded as ",
                              MediaKindName(stored.media_type), ", not ",
                              MediaKindName(media.media_type)))
        .Detail("field", "media_type")
        .Detail("media_id", media.media_id)
        .Detail("uploaded_media_type", MediaKindName(stored.media_type))
        .Detail("mime_type", stored.mime_type);
  }
  request.message_type = MessageTypeFor(media.media_type);
  request.body = media.caption;
  v1::MediaContent* content = request.content.mutable_media();
  content->set_media_type(media.media_type);
  // Resolved to the provider's id by the send queue (uploaded on first use).
  content->set_stored_media_id(stored.media_id);
  content->set_caption(media.caption);
  if (media.media_type == v1::MEDIA_TYPE_DOCUMENT) {
    content->set_filename(media.filename.empty() ? stored.filename : media.filename);
  }
  return Enqueue(caller, std::move(request), /*needs_window=*/true);
}

}  // namespace wa::domain
