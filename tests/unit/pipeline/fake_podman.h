// A fake podman for the orchestration tests: records every command and
// answers like podman would. A container's image is its last argument;
// its exit code comes from `exit_codes` (default 0).
#pragma once

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "pipeline/runtime.h"

namespace fake {

inline bool contains(const std::vector<std::string>& words, const std::string& word)
{
    return std::find(words.begin(), words.end(), word) != words.end();
}

struct Podman {
    std::vector<b2c::Command> calls;
    std::map<std::string, int> exit_codes;       // image -> exit code
    std::set<std::string> missing_images;        // create always fails
    std::set<std::string> full_store_images;     // create fails: no space left on device
    std::map<std::string, int> create_failures;  // image -> failures before success
    std::set<std::string> damaged_images;        // start fails as crun does on missing files, until a prune
    std::set<std::string> existing_volumes;
    std::set<std::string> failing_logins;          // registries
    std::set<std::string> failing_mounts;          // sources
    std::set<std::string> labelled_volumes;        // created with --label
    std::map<std::string, std::string> encrypted;  // directory -> raw key, as fscrypt would have it
    std::vector<std::string> encryptions;          // directories given to encrypt(), in order
    std::vector<std::chrono::seconds> sleeps;
    std::vector<b2c::storage::MountSpec> mounts;
    std::map<std::string, std::vector<std::string>> created;  // id -> create argv
    std::set<std::string> removed;                            // container ids
    std::set<std::string> failing_pulls, failing_pushes;      // volume directories
    std::vector<b2c::s3::Location> mirror_locations;          // as given, in order
    std::vector<b2c::s3::MirrorOptions> mirror_options;
    // Pods (b2c.kube): a URL's YAML (a URL not here cannot be fetched), and
    // what a YAML's containers exit with (one code per container).
    std::map<std::string, std::string> yamls;           // url -> YAML
    std::map<std::string, std::vector<int>> pod_exits;  // YAML -> exit codes
    std::map<std::string, int> play_failures;           // YAML -> unreachable registry before success
    std::set<std::string> refused_yamls;                // podman refuses them
    std::map<std::string, int> played_exit;             // container id -> exit code
    std::vector<std::string> downs;                     // YAMLs given to kube down
    std::vector<std::string> lifted;                    // cgroups whose device filter went

    b2c::pipeline::Runtime runtime()
    {
        b2c::pipeline::Runtime rt;
        rt.execute = [this](const b2c::Command& cmd) { return answer(cmd); };
        rt.sleep = [this](std::chrono::seconds s) { sleeps.push_back(s); };
        rt.lift_device_filter = [this](const std::string& cgroup_dir) {
            lifted.push_back(cgroup_dir);
            return 1;
        };
        rt.fetch = [this](const std::string& url) {
            auto it = yamls.find(url);
            if (it == yamls.end())
                throw std::runtime_error("cannot download " + url + ": the server answered HTTP 404");
            return it->second;
        };
        rt.mount = [this](const b2c::storage::MountSpec& spec) {
            if (failing_mounts.count(spec.source))
                throw std::runtime_error("cannot mount " + spec.source + ": no such device");
            mounts.push_back(spec);
            return b2c::pipeline::Hold{};
        };
        // Like storage::ensure_encrypted_directory, without a kernel.
        rt.encrypt = [this](const std::string& dir, const std::string& key, bool reset) {
            encryptions.push_back(dir);
            auto it = encrypted.find(dir);
            if (it != encrypted.end() && it->second != key && !reset)
                throw std::runtime_error(dir + " is encrypted with another key");
            encrypted[dir] = key;
            return b2c::pipeline::Hold{};
        };
        rt.is_encrypted = [this](const std::string& dir) { return encrypted.count(dir) > 0; };
        // Recorded among the commands as "mirror pull|push DIR BUCKET/PREFIX",
        // so that tests see the order of pulls, pushes and containers.
        rt.mirror = [this](b2c::pipeline::MirrorDirection direction, const std::string& dir,
                           const b2c::s3::Location& location, const b2c::s3::MirrorOptions& options) {
            const bool pull = direction == b2c::pipeline::MirrorDirection::pull;
            b2c::Command cmd;
            cmd.argv = {"mirror", pull ? "pull" : "push", dir, location.bucket + "/" + location.prefix};
            calls.push_back(cmd);
            mirror_locations.push_back(location);
            mirror_options.push_back(options);
            b2c::s3::MirrorReport report;
            if ((pull ? failing_pulls : failing_pushes).count(dir))
                report.failed = {"results/log.txt: HTTP 503 after 5 attempts",
                                 "results/junit.xml: HTTP 503 after 5 attempts"};
            else
                report.copied = 1;
            return report;
        };
        return rt;
    }

    // The command lines run, each joined with spaces.
    std::vector<std::string> lines() const
    {
        std::vector<std::string> out;
        for (const auto& cmd : calls) {
            std::string line;
            for (const auto& word : cmd.argv)
                line += (line.empty() ? "" : " ") + word;
            out.push_back(line);
        }
        return out;
    }

