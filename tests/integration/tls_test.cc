// TLS on both ports (--tls_cert_file, --tls_key_file, --tls_client_ca_file)
// with certificates made for the test: real gRPC clients with and without
// the CA, curl over HTTPS and plain HTTP, and wa-cli.
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/admin.grpc.pb.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_certificates.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 512> buffer;
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) result.output += buffer.data();
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// curl's exit code and the HTTP status it got ("000": none).
std::pair<int, std::string> Curl(const std::string& args) {
  CommandResult r = RunCommand(
      absl::StrCat("curl -s -o /dev/null -w '%{http_code}' --max-time 10 ", args, " 2>/dev/null"));
  return {r.exit_code, r.output};
}

grpc::Status ListTokens(const std::shared_ptr<grpc::ChannelCredentials>& credentials, int port,
                        const std::string& token) {
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), credentials);
  v1::AdminService::Stub stub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  v1::ListTokensResponse response;
  return stub.ListTokens(&context, v1::ListTokensRequest(), &response);
}

std::shared_ptr<grpc::ChannelCredentials> TrustingCa(const std::string& ca_file,
                                                     const std::string& cert_file = "",
                                                     const std::string& key_file = "") {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadWholeFile(ca_file);
  if (!cert_file.empty()) {
    options.pem_cert_chain = ReadWholeFile(cert_file);
    options.pem_private_key = ReadWholeFile(key_file);
  }
  return grpc::SslCredentials(options);
}

std::string Authorization(const std::string& token) {
  return absl::StrCat("-H 'Authorization: Bearer ", token, "' ");
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new TestCertificates();
    server_ = new ServerProcess(
        {"--tls_cert_file=" + certs_->server_cert(), "--tls_key_file=" + certs_->server_key()});
    server_->Start();
    admin_ = new std::string(server_->CreateToken("admin"));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete certs_;
    delete admin_;
  }
  std::string HttpsUrl(absl::string_view path) const {
    return absl::StrCat("https://127.0.0.1:", server_->http_port(), path);
  }

  static TestCertificates* certs_;
  static ServerProcess* server_;
  static std::string* admin_;
};

TestCertificates* TlsTest::certs_ = nullptr;
ServerProcess* TlsTest::server_ = nullptr;
std::string* TlsTest::admin_ = nullptr;

