// Drives storage/fscrypt for the host tests, and prints key=value lines.
//
//   fscrypt_probe unlock [--reset] --key-file FILE DIR [-- PROGRAM ARGS...]
//       ensure_encrypted_directory(DIR) with the base-64 key in FILE, runs
//       PROGRAM while the key is in the keyring (its output passes through),
//       then removes the key. Prints identifier=HEX.
//   fscrypt_probe status DIR
//       Prints state=none|v1|v2 (and identifier=HEX for v2).
//
// Exit status: PROGRAM's, or 0; 1 on an error (the reason on stdout as
// error=...), 2 on bad usage.
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "cmdline/option_parsing.h"
#include "common/base64.h"
#include "common/log.h"
#include "common/run_command.h"
#include "common/text.h"
#include "storage/fscrypt.h"

namespace {

int usage()
{
    std::cerr << "usage: fscrypt_probe unlock [--reset] --key-file FILE DIR [-- PROGRAM ARGS...]\n"
                 "       fscrypt_probe status DIR\n";
    return 2;
}

std::string read_key(const std::string& file)
{
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto bytes = b2c::decode_base64(b2c::trim(text));
    if (!in || !bytes)
        throw std::runtime_error("cannot read a base-64 key from " + file);
    return *bytes;
}

int unlock(const std::vector<std::string>& args)
{
    bool reset = false;
    std::string key_file, dir;
    std::vector<std::string> program;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--reset") {
            reset = true;
        } else if (args[i] == "--key-file" && i + 1 < args.size()) {
            key_file = args[++i];
        } else if (args[i] == "--") {
            program.assign(args.begin() + static_cast<long>(i) + 1, args.end());
            break;
        } else if (dir.empty() && !args[i].starts_with("-")) {
            dir = args[i];
        } else {
            return usage();
        }
    }
    if (dir.empty() || key_file.empty())
        return usage();
    auto key = b2c::storage::ensure_encrypted_directory(dir, read_key(key_file), reset);
    std::cout << "identifier=" << b2c::storage::to_hex(key.identifier()) << std::endl;
    if (program.empty())
        return 0;
    b2c::Command cmd;
    cmd.argv = program;
    cmd.capture_output = false;
    return b2c::run_command(cmd).exit_code;
}

int status(const std::string& dir)
{
    auto encryption = b2c::storage::directory_encryption(dir);
    using State = b2c::storage::DirectoryEncryption::State;
    switch (encryption.state) {
    case State::none: std::cout << "state=none\n"; break;
    case State::v1: std::cout << "state=v1\n"; break;
    case State::v2: std::cout << "state=v2\nidentifier=" << b2c::storage::to_hex(encryption.id) << "\n"; break;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    b2c::setup_logging();
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty())
        return usage();
    try {
        if (args[0] == "unlock")
            return unlock({args.begin() + 1, args.end()});
        if (args[0] == "status" && args.size() == 2)
            return status(args[1]);
        return usage();
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        std::cout << "error=" << e.what() << std::endl;
        return 1;
    }
}
