#pragma once

#include <filesystem>
#include <string>

namespace wa::testing {

// A throw-away PKI made with the openssl CLI for one test: a CA, a server
// certificate for localhost and 127.0.0.1 that the CA signed, a client
// certificate it signed, and a second CA that signed nothing of ours.
class TestCertificates {
 public:
  TestCertificates();
  ~TestCertificates();

  std::string ca() const { return Path("ca.pem"); }
  std::string server_cert() const { return Path("server.pem"); }
  std::string server_key() const { return Path("server.key"); }
  std::string client_cert() const { return Path("client.pem"); }
  std::string client_key() const { return Path("client.key"); }
  std::string other_ca() const { return Path("other-ca.pem"); }
  std::string other_ca_key() const { return Path("other-ca.key"); }

 private:
  std::string Path(const char* name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

// A file's whole contents.
std::string ReadWholeFile(const std::string& path);

}  // namespace wa::testing
