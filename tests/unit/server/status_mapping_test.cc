#include "server/api/status_mapping.h"

#include "absl/strings/match.h"
#include "google/protobuf/struct.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"

namespace wa::api {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

v1::ErrorDetail DetailIn(const grpc::Status& status) {
  google::rpc::Status rich;
  v1::ErrorDetail detail;
  EXPECT_TRUE(rich.ParseFromString(status.error_details()));
  EXPECT_TRUE(rich.details_size() > 0 && rich.details(0).UnpackTo(&detail));
  return detail;
}

// What the database, the media store or a library says stays inside: the
// client gets a stable message with the request id, the code kept.
TEST(ToGrpcStatus, HidesTheServersOwnText) {
  const std::string internal_text =
      "ERROR: relation \"messages\" does not exist; SELECT * FROM messages WHERE id = $1 "
      "(/var/lib/wa/data/wa.db)";
  for (const absl::Status& raw :
       {absl::InternalError(internal_text), absl::UnavailableError(internal_text),
        absl::DataLossError(internal_text), absl::UnknownError(internal_text),
        absl::FailedPreconditionError(internal_text), absl::DeadlineExceededError(internal_text),
        absl::Status(domain::Error(absl::StatusCode::kInternal, "INTERNAL", internal_text))}) {
    SCOPED_TRACE(raw.ToString());
    grpc::Status status = ToGrpcStatus(raw, "req-42");
    EXPECT_EQ(static_cast<int>(status.error_code()), static_cast<int>(raw.code()));
    EXPECT_FALSE(absl::StrContains(status.error_message(), "SELECT"));
    EXPECT_TRUE(absl::StrContains(status.error_message(), "req-42")) << status.error_message();
    v1::ErrorDetail detail = DetailIn(status);
    EXPECT_FALSE(absl::StrContains(detail.DebugString(), "SELECT")) << detail.DebugString();
    EXPECT_FALSE(absl::StrContains(detail.DebugString(), "wa.db")) << detail.DebugString();
    EXPECT_EQ(detail.details().fields().at("request_id").string_value(), "req-42");
    EXPECT_EQ(detail.code(), absl::StatusCodeToString(raw.code()));
  }
}

// Errors written for the client keep their words, whatever their code.
TEST(ToGrpcStatus, KeepsTheContractsMessages) {
  absl::Status window =
      domain::Error(absl::StatusCode::kFailedPrecondition, "MESSAGE_WINDOW_EXPIRED",
                    "Cannot send free-form message outside 24-hour window");
  grpc::Status status = ToGrpcStatus(window, "req-1");
  EXPECT_EQ(status.error_message(), "Cannot send free-form message outside 24-hour window");
  EXPECT_EQ(DetailIn(status).code(), "MESSAGE_WINDOW_EXPIRED");
  absl::Status provider = domain::Error(absl::StatusCode::kUnavailable, "PROVIDER_UNAVAILABLE",
                                        "WhatsApp is not answering; the message stays queued");
  EXPECT_EQ(ToGrpcStatus(provider, "req-2").error_message(),
            "WhatsApp is not answering; the message stays queued");
  for (const absl::Status& raw :
       {absl::InvalidArgumentError("page_size must be 1-100"), absl::NotFoundError("no token"),
        absl::AbortedError("idempotency key released meanwhile; try again")}) {
    EXPECT_EQ(ToGrpcStatus(raw, "req-3").error_message(), raw.message());
  }
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus(), "req-4").ok());
}

// The second detail is the ErrorDetail again as a google.protobuf.Struct of
// its JSON, for tools that decode only well-known types (buf curl).
TEST(ToGrpcStatus, CarriesTheErrorDetailAlsoAsAStruct) {
  grpc::Status status = ToGrpcStatus(
      domain::Error(absl::StatusCode::kFailedPrecondition, "MESSAGE_WINDOW_EXPIRED", "closed")
          .Detail("guest_phone", "+15550001111")
          .Recovery({"Use approved template message"}),
      "req-1");
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(status.error_details()));
  ASSERT_EQ(rich.details_size(), 2);
  google::protobuf::Struct twin;
  ASSERT_TRUE(rich.details(1).UnpackTo(&twin));
  const auto& fields = twin.fields();
  EXPECT_EQ(fields.at("code").string_value(), "MESSAGE_WINDOW_EXPIRED");
  EXPECT_EQ(fields.at("message").string_value(), "closed");
  EXPECT_EQ(fields.at("details").struct_value().fields().at("guest_phone").string_value(),
            "+15550001111");
  EXPECT_EQ(fields.at("recovery_options").list_value().values(0).string_value(),
            "Use approved template message");
}

}  // namespace
}  // namespace wa::api
