#include "gateway/error_renderer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/rpc/status.pb.h"
#include "hotel/whatsapp/v1/common.pb.h"
#include "nlohmann/json.hpp"

namespace wa::gateway {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using ::nlohmann::json;

// A status as the server sends it: google.rpc.Status with our ErrorDetail packed in.
grpc::Status WithDetail(grpc::StatusCode code, const v1::ErrorDetail& detail) {
  google::rpc::Status rpc;
  rpc.set_code(static_cast<int>(code));
  rpc.set_message(detail.message());
  rpc.add_details()->PackFrom(detail);
  return grpc::Status(code, detail.message(), rpc.SerializeAsString());
}

TEST(ErrorRendererTest, ARetryTimeInTheDetailsBecomesRetryAfterInWholeSeconds) {
  v1::ErrorDetail detail;
  detail.set_code("RATE_LIMIT_EXCEEDED");
  detail.set_message("Too many requests");
  (*detail.mutable_details()->mutable_fields())["retry_after_seconds"].set_number_value(1.2);
  RenderedError e = RenderRpcError(WithDetail(grpc::StatusCode::RESOURCE_EXHAUSTED, detail));
  EXPECT_EQ(e.http_status, 429);
  EXPECT_EQ(e.retry_after_seconds, 2);
  EXPECT_EQ(json::parse(e.body)["error"]["details"]["retry_after_seconds"], 1.2);

  detail.mutable_details()->clear_fields();
  EXPECT_EQ(
      RenderRpcError(WithDetail(grpc::StatusCode::RESOURCE_EXHAUSTED, detail)).retry_after_seconds,
      0);
}

TEST(ErrorRendererTest, RendersTheReferenceExampleExactly) {
  v1::ErrorDetail detail;
  detail.set_code("MESSAGE_WINDOW_EXPIRED");
  detail.set_message("Cannot send free-form message outside 24-hour window");
  auto& f = *detail.mutable_details()->mutable_fields();
  f["guest_phone"].set_string_value("+1234567890");
  f["last_guest_message"].set_string_value("2024-01-14T10:00:00Z");
  f["window_expires"].set_string_value("2024-01-15T10:00:00Z");
  auto* suggested = f["suggested_templates"].mutable_list_value();
  suggested->add_values()->set_string_value("service_followup");
  suggested->add_values()->set_string_value("general_inquiry");
  detail.add_recovery_options("Use approved template message");
  detail.add_recovery_options("Wait for guest to initiate conversation");
  detail.add_recovery_options("Contact guest via alternative channel");

  RenderedError e = RenderRpcError(WithDetail(grpc::StatusCode::FAILED_PRECONDITION, detail));
  EXPECT_EQ(e.http_status, 403);
  EXPECT_EQ(json::parse(e.body), json::parse(R"({
    "error": {
      "code": "MESSAGE_WINDOW_EXPIRED",
      "message": "Cannot send free-form message outside 24-hour window",
      "details": {
        "guest_phone": "+1234567890",
        "last_guest_message": "2024-01-14T10:00:00Z",
        "window_expires": "2024-01-15T10:00:00Z",
        "suggested_templates": ["service_followup", "general_inquiry"]
      },
      "recovery_options": [
        "Use approved template message",
        "Wait for guest to initiate conversation",
        "Contact guest via alternative channel"
      ]
    }
  })"));
}

TEST(ErrorRendererTest, ReferenceCodesHaveTheReferenceStatuses) {
  const std::pair<const char*, int> cases[] = {
      {"INVALID_PHONE_NUMBER", 400}, {"TEMPLATE_NOT_FOUND", 404},  {"MESSAGE_WINDOW_EXPIRED", 403},
      {"RATE_LIMIT_EXCEEDED", 429},  {"MEDIA_UPLOAD_FAILED", 422}, {"WEBHOOK_DELIVERY_FAILED", 500},
      {"GUEST_OPTED_OUT", 403},
  };
  for (const auto& [code, http] : cases) {
    v1::ErrorDetail detail;
    detail.set_code(code);
    detail.set_message("m");
    // The gRPC code deliberately disagrees: the reference's code decides.
    RenderedError e = RenderRpcError(WithDetail(grpc::StatusCode::UNKNOWN, detail));
    EXPECT_EQ(e.http_status, http) << code;
    json j = json::parse(e.body);
    EXPECT_EQ(j["error"]["code"], code);
    EXPECT_EQ(j["error"]["details"], json::object());
    EXPECT_EQ(j["error"]["recovery_options"], json::array());
  }
}

TEST(ErrorRendererTest, OtherDetailCodesFallBackToTheGrpcTable) {
  v1::ErrorDetail detail;
  detail.set_code("UNAUTHENTICATED");
  detail.set_message("missing bearer token");
  RenderedError e = RenderRpcError(WithDetail(grpc::StatusCode::UNAUTHENTICATED, detail));
  EXPECT_EQ(e.http_status, 401);
  EXPECT_EQ(json::parse(e.body)["error"]["message"], "missing bearer token");
}

TEST(ErrorRendererTest, PlainStatusUsesTheCodeName) {
  RenderedError e = RenderRpcError(grpc::Status(grpc::StatusCode::NOT_FOUND, "no \"conv_9\""));
  EXPECT_EQ(e.http_status, 404);
  EXPECT_EQ(e.body, R"({"error":{"code":"NOT_FOUND","message":"no \"conv_9\"","details":{},)"
                    R"("recovery_options":[]}})");
}

