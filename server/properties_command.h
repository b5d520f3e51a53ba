#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/domain/property_service.h"

namespace wa {

struct PropertiesOptions {
  std::string data_dir;
  std::string database_url;  // empty: SQLite in data_dir
  // set: absent keeps the stored value.
  std::optional<std::string> display_name;
  std::optional<std::string> time_zone;
  // add-number, remove-number (the property comes from the arguments).
  domain::NumberRequest number;
};

// `wa-server properties set|add-number|remove-number|list|unrouted`: the
// chain's properties and their WhatsApp numbers, changed in the database
// directly (a running server sees the change within seconds). Prints what
// it did on stdout; a refusal is one line on stderr and exit status 2, and
// changes nothing. No output ever holds an access token.
int RunPropertiesCommand(const std::vector<std::string>& args, const PropertiesOptions& options);

}  // namespace wa
