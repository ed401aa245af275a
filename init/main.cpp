// b2c-init: the /init of the boot2container initramfs, and its debug CLI.
//   as PID 1                      boots the machine
//   as modprobe (a symlink)       loads modules for the kernel's requests
//   --dry-run [--cmdline STR | --cmdline-file FILE] [--extra-args-file FILE]
//                                 checks a command line (and its extra options)
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>

#include <boost/program_options.hpp>

#include "init/dry_run.h"
#include "init/modules.h"
#include "init/pid1.h"

namespace po = boost::program_options;

namespace {

std::optional<std::string> read_file(const std::string& path)
{
    std::ifstream file(path);
    if (!file)
        return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

int debug_cli(int argc, char** argv)
{
    po::options_description options(
        "Usage: b2c-init --dry-run [--cmdline STR | --cmdline-file FILE] [--extra-args-file FILE]");
    options.add_options()("help,h", "this help")("dry-run",
                                                 "parse the command line and print the configuration and the podman "
                                                 "command lines a boot would run; runs nothing")(
        "cmdline", po::value<std::string>(), "the kernel command line to check")(
        "cmdline-file", po::value<std::string>(), "read it from FILE (default: /proc/cmdline)")(
        "extra-args-file", po::value<std::string>(),
        "the options its b2c.extra_args_url would download, merged as a boot merges them");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, options), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "b2c-init: " << e.what() << "\n" << options;
        return 2;
    }
    if (vm.count("help") || !vm.count("dry-run")) {
        std::cout << options << "\nAs PID 1 (the initramfs' /init), b2c-init boots the machine.\n";
        return vm.count("help") ? 0 : 2;
    }
    std::optional<std::string> line;
    std::string path = vm.count("cmdline-file") ? vm["cmdline-file"].as<std::string>() : "/proc/cmdline";
    line = vm.count("cmdline") ? vm["cmdline"].as<std::string>() : read_file(path);
    std::optional<std::string> extra;
    if (line && vm.count("extra-args-file"))
        extra = read_file(path = vm["extra-args-file"].as<std::string>());
    if (!line || (vm.count("extra-args-file") && !extra)) {
        std::cerr << "b2c-init: cannot read " << path << "\n";
        return 2;
    }
    return b2c::init::dry_run(*line, extra, std::cout);
}

}  // namespace

int main(int argc, char** argv)
{
    const char* name = std::strrchr(argv[0], '/');
    name = name ? name + 1 : argv[0];
    if (std::strcmp(name, "modprobe") == 0)
        return b2c::init::modprobe_main(argc, argv);
    if (getpid() == 1) {
        // PID 1 must never exit: the kernel would panic, and a farm would
        // see neither a reason nor the end of the session.
        try {
            b2c::init::pid1_main();
        } catch (const std::exception& e) {
            b2c::init::end_session_in_distress(e.what());
        } catch (...) {
            b2c::init::end_session_in_distress("an unknown exception");
        }
    }
    return debug_cli(argc, argv);
}