    // Images started attached, in order.
    std::vector<std::string> attached_images() const
    {
        std::vector<std::string> images;
        for (const auto& cmd : calls)
            if (cmd.argv.size() >= 3 && cmd.argv[1] == "start" && cmd.argv[2] == "--attach")
                images.push_back(created.at(cmd.argv.back()).back());
        return images;
    }

    // The create argv of the first container of `image`.
    std::vector<std::string> create_of(const std::string& image) const
    {
        for (const auto& [id, argv] : created)
            if (argv.back() == image)
                return argv;
        return {};
    }

    b2c::CommandResult answer(const b2c::Command& cmd)
    {
        calls.push_back(cmd);
        const auto& a = cmd.argv;
        auto sub = [&](std::size_t i) { return a.size() > i ? a[i] : std::string(); };
        b2c::CommandResult r;
        r.exit_code = 0;
        if (sub(1) == "login") {
            r.exit_code = failing_logins.count(a.back()) ? 125 : 0;
        } else if (sub(1) == "volume" && sub(2) == "exists") {
            r.exit_code = existing_volumes.count(a.back()) ? 0 : 1;
        } else if (sub(1) == "volume" && sub(2) == "create") {
            existing_volumes.insert(a.back());
            if (contains(a, "--label"))
                labelled_volumes.insert(a.back());
        } else if (sub(1) == "volume" && sub(2) == "ls") {
            for (const auto& name : labelled_volumes)
                r.output += name + "\n";
        } else if (sub(1) == "volume" && sub(2) == "rm") {
            for (std::size_t i = 4; i < a.size(); ++i) {
                existing_volumes.erase(a[i]);
                labelled_volumes.erase(a[i]);
            }
        } else if (sub(1) == "volume" && sub(2) == "inspect") {
            r.output = "/var/lib/containers/storage/volumes/" + a.back() + "/_data\n";
        } else if (sub(1) == "create") {
            const auto& image = a.back();
            if (full_store_images.count(image)) {
                r.exit_code = 125;
                r.output =
                    "Error: writing blob: storing blob to file: write /var/tmp/storage: no space left on device\n";
            } else if (missing_images.count(image) || create_failures[image]-- > 0) {
                r.exit_code = 125;
                r.output = "Error: " + image + ": image not known\n";
            } else {
                auto id = "id" + std::to_string(created.size());
                created[id] = a;
                r.output = "Trying to pull " + image + "...\nWriting manifest\n" + id + "\n";
            }
        } else if (sub(1) == "start" && sub(2) == "--attach") {
            if (contains(created.at(a.back()), "--rm"))
                removed.insert(a.back());  // podman removes it once it exited, or failed to start
            if (damaged_images.count(created.at(a.back()).back())) {
                r.exit_code = 127;
                r.output = "Error: crun: executable file `sh` not found in $PATH: No such file or directory: OCI "
                           "runtime attempted to invoke a command that was not found\n";
            } else {
                r.exit_code = exit_code_of(a.back());
            }
        } else if (sub(1) == "image" && sub(2) == "prune" && contains(a, "--all")) {
            damaged_images.clear();
        } else if (sub(1) == "kube" && sub(2) == "play") {
            const auto& yaml = cmd.stdin_data.value();
            if (refused_yamls.count(yaml)) {
                r.exit_code = 125;
                r.output = "Error: unable to read YAML as Kube Pod: yaml: cannot unmarshal !!seq into v1.PodSpec\n";
            } else if (play_failures[yaml]-- > 0) {
                r.exit_code = 125;
                r.output = "Error: initializing source docker://reg/img:latest: pinging container registry reg: "
                           "Get \"http://reg/v2/\": dial tcp 10.0.2.2:5000: connect: connection refused\n";
            } else {
                r.output = "Trying to pull reg/img...\nPod:\n" + hex_id(played_exit.size() + 1000) + "\nContainers:\n";
                for (int code : pod_exits[yaml]) {
                    auto id = hex_id(played_exit.size());
                    played_exit[id] = code;
                    r.output += id + "\n";
                }
            }
        } else if (sub(1) == "pod" && sub(2) == "inspect") {
            r.output = "/libpod_parent/" + a.back() + "\n";
        } else if (sub(1) == "kube" && sub(2) == "down") {
            downs.push_back(cmd.stdin_data.value());
        } else if (sub(1) == "wait") {
            for (std::size_t i = 2; i < a.size(); ++i)
                r.output += std::to_string(played_exit.at(a[i])) + "\n";
        } else if (sub(1) == "rm") {
            if (!created.count(a.back()) || removed.count(a.back()))
                r.exit_code = contains(a, "--ignore") ? 0 : 1;
            removed.insert(a.back());
        }
        return r;
    }

    static std::string hex_id(std::size_t n)
    {
        auto digits = std::to_string(n);
        return std::string(64 - digits.size(), 'a') + digits;
    }

    int exit_code_of(const std::string& id) const
    {
        auto it = exit_codes.find(created.at(id).back());
        return it == exit_codes.end() ? 0 : it->second;
    }
};

}  // namespace fake
