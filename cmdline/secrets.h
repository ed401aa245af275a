// Secrets on a command line (or an extra-args file), found in its raw text
// whether or not the options holding them parse: a password in a
// b2c.login with a typo must stay hidden like any other.
//
// What counts as a secret value:
// * in any parameter, the value of a comma-separated item whose key is
//   `password`, ends in `_key` or `secret` (`fscrypt_key=`, `encrypt_key=`,
//   WireGuard's `private_key=`), quoted or not, first item included;
// * in b2c.minio, every field after the URL, the URL field itself when it
//   is not a URL at all (fields in the wrong order), and the user
//   information of the URL (`https://user:pass@host`);
// * in b2c.proxy, the user information of every URL.
// Commas are read both inside and outside double quotes, and a value with
// an unterminated quote runs to the end of the text: when in doubt, more
// is hidden.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace b2c::cmdline {

// Every secret value of `text`, quotes removed, each once.
std::vector<std::string> find_secrets(std::string_view text);

// The secrets of one parameter's value (as the tokenizer gives it).
std::vector<std::string> secrets_in_value(std::string_view name, std::string_view value);

// `text` with every secret value replaced in place by "***", for printing
// the command line or an extra-args file.
std::string redact_cmdline(std::string_view text);

}  // namespace b2c::cmdline
