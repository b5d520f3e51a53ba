#pragma once

// Raw HTTP/1.1 as a hostile client sends it, for the bad-input catalogue
// (hostile_requests_test.cc, hostile_defaults_test.cc): the body keeps
// coming until the server answers (or the connection dies), optionally
// chunked or padded with zeros, many requests at once.
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace wa::testing {

struct Answer {
  int status = 0;
  std::string head;
  nlohmann::json body;  // discarded when not JSON
  std::string text;     // the body as sent
  absl::Duration took;
  size_t body_sent = 0;  // body bytes the server took before answering
};

struct Hostile {
  std::string head;      // request line and headers, without the blank line
  std::string body;      // sent as is, or:
  size_t zeros = 0;      // this many zero bytes after `body`
  bool chunked = false;  // framed as chunks of 64 KiB
  absl::Duration timeout = absl::Seconds(30);
};

// A header of the answer's head, "" when absent.
std::string Header(const Answer& a, const std::string& name);
// Sends the request, its body only while the server has not answered, and
// returns the answer with how long it took.
Answer Send(int port, const Hostile& h);
// Runs every request at once, each on its own thread.
std::vector<Answer> AllAtOnce(int port, const std::vector<Hostile>& requests);
// A request head: method, target, JSON content type, the length if any.
std::string Head(const std::string& method, const std::string& target, size_t length,
                 const std::string& extra = "");
std::string Bearer(const std::string& token);
// The contract's error: status, code, a message and a request id.
void ExpectError(const Answer& a, int status, const std::string& code);

}  // namespace wa::testing
