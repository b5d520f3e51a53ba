#include "server/provider/webhook_target.h"

#include "gtest/gtest.h"
#include "server/provider/address_policy.h"
#include "server/provider/webhook_client.h"

namespace wa::provider {
namespace {

TEST(AddressPolicyTest, ClassifiesTheRangesAWebhookMustNotReach) {
  EXPECT_EQ(ClassifyAddress("93.184.216.34"), AddressKind::kPublic);
  EXPECT_EQ(ClassifyAddress("2606:2800:220:1::248"), AddressKind::kPublic);
  EXPECT_EQ(ClassifyAddress("127.0.0.1"), AddressKind::kLoopback);
  EXPECT_EQ(ClassifyAddress("127.8.9.10"), AddressKind::kLoopback);
  EXPECT_EQ(ClassifyAddress("::1"), AddressKind::kLoopback);
  for (const char* a : {"10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1",
                        "fd12::1", "fc00::1"}) {
    EXPECT_EQ(ClassifyAddress(a), AddressKind::kPrivate) << a;
  }
  EXPECT_EQ(ClassifyAddress("172.32.0.1"), AddressKind::kPublic);
  EXPECT_EQ(ClassifyAddress("169.254.1.1"), AddressKind::kLinkLocal);
  EXPECT_EQ(ClassifyAddress("fe80::1"), AddressKind::kLinkLocal);
  EXPECT_EQ(ClassifyAddress("169.254.169.254"), AddressKind::kMetadata);
  EXPECT_EQ(ClassifyAddress("fd00:ec2::254"), AddressKind::kMetadata);
  EXPECT_EQ(ClassifyAddress("0.0.0.0"), AddressKind::kUnspecified);
  EXPECT_EQ(ClassifyAddress("::"), AddressKind::kUnspecified);
  EXPECT_EQ(ClassifyAddress("224.0.0.1"), AddressKind::kReserved);
  EXPECT_EQ(ClassifyAddress("ff02::1"), AddressKind::kReserved);
  // IPv4 mapped into IPv6 is judged as the IPv4 address it carries.
  EXPECT_EQ(ClassifyAddress("::ffff:10.0.0.1"), AddressKind::kPrivate);
  EXPECT_EQ(ClassifyAddress("::ffff:169.254.169.254"), AddressKind::kMetadata);
  EXPECT_EQ(ClassifyAddress("not an address"), AddressKind::kReserved);
  // Transition ranges reach IPv4 addresses through a gateway: refused.
  for (const char* a :
       {"64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::1", "2002:7f00:1::1", "2002:5db8:d822::1",
        "2001:0:4136:e378::1", "::127.0.0.1", "::10.0.0.1", "::93.184.216.34"}) {
    EXPECT_EQ(ClassifyAddress(a), AddressKind::kReserved) << a;
  }
  EXPECT_EQ(ClassifyAddress("fec0::1"), AddressKind::kPrivate);
  EXPECT_EQ(ClassifyAddress("feff::1"), AddressKind::kPrivate);
  EXPECT_EQ(ClassifyAddress("2001:4860::8888"), AddressKind::kPublic);
}

TEST(WebhookTargetTest, LoopbackMayUsePlainHttp) {
  const TargetPolicy sandbox{{}, /*allow_loopback=*/true};
  absl::StatusOr<WebhookTarget> target =
      ResolveWebhookTarget("http://127.0.0.1:8099/hook", sandbox);
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->port, 8099);
  EXPECT_TRUE(target->resolve_entry.empty());  // an IP literal needs no pin
  target = ResolveWebhookTarget("http://localhost:8099/hook", sandbox);
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->resolve_entry.rfind("localhost:8099:", 0), 0u) << target->resolve_entry;
  EXPECT_TRUE(ResolveWebhookTarget("http://[::1]:8099/hook", sandbox).ok());
  // Production (the default): --webhook_allow_loopback=false.
  TargetPolicy production;
  EXPECT_EQ(ResolveWebhookTarget("http://127.0.0.1:8099/hook", production).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveWebhookTarget("https://localhost/hook", production).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(WebhookTargetTest, RefusesWhatIsNotHttpsOrPointsInside) {
  for (const char* url : {"ftp://127.0.0.1/x", "http://93.184.216.34/hook", "https://10.0.0.1/hook",
                          "https://192.168.0.10:8443/hook", "https://169.254.169.254/",
                          "https://[fe80::1]/hook", "https://0.0.0.0/", "no scheme at all", ""}) {
    absl::StatusOr<WebhookTarget> target = ResolveWebhookTarget(url, {});
    EXPECT_FALSE(target.ok()) << url;
    EXPECT_EQ(target.status().code(), absl::StatusCode::kInvalidArgument) << url;
  }
  EXPECT_TRUE(ResolveWebhookTarget("https://93.184.216.34/hook", {}).ok());
}

TEST(WebhookTargetTest, AnOperatorMayAllowAHostButNeverMetadata) {
  TargetPolicy policy{{"10.0.0.1", "169.254.169.254"}};
  EXPECT_TRUE(ResolveWebhookTarget("http://10.0.0.1:9000/hook", policy).ok());
  EXPECT_FALSE(ResolveWebhookTarget("http://10.0.0.2:9000/hook", policy).ok());
  EXPECT_FALSE(ResolveWebhookTarget("http://169.254.169.254/", policy).ok());
}

TEST(WebhookSignatureTest, SignsTimestampDotBodyWithEverySecret) {
  // Expected values computed with Python's hmac.
  EXPECT_EQ(WebhookSignature({"whsec_test"}, 1700000000, R"({"a":1})"),
            "sha256=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789");
  EXPECT_EQ(WebhookSignature({"whsec_test", "whsec_old"}, 1700000000, R"({"a":1})"),
            "sha256=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789,"
            "sha256=b9d801502bb535e960ee9aeee7a294b082bda5089d79c7db610b85116ce6faa6");
}

}  // namespace
}  // namespace wa::provider
