#include "test_certificates.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace gnatsd::testing {
namespace {

// Runs a shell command in `dir`; false when it fails.
bool run(const std::string& dir, const std::string& command) {
  const std::string line = "cd '" + dir + "' && (" + command + ") >/dev/null 2>&1";
  return std::system(line.c_str()) == 0;
}

bool make_ca(const std::string& dir, const std::string& name) {
  return run(dir, "openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout " + name +
                      "-key.pem -out " + name + ".pem -subj /CN=" + name);
}

// A leaf certificate `name` signed by `ca`, usable as server and client certificate; its
// subject is /CN=<name> unless `subject` says otherwise.
bool make_leaf(const std::string& dir, const std::string& name, const std::string& ca,
               const std::string& san, const std::string& subject = {}) {
  return run(dir, "openssl req -newkey rsa:2048 -nodes -keyout " + name + "-key.pem -out " + name +
                      ".csr -subj " + (subject.empty() ? "/CN=" + name : subject)) &&
         run(dir, "printf 'subjectAltName=" + san +
                      "\\nextendedKeyUsage=serverAuth,clientAuth\\n' > " + name + ".ext") &&
         run(dir, "openssl x509 -req -days 3650 -in " + name + ".csr -CA " + ca + ".pem -CAkey " +
                      ca + "-key.pem -CAcreateserial -out " + name + ".pem -extfile " + name +
                      ".ext");
}

struct generated {
  test_certificates files;
  bool ok = false;

  generated() {
    files.dir =
        (std::filesystem::temp_directory_path() / ("gnatsd_certs_" + std::to_string(::getpid())))
            .string();
    std::filesystem::create_directories(files.dir);
    const std::string& d = files.dir;
    ok = make_ca(d, "ca") && make_ca(d, "rogue-ca") &&
         make_leaf(d, "server", "ca", "IP:127.0.0.1,DNS:localhost") &&
         make_leaf(d, "server-next", "ca", "IP:127.0.0.1,DNS:localhost") &&
         make_leaf(d, "client", "ca", "DNS:client") &&
         make_leaf(d, "rogue", "rogue-ca", "DNS:rogue") &&
         make_leaf(d, "alice", "ca", "email:alice@example.com") &&
         make_leaf(d, "bob", "ca", "DNS:bob-laptop", "/O=acme/OU=eng/CN=bob");
    files.ca = d + "/ca.pem";
    auto pair = [&d](const std::string& name, std::string& cert, std::string& key) {
      cert = d + "/" + name + ".pem";
      key = d + "/" + name + "-key.pem";
    };
    pair("server", files.server_cert, files.server_key);
    pair("server-next", files.next_server_cert, files.next_server_key);
    pair("client", files.client_cert, files.client_key);
    pair("rogue", files.rogue_cert, files.rogue_key);
    pair("alice", files.alice_cert, files.alice_key);
    pair("bob", files.bob_cert, files.bob_key);
  }
  ~generated() {
    std::error_code ignored;
    std::filesystem::remove_all(files.dir, ignored);
  }
};

}  // namespace

const test_certificates& certificates() {
  static const generated g;
  EXPECT_TRUE(g.ok) << "openssl could not generate the test certificates in " << g.files.dir;
  return g.files;
}

std::string key_id_of(const std::string& cert_file) {
  const std::string cmd = "openssl x509 -in '" + cert_file +
                          "' -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum";
  FILE* p = ::popen(cmd.c_str(), "r");
  char out[65] = {};
  const size_t n = p ? std::fread(out, 1, 64, p) : 0;
  if (p) ::pclose(p);
  return std::string(out, n);
}

}  // namespace gnatsd::testing