TEST_F(TlsTest, GrpcClientTrustingTheCaIsServed) {
  grpc::Status status = ListTokens(TrustingCa(certs_->ca()), server_->grpc_port(), *admin_);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(TlsTest, PlaintextGrpcClientIsRefused) {
  grpc::Status status =
      ListTokens(grpc::InsecureChannelCredentials(), server_->grpc_port(), *admin_);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(TlsTest, GrpcClientTrustingAnotherCaIsRefused) {
  grpc::Status status = ListTokens(TrustingCa(certs_->other_ca()), server_->grpc_port(), *admin_);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

// REST calls the services over the in-process channel, so TLS on the
// ports changes nothing behind the gateway.
TEST_F(TlsTest, CurlOverHttpsWithTheCaIsServed) {
  auto [exit_code, http] = Curl(absl::StrCat("--cacert ", certs_->ca(), " ", Authorization(*admin_),
                                             HttpsUrl("/api/v1/whatsapp/admin/tokens")));
  EXPECT_EQ(exit_code, 0);
  EXPECT_EQ(http, "200");
  CommandResult body = RunCommand(absl::StrCat(
      "curl -s --cacert ", certs_->ca(), " -X POST -H 'Content-Type: application/json' ",
      Authorization(*admin_), "-d '{\"guest_phone\": \"+1234567890\", \"text\": \"hi\"}' ",
      HttpsUrl("/api/v1/whatsapp/sandbox/inbound")));
  EXPECT_EQ(body.exit_code, 0);
  EXPECT_NE(body.output.find("\"message_id\""), std::string::npos) << body.output;
}

TEST_F(TlsTest, PlainHttpAndUntrustedHttpsAreRefused) {
  auto [plain_exit, plain_http] =
      Curl(absl::StrCat(Authorization(*admin_), "http://127.0.0.1:", server_->http_port(),
                        "/api/v1/whatsapp/admin/tokens"));
  EXPECT_NE(plain_exit, 0);
  EXPECT_EQ(plain_http, "000");
  auto [untrusted_exit, untrusted_http] =
      Curl(absl::StrCat(Authorization(*admin_), HttpsUrl("/api/v1/whatsapp/admin/tokens")));
  EXPECT_EQ(untrusted_exit, 60);  // curl: peer certificate cannot be authenticated
  EXPECT_EQ(untrusted_http, "000");
}

TEST_F(TlsTest, WaCliTakesTheCaFile) {
  std::string cli =
      absl::StrCat(WA_CLI_BIN, " --addr=127.0.0.1:", server_->grpc_port(), " --token=", *admin_);
  CommandResult with_ca = RunCommand(absl::StrCat(cli, " --ca_file=", certs_->ca(), " tokens"));
  EXPECT_EQ(with_ca.exit_code, 0) << with_ca.output;
  EXPECT_NE(with_ca.output.find("token_id"), std::string::npos) << with_ca.output;
  CommandResult from_env =
      RunCommand(absl::StrCat("WA_CA_FILE=", certs_->ca(), " ", cli, " tokens"));
  EXPECT_EQ(from_env.exit_code, 0) << from_env.output;
  CommandResult plaintext = RunCommand(absl::StrCat(cli, " tokens 2>&1"));
  EXPECT_EQ(plaintext.exit_code, 14) << plaintext.output;  // UNAVAILABLE
}

// The gateway's own limits (README, "Limits") hold over HTTPS too, and a
// connection carries many requests and answers larger than a TLS record.
TEST_F(TlsTest, LimitsAndKeepAliveHoldOverHttps) {
  std::string ca = absl::StrCat("--cacert ", certs_->ca(), " ");
  auto [big_exit, big_http] = Curl(absl::StrCat(ca, "-H 'X-Big: ", std::string(70000, 'a'), "' ",
                                                HttpsUrl("/api/v1/whatsapp/admin/tokens")));
  EXPECT_EQ(big_exit, 0);
  EXPECT_EQ(big_http, "431");
  // Two answers over one connection; the OpenAPI document spans many records.
  CommandResult two = RunCommand(absl::StrCat(
      "curl -s --max-time 10 ", ca, "-o /dev/null -o /dev/null -w '%{http_code} %{num_connects} ",
      "%{size_download}\\n' ", HttpsUrl("/api/v1/whatsapp/openapi.json"), " ",
      HttpsUrl("/api/v1/whatsapp/openapi.json")));
  ASSERT_EQ(two.exit_code, 0) << two.output;
  std::vector<std::string> lines = absl::StrSplit(two.output, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << two.output;
  std::vector<std::string> first = absl::StrSplit(lines[0], ' ');
  std::vector<std::string> second = absl::StrSplit(lines[1], ' ');
  EXPECT_EQ(first[0], "200");
  EXPECT_EQ(second[0], "200");
  EXPECT_EQ(second[1], "0") << "the second request opened a new connection";
  int64_t size = 0;
  ASSERT_TRUE(absl::SimpleAtoi(second[2], &size));
  EXPECT_GT(size, 64 * 1024);
  EXPECT_EQ(first[2], second[2]);
}

// A client that opens a connection and never completes the handshake is
// cut off after --http_request_timeout, as one that never sends its request.
TEST(TlsHandshakeTest, AStalledHandshakeIsCutOff) {
  TestCertificates certs;
  ServerProcess server({"--tls_cert_file=" + certs.server_cert(),
                        "--tls_key_file=" + certs.server_key(), "--http_request_timeout=1s"});
  server.Start();
  CommandResult waited = RunCommand(absl::StrCat(
      "/usr/bin/python3 -c \"import socket,time; s=socket.create_connection(('127.0.0.1',",
      server.http_port(),
      ")); s.settimeout(10); t=time.time(); s.sendall(bytes([22,3,1])); s.recv(100); "
      "print(round(time.time()-t))\""));
  ASSERT_EQ(waited.exit_code, 0) << waited.output;
  int seconds = -1;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(waited.output), &seconds))
      << waited.output;
  EXPECT_LT(seconds, 5) << "the stalled handshake held its connection";
}

TEST(MutualTlsTest, ClientsMustPresentACertificateTheCaSigned) {
  TestCertificates certs;
  ServerProcess server({"--tls_cert_file=" + certs.server_cert(),
                        "--tls_key_file=" + certs.server_key(),
                        "--tls_client_ca_file=" + certs.ca()});
  server.Start();
  std::string admin = server.CreateToken("admin");
  EXPECT_TRUE(ListTokens(TrustingCa(certs.ca(), certs.client_cert(), certs.client_key()),
                         server.grpc_port(), admin)
                  .ok());
  EXPECT_EQ(ListTokens(TrustingCa(certs.ca()), server.grpc_port(), admin).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  std::string url =
      absl::StrCat("https://127.0.0.1:", server.http_port(), "/api/v1/whatsapp/admin/tokens");
  auto with_cert =
      Curl(absl::StrCat("--cacert ", certs.ca(), " --cert ", certs.client_cert(), " --key ",
                        certs.client_key(), " ", Authorization(admin), url));
  EXPECT_EQ(with_cert, std::make_pair(0, std::string("200")));
  auto without_cert = Curl(absl::StrCat("--cacert ", certs.ca(), " ", Authorization(admin), url));
  EXPECT_NE(without_cert.first, 0);
  EXPECT_EQ(without_cert.second, "000");
}

// A bad TLS setting stops start-up with a one-line reason.
TEST(TlsFlagsTest, BadFilesStopStartUp) {
  TestCertificates certs;
  char pattern[] = "/tmp/wa-tls-XXXXXX";
  std::string data_dir = mkdtemp(pattern);
  auto start = [&](const std::string& flags) {
    return RunCommand(absl::StrCat(WA_SERVER_BIN, " --data_dir=", data_dir,
                                   " --grpc_listen=127.0.0.1:0 --http_listen=127.0.0.1:0 ", flags,
                                   " 2>&1 >/dev/null"));
  };
  struct Case {
    std::string flags;
    std::string reason;
  };
  for (const Case& c : {
           Case{"--tls_cert_file=" + certs.server_cert(), "go together"},
           Case{"--tls_cert_file=" + certs.server_cert() + " --tls_key_file=" + certs.client_key(),
                "is not the key of"},
           Case{"--tls_cert_file=" + certs.server_key() + " --tls_key_file=" + certs.server_key(),
                "holds no PEM certificate"},
           Case{"--tls_cert_file=/nonexistent.pem --tls_key_file=" + certs.server_key(),
                "cannot read"},
           Case{"--tls_client_ca_file=" + certs.ca(), "needs --tls_cert_file"},
       }) {
    CommandResult r = start(c.flags);
    EXPECT_EQ(r.exit_code, 2) << c.flags << ": " << r.output;
    EXPECT_NE(r.output.find(c.reason), std::string::npos) << c.flags << ": " << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  }
  std::filesystem::remove_all(data_dir);
}

}  // namespace
}  // namespace wa::testing
