#include "server/provider/meta_errors.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace wa::provider {
namespace {

// Shaped like Meta's documented error envelope.
std::string Envelope(int code, const std::string& message, const std::string& details = "") {
  std::string data =
      details.empty() ? ""
                      : absl::StrCat(R"(,"error_data":{"messaging_product":"whatsapp","details":")",
                                     details, R"("})");
  return absl::StrCat(R"({"error":{"message":")", message, R"(","type":"OAuthException","code":)",
                      code, data, R"(,"fbtrace_id":"AbCdEf123"}})");
}

TEST(MetaErrorsTest, ParsesEnvelope) {
  std::optional<MetaError> error = ParseMetaError(Envelope(
      131047, "(#131047) Re-engagement message",
      "Message failed to send because more than 24 hours have passed since the customer last "
      "replied to this number."));
  ASSERT_TRUE(error.has_value());
  EXPECT_TRUE(error->has_code);
  EXPECT_EQ(error->code, 131047);
  EXPECT_EQ(error->type, "OAuthException");
  EXPECT_EQ(error->fbtrace_id, "AbCdEf123");
  EXPECT_EQ(error->Describe(),
            "(#131047) Re-engagement message: Message failed to send because more than 24 hours "
            "have passed since the customer last replied to this number.");
}

TEST(MetaErrorsTest, NotAnEnvelope) {
  EXPECT_FALSE(ParseMetaError("").has_value());
  EXPECT_FALSE(ParseMetaError("<html>502 Bad Gateway</html>").has_value());
  EXPECT_FALSE(ParseMetaError(R"({"messages":[{"id":"wamid.X"}]})").has_value());
  EXPECT_FALSE(ParseMetaError(R"({"error":"nope"})").has_value());
}

TEST(MetaErrorsTest, DescribePrefixesCodeWhenMetaLeftItOut) {
  std::optional<MetaError> error = ParseMetaError(
      R"({"error":{"message":"Error validating access token: Session has expired on Friday.",
          "type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"x"}})");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->subcode, 463);
  EXPECT_EQ(error->Describe(),
            "(#190) Error validating access token: Session has expired on Friday.");
}

TEST(MetaErrorsTest, DescribeDoesNotRepeatDetails) {
  MetaError error;
  error.has_code = true;
  error.code = 131026;
  error.message = "(#131026) Message Undeliverable.";
  error.details = "Message Undeliverable.";
  EXPECT_EQ(error.Describe(), "(#131026) Message Undeliverable.");
}

TEST(MetaErrorsTest, MissingCodeIsNotAuthException) {
  std::optional<MetaError> error = ParseMetaError(R"({"error":{"message":"weird"}})");
  ASSERT_TRUE(error.has_value());
  EXPECT_FALSE(error->has_code);
  EXPECT_EQ(SendResultFromMetaError(*error, 400).outcome, SendOutcome::kFailed);
  EXPECT_EQ(SendResultFromMetaError(*error, 503).outcome, SendOutcome::kRetry);
  EXPECT_EQ(SendResultFromMetaError(*error, 400).error_code, 0);
}

struct Case {
  int code;
  SendOutcome outcome;
  const char* contract_code;
};

