// Sets up the b2c.volume options of a command line for real (libmount,
// fscrypt ioctls) with a stand-in for podman's volume store, runs a program
// while the volumes are up, then releases them as the clean-up does.
//
//   volume_probe --store DIR --cmdline 'b2c.volume=... ...' [-- PROGRAM ARGS...]
//
// The stand-in keeps volume NAME in DIR/NAME/_data and its labels in
// DIR/NAME/labels. Prints mountpoint.NAME=PATH for each volume. Exit
// status: PROGRAM's, or 0; 1 on a volume setup error (error=...), 2 on bad
// usage.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/log.h"
#include "pipeline/volumes.h"

namespace fs = std::filesystem;

namespace {

b2c::CommandResult fake_podman(const fs::path& store, const b2c::Command& cmd)
{
    const auto& a = cmd.argv;
    b2c::CommandResult r;
    r.exit_code = 0;
    if (a.size() < 3 || a[0] != "podman" || a[1] != "volume")
        return b2c::run_command(cmd);
    const auto& name = a.back();
    if (a[2] == "exists") {
        r.exit_code = fs::exists(store / name) ? 0 : 1;
    } else if (a[2] == "create") {
        fs::create_directories(store / name / "_data");
        if (a.size() > 4 && a[3] == "--label")
            std::ofstream(store / name / "labels") << a[4] << "\n";
    } else if (a[2] == "inspect") {
        r.output = (store / name / "_data").string() + "\n";
    } else if (a[2] == "rm") {
        for (std::size_t i = 4; i < a.size(); ++i)
            fs::remove_all(store / a[i]);
    } else {
        r.exit_code = 125;
        r.output = "volume_probe: unknown podman volume command";
    }
    return r;
}

}  // namespace

int main(int argc, char** argv)
{
    b2c::setup_logging();
    std::string store, cmdline;
    std::vector<std::string> program;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--store" && i + 1 < argc) {
            store = argv[++i];
        } else if (arg == "--cmdline" && i + 1 < argc) {
            cmdline = argv[++i];
        } else if (arg == "--") {
            program.assign(argv + i + 1, argv + argc);
            break;
        } else {
            store.clear();
            break;
        }
    }
    if (store.empty() || cmdline.empty()) {
        std::cerr << "usage: volume_probe --store DIR --cmdline 'b2c.volume=...' [-- PROGRAM ARGS...]\n";
        return 2;
    }
    auto config = b2c::cmdline::parse_config(cmdline);
    if (config.has_errors()) {
        for (const auto& d : config.diagnostics)
            std::cout << "error=" << d.option << ": " << d.message << std::endl;
        return 2;
    }
    b2c::pipeline::Runtime runtime;
    runtime.secrets = config.secrets();
    runtime.execute = [&](const b2c::Command& cmd) { return fake_podman(store, cmd); };

    int code = 0;
    b2c::pipeline::ActiveVolumes active;
    try {
        b2c::pipeline::setup_volumes(runtime, config.storage, active);
        for (const auto& volume : config.storage.volumes)
            std::cout << "mountpoint." << volume.name << "=" << (fs::path(store) / volume.name / "_data").string()
                      << std::endl;
        if (!program.empty()) {
            b2c::Command cmd;
            cmd.argv = program;
            cmd.capture_output = false;
            code = b2c::run_command(cmd).exit_code;
        }
    } catch (const b2c::pipeline::VolumeSetupError& e) {
        std::cout << "error=" << e.what() << std::endl;
        code = 1;
    }
    active.release(runtime);
    return code;
}
