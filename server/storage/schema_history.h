#pragma once

#include <vector>

namespace wa::storage {

// The schema's history: the SQL of each version, in order (version =
// position + 1), written in the dialect both engines read (SchemaSql).
// Append only: a released migration never changes. migrations.h applies it.
const std::vector<const char*>& Migrations();

}  // namespace wa::storage
