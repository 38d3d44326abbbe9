// Writes the gnatsd(8) manual page to stdout. The build runs it to make gnatsd.8 from the same
// tables `gnatsd -h` prints (src/config/usage.cpp).
#include <iostream>

#include "config/usage.hpp"

int main() {
  std::cout << gnatsd::man_page(GNATSD_VERSION);
  return 0;
}
