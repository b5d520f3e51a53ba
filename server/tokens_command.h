#pragma once

#include <string>
#include <vector>

namespace wa {

struct TokensOptions {
  std::string data_dir;
  std::string database_url;  // empty: SQLite in data_dir
  std::string role;
  std::string name;
  std::string property;
};

// `wa-server tokens create|list|revoke`: works on the data directory
// directly, so the first admin token can be made before anything runs.
// `create` prints the new token on stdout and nothing else.
int RunTokensCommand(const std::vector<std::string>& args, const TokensOptions& options);

}  // namespace wa
