#include "server/provider/meta_signature.h"

#include <cctype>
#include <string>

#include "gtest/gtest.h"

namespace wa::provider {
namespace {

// Expected digests were computed independently of OpenSSL's C API with:
//   /usr/bin/python3 -c 'import hmac,hashlib;print(hmac.new(KEY,BODY,hashlib.sha256).hexdigest())'
constexpr char kFoxBody[] = "The quick brown fox jumps over the lazy dog";
// KEY=b"key", BODY=b"The quick brown fox jumps over the lazy dog"
constexpr char kFoxHex[] = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";

constexpr char kSecret[] = "app-secret-123";
constexpr char kEnvelope[] = R"({"object":"whatsapp_business_account","entry":[]})";
// KEY=b"app-secret-123", BODY=b'{"object":"whatsapp_business_account","entry":[]}'
constexpr char kEnvelopeHex[] = "20e391a99a86fc5adf7e3a453236d20c906360291977896cf2f671e03bb95703";

// KEY=b"s3cr3t", BODY=b'{"name":"Jos\\u00e9"}'  (escaped, as Meta sends it)
constexpr char kEscapedBody[] = R"({"name":"Jos\u00e9"})";
constexpr char kEscapedHex[] = "0fb640b1179f8e9c996a0f5d4f34a08c60a6241151f0431314a2d84452f6c820";
// KEY=b"s3cr3t", BODY='{"name":"José"}'.encode()  (the same JSON, re-serialised as UTF-8)
constexpr char kUtf8Body[] = "{\"name\":\"Jos\xc3\xa9\"}";
constexpr char kUtf8Hex[] = "9e9d200711f08484f65a56a4b8194d3ba9e3af93e881b754c54b1873a2f0b377";

TEST(HmacSha256Hex, MatchesIndependentVectors) {
  EXPECT_EQ(HmacSha256Hex("key", kFoxBody), kFoxHex);
  EXPECT_EQ(HmacSha256Hex(kSecret, kEnvelope), kEnvelopeHex);
  EXPECT_EQ(HmacSha256Hex("s3cr3t", kEscapedBody), kEscapedHex);
  EXPECT_EQ(HmacSha256Hex("s3cr3t", kUtf8Body), kUtf8Hex);
  // KEY=b"", BODY=b""
  EXPECT_EQ(HmacSha256Hex("", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(VerifyMetaSignature, AcceptsMetaHeader) {
  EXPECT_TRUE(VerifyMetaSignature(kSecret, kEnvelope, std::string("sha256=") + kEnvelopeHex));
  EXPECT_TRUE(VerifyMetaSignature("s3cr3t", kEscapedBody, std::string("sha256=") + kEscapedHex));
}

TEST(VerifyMetaSignature, ChecksTheRawBytesNotTheJsonMeaning) {
  // The same JSON value with é unescaped is different bytes: its signature
  // must not verify the escaped body, and vice versa.
  EXPECT_FALSE(VerifyMetaSignature("s3cr3t", kEscapedBody, std::string("sha256=") + kUtf8Hex));
  EXPECT_FALSE(VerifyMetaSignature("s3cr3t", kUtf8Body, std::string("sha256=") + kEscapedHex));
}

TEST(VerifyMetaSignature, RejectsWrongSecretOrBody) {
  std::string header = std::string("sha256=") + kEnvelopeHex;
  EXPECT_FALSE(VerifyMetaSignature("other-secret", kEnvelope, header));
  EXPECT_FALSE(VerifyMetaSignature(kSecret, std::string(kEnvelope) + " ", header));
  std::string flipped = header;
  flipped.back() = flipped.back() == '3' ? '4' : '3';
  EXPECT_FALSE(VerifyMetaSignature(kSecret, kEnvelope, flipped));
}

TEST(VerifyMetaSignature, RejectsEmptySecretEvenWithMatchingHeader) {
  std::string header = "sha256=" + HmacSha256Hex("", kEnvelope);
  EXPECT_FALSE(VerifyMetaSignature("", kEnvelope, header));
}

TEST(VerifyMetaSignature, RejectsMissingAndMalformedHeaders) {
  std::string hex = kEnvelopeHex;
  for (const std::string& bad : {
           std::string(""), std::string("sha256="),
           hex,                                   // no prefix
           "SHA256=" + hex,                       // upper-case prefix
           "Sha256=" + hex,                       // mixed-case prefix
           "sha1=" + hex,                         // other algorithm
           "sha256:" + hex,                       // wrong separator
           " sha256=" + hex,                      // leading space
           "sha256=" + hex + " ",                 // trailing space
           "sha256=" + hex.substr(0, 63),         // short
           "sha256=" + hex + "0",                 // long
           "sha256=" + hex.substr(0, 62) + "zz",  // not hex
           "sha256=" + hex + "," + hex,           // two values
       }) {
    EXPECT_FALSE(VerifyMetaSignature(kSecret, kEnvelope, bad)) << "[" << bad << "]";
  }
}

TEST(VerifyMetaSignature, AcceptsUpperCaseHexDigits) {
  // Decoded to bytes before comparing, so only the value matters.
  std::string upper = kEnvelopeHex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(VerifyMetaSignature(kSecret, kEnvelope, "sha256=" + upper));
}

}  // namespace
}  // namespace wa::provider