TEST(ErrorRendererTest, GrpcErrorsWithoutAMessageGetOne) {
  RenderedError e = RenderRpcError(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, ""));
  EXPECT_EQ(e.http_status, 501);
  nlohmann::json body = nlohmann::json::parse(e.body);
  EXPECT_EQ(body["error"]["code"], "UNIMPLEMENTED");
  EXPECT_EQ(body["error"]["message"], "This operation is not available yet");
}

TEST(ErrorRendererTest, EmptyDetailFieldsFallBackToTheStatus) {
  v1::ErrorDetail detail;
  google::rpc::Status rpc;
  rpc.add_details()->PackFrom(detail);
  RenderedError e = RenderRpcError(
      grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "admin only", rpc.SerializeAsString()));
  EXPECT_EQ(e.http_status, 403);
  json j = json::parse(e.body);
  EXPECT_EQ(j["error"]["code"], "PERMISSION_DENIED");
  EXPECT_EQ(j["error"]["message"], "admin only");
}

TEST(ErrorRendererTest, GarbageDetailsAreIgnored) {
  RenderedError e =
      RenderRpcError(grpc::Status(grpc::StatusCode::INTERNAL, "boom", "\xff\xff not a proto"));
  EXPECT_EQ(e.http_status, 500);
  EXPECT_EQ(json::parse(e.body)["error"]["code"], "INTERNAL");
}

TEST(ErrorRendererTest, GrpcGatewayTable) {
  using C = grpc::StatusCode;
  const std::pair<C, int> table[] = {
      {C::OK, 200},
      {C::CANCELLED, 499},
      {C::UNKNOWN, 500},
      {C::INVALID_ARGUMENT, 400},
      {C::DEADLINE_EXCEEDED, 504},
      {C::NOT_FOUND, 404},
      {C::ALREADY_EXISTS, 409},
      {C::PERMISSION_DENIED, 403},
      {C::UNAUTHENTICATED, 401},
      {C::RESOURCE_EXHAUSTED, 429},
      {C::FAILED_PRECONDITION, 400},
      {C::ABORTED, 409},
      {C::OUT_OF_RANGE, 400},
      {C::UNIMPLEMENTED, 501},
      {C::INTERNAL, 500},
      {C::UNAVAILABLE, 503},
      {C::DATA_LOSS, 500},
  };
  for (const auto& [code, http] : table) {
    EXPECT_EQ(HttpStatusFromGrpcCode(code), http) << GrpcCodeName(code);
  }
  EXPECT_EQ(GrpcCodeName(C::RESOURCE_EXHAUSTED), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(GrpcCodeName(static_cast<C>(99)), "UNKNOWN");
}

TEST(ErrorRendererTest, GatewayErrorsShareTheShape) {
  RenderedError e = RenderGatewayError(405, "METHOD_NOT_ALLOWED", "use POST");
  EXPECT_EQ(e.http_status, 405);
  EXPECT_EQ(e.body, R"({"error":{"code":"METHOD_NOT_ALLOWED","message":"use POST","details":{},)"
                    R"("recovery_options":[]}})");
  e = RenderStatusError(absl::InvalidArgumentError("content.text: expected string"));
  EXPECT_EQ(e.http_status, 400);
  json j = json::parse(e.body);
  EXPECT_EQ(j["error"]["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(j["error"]["message"], "content.text: expected string");
}

}  // namespace
}  // namespace wa::gateway
