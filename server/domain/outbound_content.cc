#include "server/domain/outbound_content.h"

#include "google/protobuf/util/json_util.h"

namespace wa::domain {

std::string EncodeContent(const hotel::whatsapp::v1::OutboundContent& content) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  // Serializing a generated message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(content, &json, options);
  return json;
}

absl::StatusOr<hotel::whatsapp::v1::OutboundContent> DecodeContent(const std::string& json) {
  hotel::whatsapp::v1::OutboundContent content;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto status = google::protobuf::util::JsonStringToMessage(json, &content, options);
  if (!status.ok()) {
    return absl::DataLossError("stored message content does not parse: " + status.ToString());
  }
  return content;
}

}  // namespace wa::domain