TEST(MetaErrorsTest, ClassifiesByCodeNotHttpStatus) {
  const Case cases[] = {
      {131047, SendOutcome::kFailed, "MESSAGE_WINDOW_EXPIRED"},
      {130429, SendOutcome::kRetry, "RATE_LIMIT_EXCEEDED"},
      {131056, SendOutcome::kRetry, "RATE_LIMIT_EXCEEDED"},
      {80007, SendOutcome::kRetry, "RATE_LIMIT_EXCEEDED"},
      {4, SendOutcome::kRetry, "RATE_LIMIT_EXCEEDED"},
      {131048, SendOutcome::kFailed, "RATE_LIMIT_EXCEEDED"},
      {131049, SendOutcome::kFailed, "RATE_LIMIT_EXCEEDED"},
      {131026, SendOutcome::kFailed, "UNDELIVERABLE"},
      {131050, SendOutcome::kFailed, "GUEST_OPTED_OUT"},
      {131053, SendOutcome::kFailed, "MEDIA_UPLOAD_FAILED"},
      {132001, SendOutcome::kFailed, "TEMPLATE_NOT_FOUND"},
      {132000, SendOutcome::kFailed, "TEMPLATE_PARAMETER_MISMATCH"},
      {132005, SendOutcome::kFailed, "TEMPLATE_PARAMETER_MISMATCH"},
      {132007, SendOutcome::kFailed, "TEMPLATE_PARAMETER_MISMATCH"},
      {132012, SendOutcome::kFailed, "TEMPLATE_PARAMETER_MISMATCH"},
      {132015, SendOutcome::kFailed, "TEMPLATE_PAUSED"},
      {132016, SendOutcome::kFailed, "TEMPLATE_DISABLED"},
      {0, SendOutcome::kCredentialsRejected, ""},
      {190, SendOutcome::kCredentialsRejected, ""},
      {131000, SendOutcome::kRetry, ""},
      {131016, SendOutcome::kRetry, ""},
      {131057, SendOutcome::kRetry, ""},
      {100, SendOutcome::kFailed, ""},
      {131008, SendOutcome::kFailed, ""},
      {131009, SendOutcome::kFailed, ""},
      {368, SendOutcome::kFailed, ""},
      {130497, SendOutcome::kFailed, ""},
      {133010, SendOutcome::kFailed, ""},
  };
  for (const Case& c : cases) {
    // Meta's HTTP statuses for the same code have changed over time (400 vs
    // 429, 500 vs 503); the outcome must not move with them, except that an
    // unknown code under a 5xx is a server-side hiccup.
    for (int http_status : {400, 401, 403, 404, 429}) {
      ErrorClass error_class = ClassifyMetaError(c.code, http_status);
      EXPECT_EQ(error_class.outcome, c.outcome) << c.code << " @" << http_status;
      EXPECT_EQ(error_class.contract_code, c.contract_code) << c.code;
      EXPECT_EQ(error_class.retry_after > absl::ZeroDuration(), c.outcome == SendOutcome::kRetry)
          << c.code;
    }
  }
}

TEST(MetaErrorsTest, RetryDelays) {
  EXPECT_EQ(ClassifyMetaError(131056, 400).retry_after, absl::Seconds(6));
  EXPECT_GE(ClassifyMetaError(130429, 429).retry_after, absl::Seconds(1));
  EXPECT_LE(ClassifyMetaError(130429, 429).retry_after, absl::Seconds(5));
  EXPECT_GE(ClassifyMetaError(131057, 503).retry_after, absl::Seconds(5));
}

TEST(MetaErrorsTest, UnknownCodeFallsBackToHttpStatus) {
  EXPECT_EQ(ClassifyMetaError(999999, 400).outcome, SendOutcome::kFailed);
  EXPECT_EQ(ClassifyMetaError(999999, 500).outcome, SendOutcome::kRetry);
  EXPECT_EQ(ClassifyMetaError(999999, 503).outcome, SendOutcome::kRetry);
  // Known permanent codes stay permanent even under a 5xx.
  EXPECT_EQ(ClassifyMetaError(131047, 500).outcome, SendOutcome::kFailed);
}

TEST(MetaErrorsTest, SendResultCarriesCodeAndReadableError) {
  std::optional<MetaError> error = ParseMetaError(
      Envelope(131050,
               "(#131050) Unable to deliver the message. This recipient has chosen to "
               "stop receiving marketing messages on WhatsApp from your business",
               "Unable to deliver the message. This recipient has chosen to stop receiving "
               "marketing messages on WhatsApp from your business"));
  ASSERT_TRUE(error.has_value());
  SendResult result = SendResultFromMetaError(*error, 400);
  EXPECT_EQ(result.outcome, SendOutcome::kFailed);
  EXPECT_EQ(result.error_code, 131050);
  EXPECT_EQ(result.contract_code, "GUEST_OPTED_OUT");
  EXPECT_EQ(result.error,
            "(#131050) Unable to deliver the message. This recipient has chosen to stop "
            "receiving marketing messages on WhatsApp from your business");

  error = ParseMetaError(Envelope(131056,
                                  "(#131056) (Business Account, Consumer Account) pair "
                                  "rate limit hit"));
  result = SendResultFromMetaError(*error, 400);
  EXPECT_EQ(result.outcome, SendOutcome::kRetry);
  EXPECT_EQ(result.retry_after, absl::Seconds(6));
  EXPECT_EQ(result.error, "(#131056) (Business Account, Consumer Account) pair rate limit hit");

  error = ParseMetaError(
      Envelope(100, "(#100) Invalid parameter", "Parameter 'to' is not a valid phone number"));
  result = SendResultFromMetaError(*error, 400);
  EXPECT_EQ(result.outcome, SendOutcome::kFailed);
  EXPECT_EQ(result.error_code, 100);
  EXPECT_EQ(result.error, "(#100) Invalid parameter: Parameter 'to' is not a valid phone number");
}

}  // namespace
}  // namespace wa::provider
