#include "tests/integration/hostile_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/integration/raw_socket.h"

namespace wa::testing {
namespace {

using Json = nlohmann::json;

// Whether `raw` holds a whole answer (its head and Content-Length bytes).
bool Complete(const std::string& raw) {
  size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  std::string head = raw.substr(0, end);
  size_t at = head.find("Content-Length: ");
  if (at == std::string::npos) return true;
  size_t length = 0;
  absl::SimpleAtoi(head.substr(at + 16, head.find("\r\n", at) - at - 16), &length);
  return raw.size() >= end + 4 + length;
}

Answer Parse(const std::string& raw) {
  Answer a;
  size_t end = raw.find("\r\n\r\n");
  a.head = raw.substr(0, end);
  if (raw.size() > 12) absl::SimpleAtoi(raw.substr(9, 3), &a.status);
  a.text = end == std::string::npos ? "" : raw.substr(end + 4);
  a.body = Json::parse(a.text, nullptr, false);
  return a;
}

// The next piece of the body on the wire (framed when chunked); "" at the end.
std::string NextPiece(const Hostile& h, size_t& offset, bool& ended) {
  const size_t total = h.body.size() + h.zeros;
  if (offset >= total) {
    if (ended || !h.chunked) return "";
    ended = true;
    return "0\r\n\r\n";
  }
  size_t n = std::min<size_t>(64 * 1024, total - offset);
  std::string piece;
  if (offset < h.body.size()) {
    n = std::min(n, h.body.size() - offset);
    piece = h.body.substr(offset, n);
  } else {
    piece.assign(n, '\0');
  }
  offset += n;
  if (!h.chunked) return piece;
  char size[32];
  std::snprintf(size, sizeof(size), "%zx\r\n", n);
  return absl::StrCat(size, piece, "\r\n");
}

}  // namespace

std::string Header(const Answer& a, const std::string& name) {
  std::string needle = absl::StrCat("\r\n", name, ": ");
  size_t at = a.head.find(needle);
  if (at == std::string::npos) return "";
  size_t from = at + needle.size();
  return a.head.substr(from, a.head.find("\r\n", from) - from);
}

// Sends the request, its body only while the server has not answered, and
// returns the answer with how long it took.
Answer Send(int port, const Hostile& h) {
  const absl::Time start = absl::Now();
  int fd = ConnectLoopback(port);
  if (fd < 0) return {};
  std::string raw;
  std::string pending =
      absl::StrCat(h.head, h.chunked ? "Transfer-Encoding: chunked\r\n" : "", "\r\n");
  size_t offset = 0;
  size_t sent_body = 0;
  bool ended = false;
  bool can_send = true;
  char buffer[16 * 1024];
  while (!Complete(raw) && absl::Now() - start < h.timeout) {
    if (can_send && pending.empty()) pending = NextPiece(h, offset, ended);
    pollfd p{fd, static_cast<short>(POLLIN | (can_send && !pending.empty() ? POLLOUT : 0)), 0};
    if (poll(&p, 1, 100) <= 0) continue;
    if (p.revents & POLLIN) {
      ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      raw.append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (p.revents & POLLOUT) {
      ssize_t n = send(fd, pending.data(), pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0) {
        can_send = false;  // reset: read what was answered
        continue;
      }
      sent_body += static_cast<size_t>(n);
      pending.erase(0, static_cast<size_t>(n));
    } else if (p.revents & (POLLERR | POLLHUP)) {
      can_send = false;
    }
  }
  close(fd);
  Answer a = Parse(raw);
  a.took = absl::Now() - start;
  a.body_sent = sent_body;
  return a;
}

std::string Head(const std::string& method, const std::string& target, size_t length,
                 const std::string& extra) {
  std::string head = absl::StrCat(method, " ", target, " HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                                  "Connection: close\r\nContent-Type: application/json\r\n", extra);
  if (length > 0) absl::StrAppend(&head, "Content-Length: ", length, "\r\n");
  return head;
}

std::string Bearer(const std::string& token) {
  return absl::StrCat("Authorization: Bearer ", token, "\r\n");
}

void ExpectError(const Answer& a, int status, const std::string& code) {
  EXPECT_EQ(a.status, status) << a.head;
  ASSERT_TRUE(a.body.is_object()) << a.head;
  EXPECT_EQ(a.body["error"].value("code", ""), code) << a.body.dump();
  EXPECT_FALSE(a.body["error"].value("message", "").empty());
  EXPECT_FALSE(Header(a, "X-Request-Id").empty()) << a.head;
}

// Runs every request at once, each on its own thread.
std::vector<Answer> AllAtOnce(int port, const std::vector<Hostile>& requests) {
  std::vector<Answer> answers(requests.size());
  std::vector<std::thread> threads;
  std::atomic<int> ready{0};
  for (size_t i = 0; i < requests.size(); ++i) {
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < static_cast<int>(requests.size())) std::this_thread::yield();
      answers[i] = Send(port, requests[i]);
    });
  }
  for (std::thread& t : threads) t.join();
  return answers;
}

}  // namespace wa::testing
