#include "common/run_command.h"

#include <signal.h>
#include <sys/wait.h>

#include <stdexcept>
#include <thread>

#include <boost/process.hpp>
#include <spdlog/spdlog.h>

#include "common/console_mode.h"
#include "common/text.h"

namespace bp = boost::process;

namespace b2c {

std::string redact(std::string text, const std::vector<std::string>& secrets)
{
    for (const auto& secret : secrets) {
        if (secret.empty())
            continue;
        for (auto pos = text.find(secret); pos != std::string::npos;
             pos = text.find(secret, pos + 3))
            text.replace(pos, secret.size(), "***");
    }
    return text;
}

std::string format_command_line(const std::vector<std::string>& argv)
{
    std::string line;
    for (const auto& word : argv) {
        if (!line.empty())
            line += ' ';
        line += shell_quote(word);
    }
    return line;
}

namespace {

bp::environment child_environment(const Command& cmd)
{
    bp::environment env = boost::this_process::environment();
    for (const auto& assignment : cmd.extra_env) {
        auto eq = assignment.find('=');
        if (eq == std::string::npos)
            continue;
        env[assignment.substr(0, eq)] = assignment.substr(eq + 1);
    }
    return env;
}

boost::filesystem::path find_program(const std::string& name)
{
    if (name.find('/') != std::string::npos)
        return name;
    auto path = bp::search_path(name);
    if (path.empty())
        throw std::runtime_error(fmt::format("cannot run '{}': program not found in PATH", name));
    return path;
}

int exit_code_of(const bp::child& child)
{
    // Boost reports a signal death as the raw status; give shells' 128+N.
    int native = child.native_exit_code();
    if (WIFSIGNALED(native))
        return 128 + WTERMSIG(native);
    return child.exit_code();
}

}  // namespace

CommandResult run_command(const Command& cmd)
{
    if (cmd.argv.empty())
        throw std::invalid_argument("run_command: empty command line");
    if (cmd.log_command)
        spdlog::info("$ {}", redact(format_command_line(cmd.argv), cmd.secrets));

    auto exe = find_program(cmd.argv[0]);
    std::vector<std::string> args(cmd.argv.begin() + 1, cmd.argv.end());
    auto env = child_environment(cmd);

    CommandResult result;
    bp::ipstream out;
    bp::opstream in;
    std::error_code launch_error;
    bp::child child;

    // Four combinations of (stdin fed or inherited) x (output captured or not).
    if (cmd.capture_output && cmd.stdin_data)
        child = bp::child(exe, bp::args(args), env, (bp::std_out & bp::std_err) > out,
                          bp::std_in < in, launch_error);
    else if (cmd.capture_output)
        child = bp::child(exe, bp::args(args), env, (bp::std_out & bp::std_err) > out,
                          bp::std_in < bp::null, launch_error);
    else if (cmd.stdin_data)
        child = bp::child(exe, bp::args(args), env, bp::std_in < in, launch_error);
    else
        child = bp::child(exe, bp::args(args), env, launch_error);
    if (launch_error)
        throw std::runtime_error(
            fmt::format("cannot run '{}': {}", cmd.argv[0], launch_error.message()));

    if (cmd.stdin_data) {
        in << *cmd.stdin_data;
        in.flush();
        in.pipe().close();
    }

    std::thread reader;
    if (cmd.capture_output)
        reader = std::thread([&] {
            std::string line;
            while (std::getline(out, line))
                result.output += line + '\n';
        });

    if (cmd.timeout.count() > 0) {
        if (!child.wait_for(cmd.timeout)) {
            result.timed_out = true;
            spdlog::warn("'{}' did not finish within {} s: killed", cmd.argv[0],
                         cmd.timeout.count());
            child.terminate();
        }
    } else {
        child.wait();
    }
    if (reader.joinable())
        reader.join();
    if (!cmd.capture_output)
        make_console_blocking();
    result.exit_code = result.timed_out ? 128 + SIGKILL : exit_code_of(child);
    result.output = redact(std::move(result.output), cmd.secrets);
    return result;
}

}  // namespace b2c
