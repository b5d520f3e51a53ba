#include "tests/integration/test_certificates.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "absl/strings/str_cat.h"

namespace wa::testing {
namespace {

void Run(const std::string& command) {
  if (std::system((command + " 2>/dev/null").c_str()) != 0) {
    throw std::runtime_error("failed: " + command);
  }
}

void Write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

constexpr char kNewKey[] = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";

void MakeCa(const std::filesystem::path& dir, const std::string& name) {
  Run(absl::StrCat("openssl req -x509 ", kNewKey, " -days 2 -subj /CN=", name, " -keyout ",
                   (dir / (name + ".key")).string(), " -out ", (dir / (name + ".pem")).string()));
}

// A leaf certificate `name` signed by the CA `ca`, with the extensions in `ext`.
void MakeLeaf(const std::filesystem::path& dir, const std::string& name, const std::string& ca,
              const std::string& ext) {
  std::string base = (dir / name).string();
  Write(base + ".ext", ext);
  Run(absl::StrCat("openssl req -new ", kNewKey, " -subj /CN=", name, " -keyout ", base,
                   ".key -out ", base, ".csr"));
  Run(absl::StrCat("openssl x509 -req -days 2 -in ", base, ".csr -CA ", (dir / ca).string(),
                   ".pem -CAkey ", (dir / ca).string(), ".key -CAcreateserial -extfile ", base,
                   ".ext -out ", base, ".pem"));
}

}  // namespace

TestCertificates::TestCertificates() {
  char pattern[] = "/tmp/wa-certs-XXXXXX";
  dir_ = mkdtemp(pattern);
  MakeCa(dir_, "ca");
  MakeCa(dir_, "other-ca");
  MakeLeaf(dir_, "server", "ca",
           "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  MakeLeaf(dir_, "client", "ca", "extendedKeyUsage=clientAuth\n");
}

TestCertificates::~TestCertificates() { std::filesystem::remove_all(dir_); }

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace wa::testing
