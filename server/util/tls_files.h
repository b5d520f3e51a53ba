#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace wa::util {

// Where the server's certificate, key and (for client certificates) the CA
// that signs them live: PEM files named by the --tls_* flags.
struct TlsFiles {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  // empty: clients need no certificate

  bool enabled() const { return !cert_file.empty() || !key_file.empty(); }
};

// The same files read and checked: each parses as PEM and the key belongs
// to the certificate, so a mistake stops start-up with a reason instead of
// failing every handshake later.
struct TlsPem {
  std::string cert_chain;
  std::string private_key;
  std::string client_ca;  // empty when TlsFiles::client_ca_file is
};

absl::StatusOr<TlsPem> LoadTls(const TlsFiles& files);

}  // namespace wa::util
