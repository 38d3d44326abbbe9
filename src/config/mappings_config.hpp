// `mappings` (`maps`), top-level for the global account and in an account block, as
// nats-server 2.9 reads them: `"src": "dest"` or `"src": [{destination, weight, cluster}]`,
// each transform checked (accounts/subject_transform.hpp) with nats-server's error texts.
#pragma once

#include <vector>

#include "config/config_value.hpp"
#include "config/options.hpp"

namespace gnatsd::config {

std::vector<mapping_options> as_mappings(const value& map);

}  // namespace gnatsd::config
