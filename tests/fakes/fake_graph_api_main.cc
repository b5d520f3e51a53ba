// fake-graph-api: the FakeGraphApi as its own process, for shell, e2e and
// chaos tests that start, kill and restart "Meta" independently of the
// server. Prints "fake-graph-api listening on http://HOST:PORT" once ready;
// drive it through the /_fake/ control routes (tests/fakes/fake_graph_control.h).

#include <signal.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/time.h"
#include "tests/fakes/fake_graph_api.h"

ABSL_FLAG(std::string, host, "127.0.0.1", "Address to listen on");
ABSL_FLAG(int, port, 0, "Port to listen on; 0 picks a free one");
ABSL_FLAG(std::string, port_file, "", "If set, the bound port is written to this file");
ABSL_FLAG(std::string, phone_number_id, "109876543210987", "The only phone number id served");
ABSL_FLAG(std::string, display_phone_number, "15550100200", "metadata.display_phone_number");
ABSL_FLAG(std::string, waba_id, "210987654321098", "entry[].id in callbacks");
ABSL_FLAG(std::string, access_token, "fake-graph-access-token",
          "The Bearer token sends must carry");
ABSL_FLAG(std::string, webhook_url, "", "Where signed callbacks are posted; empty: none");
ABSL_FLAG(std::string, app_secret, "", "HMAC key for X-Hub-Signature-256");
ABSL_FLAG(absl::Duration, sent_after, absl::Milliseconds(200), "Delay of `sent`; inf: never");
ABSL_FLAG(absl::Duration, delivered_after, absl::Milliseconds(400),
          "Delay of `delivered`; inf: never");
ABSL_FLAG(absl::Duration, read_after, absl::Milliseconds(600), "Delay of `read`; inf: never");
ABSL_FLAG(int, webhook_attempts, 1, "Posts per callback until the webhook answers 2xx");
ABSL_FLAG(absl::Duration, webhook_retry_delay, absl::Milliseconds(500), "Between attempts");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  // Blocked before any thread starts, so only sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  wa::fakes::FakeGraphApiOptions options;
  options.host = absl::GetFlag(FLAGS_host);
  options.port = absl::GetFlag(FLAGS_port);
  options.phone_number_id = absl::GetFlag(FLAGS_phone_number_id);
  options.display_phone_number = absl::GetFlag(FLAGS_display_phone_number);
  options.waba_id = absl::GetFlag(FLAGS_waba_id);
  options.access_token = absl::GetFlag(FLAGS_access_token);
  options.webhook_url = absl::GetFlag(FLAGS_webhook_url);
  options.app_secret = absl::GetFlag(FLAGS_app_secret);
  options.sent_after = absl::GetFlag(FLAGS_sent_after);
  options.delivered_after = absl::GetFlag(FLAGS_delivered_after);
  options.read_after = absl::GetFlag(FLAGS_read_after);
  options.webhook_attempts = absl::GetFlag(FLAGS_webhook_attempts);
  options.webhook_retry_delay = absl::GetFlag(FLAGS_webhook_retry_delay);

  wa::fakes::FakeGraphApi fake(options);
  if (!fake.Start()) {
    std::fprintf(stderr, "fake-graph-api: cannot listen on %s:%d\n", options.host.c_str(),
                 options.port);
    return 1;
  }
  std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty()) {
    // Written whole to a temporary name and renamed, so a poller never reads half.
    std::string tmp = port_file + ".tmp";
    std::ofstream(tmp) << fake.port() << "\n";
    std::rename(tmp.c_str(), port_file.c_str());
  }
  std::printf("fake-graph-api listening on %s\n", fake.base_url().c_str());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  fake.Stop();
  return 0;
}
