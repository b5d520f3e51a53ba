#include "gateway/adapters/upload_form.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/enum_spelling.h"

namespace wa::gateway {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

constexpr char kFilePart[] = "media";
constexpr char kTypeField[] = "media_type";
// httplib hands the body over in small pieces; gRPC messages of this size
// keep the per-message cost low and memory bounded.
constexpr size_t kChunkBytes = 64 * 1024;
constexpr size_t kMaxFieldBytes = 256;

}  // namespace

bool UploadForm::OnPart(absl::string_view name, absl::string_view filename) {
  if (ended() || !FlushChunk()) return true;
  part_ = std::string(name);
  if (part_ == kFilePart) {
    if (seen_file_) return Refuse("the form has more than one 'media' file");
    seen_file_ = true;
    filename_ = std::string(filename);
    // Declared before the file: the server can refuse an oversized file early.
    if (!type_text_.empty()) SendMetadata();
  } else if (part_ == kTypeField) {
    type_text_.clear();
  }
  return true;
}

bool UploadForm::OnData(const char* data, size_t size) {
  if (ended()) return true;  // drained
  if (part_ == kFilePart) {
    pending_.append(data, size);
    if (pending_.size() >= kChunkBytes) FlushChunk();
  } else if (part_ == kTypeField) {
    if (type_text_.size() + size > kMaxFieldBytes) return Refuse("media_type is too long");
    type_text_.append(data, size);
  }
  return true;  // other fields are not ours
}

bool UploadForm::Complete() {
  return !ended() && FlushChunk() && (metadata_sent_ || SendMetadata());
}

bool UploadForm::Refuse(std::string problem) {
  problem_ = std::move(problem);
  cancel_();    // the server drops what it has
  return true;  // and the rest of the body is drained
}

bool UploadForm::Write(const v1::UploadMediaRequest& message) {
  if (write_(message)) return true;
  rpc_ended_ = true;
  return false;
}

bool UploadForm::FlushChunk() {
  if (pending_.empty()) return true;
  v1::UploadMediaRequest message;
  message.set_chunk(std::move(pending_));
  pending_.clear();
  return Write(message);
}

bool UploadForm::SendMetadata() {
  v1::MediaType type = v1::MEDIA_TYPE_UNSPECIFIED;
  if (!type_text_.empty()) {
    const EnumSpelling& spelling = EnumSpelling::For(v1::MediaType_descriptor());
    std::optional<int> parsed = spelling.Parse(type_text_);
    if (!parsed) {
      Refuse(absl::StrCat("media_type: unknown value '", type_text_, "'; expected ",
                          spelling.accepted()));
      return false;
    }
    type = static_cast<v1::MediaType>(*parsed);
  }
  metadata_sent_ = true;
  v1::UploadMediaRequest message;
  message.mutable_metadata()->set_media_type(type);
  message.mutable_metadata()->set_filename(filename_);
  return Write(message);
}

}  // namespace wa::gateway
