#pragma once

#include <string>
#include <vector>

namespace wa::cli {

// One wa-cli command: the RPC it calls and the request field a positional
// word fills. Every other field comes from --flags (request_flags.h).
struct Command {
  std::string name;
  std::string method;  // "/hotel.whatsapp.v1.Service/Method"
  std::string positional;
  std::string help;
};

const std::vector<Command>& Commands();
const Command* FindCommand(const std::string& name);

}  // namespace wa::cli
