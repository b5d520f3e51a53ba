#include "server/api/idempotency.h"

#include <openssl/sha.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "server/api/proto_mapping.h"

namespace wa::api {
namespace {

constexpr char kKeyField[] = "idempotency_key";
constexpr char kKeyMetadata[] = "idempotency-key";

}  // namespace

std::string IdempotencyKey(const grpc::ServerContextBase& context,
                           const google::protobuf::Message& request) {
  const google::protobuf::FieldDescriptor* field =
      request.GetDescriptor()->FindFieldByName(kKeyField);
  if (field != nullptr) {
    std::string key = request.GetReflection()->GetString(request, field);
    if (!key.empty()) return key;
  }
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kKeyMetadata);
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

std::string Fingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  if (const google::protobuf::FieldDescriptor* field =
          copy->GetDescriptor()->FindFieldByName(kKeyField)) {
    copy->GetReflection()->ClearField(copy.get(), field);
  }
  // Deterministic, so that maps (template parameters) hash the same in any order.
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&out);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

std::function<absl::Status(const storage::MessageRecord&)> RememberSend(
    Remember remember, hotel::whatsapp::v1::SendMessageResponse* response) {
  if (!remember) return nullptr;
  return [remember = std::move(remember), response](const storage::MessageRecord& m) {
    ToSendResponse(m, response);
    return remember();
  };
}

}  // namespace wa::api
