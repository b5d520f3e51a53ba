#include "tests/integration/webhook_receiver.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "httplib.h"

namespace wa::testing {

WebhookReceiver::WebhookReceiver() {
  char pattern[] = "/tmp/wa-hook-XXXXXX";
  int fd = mkstemp(pattern);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  close(fd);
  log_path_ = pattern;
}

WebhookReceiver::~WebhookReceiver() {
  Stop();
  std::remove(log_path_.c_str());
}

void WebhookReceiver::Start() {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> args = {"/usr/bin/python3", WA_WEBHOOK_RECEIVER,
                                   absl::StrCat("--port=", port_), "--log=" + log_path_,
                                   "--state=" + state_.dump()};
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  FILE* stream = fdopen(out[0], "r");
  char line[128] = {0};
  int port = 0;
  bool ready =
      fgets(line, sizeof(line), stream) != nullptr && sscanf(line, "listening %d", &port) == 1;
  fclose(stream);
  if (!ready) throw std::runtime_error(absl::StrCat("webhook receiver did not start: ", line));
  port_ = port;
}

void WebhookReceiver::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string WebhookReceiver::url() const {
  return absl::StrCat("http://127.0.0.1:", port_, "/webhooks/whatsapp");
}

void WebhookReceiver::Control(const nlohmann::json& state) {
  state_.update(state);
  httplib::Client client("127.0.0.1", port_);
  httplib::Result result = client.Post("/_control", state.dump(), "application/json");
  if (!result || result->status != 200) throw std::runtime_error("receiver control failed");
}

nlohmann::json WebhookReceiver::Received() const {
  std::ifstream file(log_path_);
  nlohmann::json all = nlohmann::json::array();
  std::string line;
  while (std::getline(file, line)) {
    // The last line may be half-written while we read.
    nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    if (!record.is_discarded()) all.push_back(std::move(record));
  }
  return all;
}

nlohmann::json WebhookReceiver::WaitFor(const std::function<bool(const nlohmann::json&)>& done,
                                        absl::Duration timeout) const {
  absl::Time deadline = absl::Now() + timeout;
  nlohmann::json received = Received();
  while (!done(received) && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    received = Received();
  }
  return received;
}

int DeliveredCount(const nlohmann::json& received, const std::string& event_id) {
  int count = 0;
  for (const nlohmann::json& r : received) {
    if (r["event_id"] == event_id && r["status"].get<int>() / 100 == 2) ++count;
  }
  return count;
}

}  // namespace wa::testing
